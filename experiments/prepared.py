"""Querysets compiled once per process, for the hottest reads.

Most of a small API request goes to Django building and compiling querysets
(close to a millisecond for a select with joins), not to the database (tens of
microseconds). A ``PreparedQuery`` builds its queryset once, from placeholder
values, and keeps the compiled SQL; each call only puts its own values where
the placeholders were in the parameter list. Rows still come back through the
queryset's own iterable: model instances with their ``select_related`` rows
and annotations, or tuples for ``values_list``.

    EXPERIMENT = PreparedQuery(lambda user_id, pk: Experiment.objects.filter(...))
    rows = EXPERIMENT(request.user.pk, 42)

Positional values (int or str) are the placeholders; keyword values pick a
variant (``superuser=True``) and are passed to the builder as they are, one
compiled query per variant. A builder must not read the clock or any other
state: only its arguments may change between calls.
"""

import copy
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

# Placeholder values: far from any id or name a row holds, and distinct.
_numbers = itertools.count(-1_987_654_321, -1)
_texts = (f"\x1fplaceholder-{n}\x1f" for n in itertools.count())


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: object
    sql: str
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (parameter position, argument index)


class PreparedQuery:
    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build
        self._compiled: dict[tuple, _Compiled] = {}

    def __call__(self, *values, **variant) -> list:
        key = (connections[DEFAULT_DB_ALIAS].vendor, tuple(map(type, values)), *variant.items())
        compiled = self._compiled.get(key)
        if compiled is None:
            compiled = self._compiled[key] = self._compile(values, variant)
        params = list(compiled.params)
        for position, index in compiled.slots:
            params[position] = values[index]
        compiler = copy.copy(compiled.compiler)
        compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
        queryset = compiled.queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)

    def _compile(self, values: tuple, variant: dict) -> _Compiled:
        placeholders = [next(_numbers) if isinstance(v, int) else next(_texts) for v in values]
        queryset = self._build(*placeholders, **variant)
        compiler = queryset.query.get_compiler(using=queryset.db)
        sql, params = compiler.as_sql()
        slots = tuple(
            (position, placeholders.index(param))
            for position, param in enumerate(params)
            if param in placeholders and not isinstance(param, bool)
        )
        missing = set(range(len(values))) - {index for _, index in slots}
        if missing:
            raise ValueError(
                f"Placeholders {sorted(missing)} of a prepared query are not plain "
                "SQL parameters; pass those values as variants instead."
            )
        return _Compiled(queryset, compiler, sql, tuple(params), slots)


def stand_in_user(pk: int, *, superuser: bool):
    """A user holding only what permission filters read: its id and whether it
    is a superuser (a variant, so each kind gets its own compiled query)."""
    from experiments.models import User

    return User(pk=pk, is_superuser=superuser)


def padded(ids: list[int]) -> list[int]:
    """``ids`` lengthened to the next power of two by repeating the last one, so
    an ``IN (...)`` query is compiled for a few lengths rather than for each."""
    size = 1 << max(len(ids) - 1, 0).bit_length()
    return [*ids, *[ids[-1]] * (size - len(ids))]
