"""Querysets compiled once per process, for the hottest reads.

Most of a small API request goes to Django building and compiling querysets
(close to a millisecond for a select with joins), not to the database (tens of
microseconds). A prepared query builds its queryset once, from placeholder
values, and keeps the compiled SQL; each call only puts its own values where
the placeholders were. Rows still come back as the queryset would give them
(model instances with their ``select_related`` rows and annotations, tuples
or values for ``values_list``), built by a row maker worked out once too.

    EXPERIMENT = PreparedQuery(lambda user_id, pk: Experiment.objects.filter(...))
    rows = EXPERIMENT(request.user.pk, 42)

Values (int or str) are SQL parameters. ``Inline(n)`` is a number Django
writes into the SQL text rather than passing as a parameter: a slice's
``LIMIT`` and ``OFFSET``. Anything else that changes the SQL (a variant, a
search's fields, a sort) belongs in the key, one compiled query per key. A
builder must not read the clock or other state: only its arguments may differ
between calls.
"""

import copy
import itertools
import operator
import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Func, IntegerField, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)

# Placeholders, far from any id, name or page size a request holds, and distinct.
_numbers = itertools.count(-1_987_654_321, -1)
_texts = (f"\x1fplaceholder-{n}\x1f" for n in itertools.count())
_inline_numbers = itertools.count(1_987_654_321)


@dataclass(frozen=True)
class Inline:
    """A non-negative number that Django writes into the SQL (LIMIT, OFFSET)."""

    value: int


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet
    compiler: object
    sql_parts: tuple[str, ...]  # the SQL split where inline values go
    inline_order: tuple[int, ...]  # which value goes between each two parts
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (parameter position, value index)
    make_rows: Callable | None  # (database rows, connection) -> results; None: Django's way


# Keys come from requests (a search's fields, say), so the cache is bounded.
MAX_COMPILED = 1000
_compiled: dict[Hashable, _Compiled] = {}


def fetch(key: Hashable, values: Sequence, build: Callable[..., QuerySet]) -> list:
    """The rows of ``build(*values)``, compiled once per ``key`` (with the types
    of the values) and reused with new values after that."""
    full_key = (connections[DEFAULT_DB_ALIAS].vendor, key, *map(type, values))
    compiled = _compiled.get(full_key)
    if compiled is None:
        if len(_compiled) >= MAX_COMPILED:
            del _compiled[next(iter(_compiled))]  # the oldest
        compiled = _compiled[full_key] = _compile(values, build)
    params = list(compiled.params)
    for position, index in compiled.slots:
        params[position] = values[index]
    sql = compiled.sql_parts[0]
    for index, part in zip(compiled.inline_order, compiled.sql_parts[1:], strict=True):
        sql += str(int(values[index].value)) + part
    if compiled.make_rows is not None:
        connection = connections[compiled.queryset.db]  # this thread's
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return compiled.make_rows(cursor.fetchall(), connection)
    compiler = copy.copy(compiled.compiler)
    compiler.connection = connections[compiler.using]  # this thread's
    compiler.as_sql = lambda *args, **kwargs: (sql, params)
    queryset = compiled.queryset._chain()
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    return list(queryset)


def _compile(values: Sequence, build: Callable[..., QuerySet]) -> _Compiled:
    placeholders = [
        Inline(next(_inline_numbers))
        if isinstance(v, Inline)
        else next(_numbers)
        if isinstance(v, int)
        else next(_texts)
        for v in values
    ]
    queryset = build(*(p.value if isinstance(p, Inline) else p for p in placeholders))
    compiler = queryset.query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    slots = tuple(
        (position, placeholders.index(param))
        for position, param in enumerate(params)
        if not isinstance(param, bool) and param in placeholders
    )
    inline = {str(p.value): i for i, p in enumerate(placeholders) if isinstance(p, Inline)}
    parts = re.split(r"\b(" + "|".join(inline) + r")\b", sql) if inline else [sql]
    # A number may go unused (a superuser's id, where no membership is
    # checked). A text or an inline number that does not reach the SQL as it
    # is, or a number that reaches it changed (written into the SQL, turned
    # into text), was transformed on the way: it must be part of the key.
    found = {index for _, index in slots} | {inline[n] for n in parts[1::2]}
    texts = [sql, *map(str, params)]
    lost = [
        i
        for i, p in enumerate(placeholders)
        if i not in found and (not isinstance(p, int) or any(str(p) in t for t in texts))
    ]
    if lost:
        raise ValueError(f"Values {lost} of a prepared query do not reach its SQL as they are.")
    return _Compiled(
        queryset,
        compiler,
        tuple(parts[0::2]),
        tuple(inline[n] for n in parts[1::2]),
        tuple(params),
        slots,
        _row_maker(queryset, compiler),
    )


def _row_maker(queryset: QuerySet, compiler) -> Callable | None:
    """What Django's iterables do with a query's rows (convert the values,
    build instances and their ``select_related`` rows, set annotations), with
    all that depends only on the query worked out once. None for what it does
    not cover (prefetches, other iterables), which Django then runs."""
    if queryset._prefetch_related_lookups or queryset._known_related_objects:
        return None
    fields = [column[0] for column in compiler.select[: compiler.col_count]]
    if compiler.has_composite_fields(fields):
        return None
    converters = list(compiler.get_converters(fields).items())
    width = compiler.col_count if compiler.has_extra_select else None
    iterable = queryset._iterable_class
    if iterable is ValuesListIterable:
        build = tuple
    elif iterable is FlatValuesListIterable:
        build = operator.itemgetter(0)
    elif iterable is ModelIterable:
        build = _instance_builder(queryset.db, compiler)
    else:
        return None

    def make_rows(rows: list, connection) -> list:
        results = []
        for row in rows:
            if width is not None:
                row = row[:width]
            if converters:
                row = list(row)
                for position, (functions, expression) in converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
            results.append(build(row))
        return results

    return make_rows


def _instance_builder(db: str, compiler) -> Callable:
    """A row to a model instance, as ``ModelIterable`` makes it."""
    select, klass_info = compiler.select, compiler.klass_info
    model = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    attnames = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, db)
    annotations = list((compiler.annotation_col_map or {}).items())

    def build(row):
        instance = model.from_db(db, attnames, row[start:end])
        for populator in populators:
            populator.populate(row, instance)
        for name, position in annotations:
            setattr(instance, name, row[position])
        return instance

    return build


class PreparedQuery:
    """A query with one fixed builder: ``PreparedQuery(build)(*values, **variant)``
    runs ``build(*values, **variant)``, compiled once per variant."""

    def __init__(self, build: Callable[..., QuerySet]):
        self._build = build

    def __call__(self, *values, **variant) -> list:
        key = (self, *sorted(variant.items()))  # self, not id(self): a freed id is reused
        return fetch(key, values, lambda *placeholders: self._build(*placeholders, **variant))

    def first(self, *values, **variant):
        """The first row, or None."""
        rows = self(*values, **variant)
        return rows[0] if rows else None


class PreparedUserQuery(PreparedQuery):
    """A prepared query of what one user may see: ``query(user, *values)``
    runs ``build(stand_in, *values)``, where the stand-in user holds only the
    user's id (a value) and whether they are a superuser (a variant)."""

    def __call__(self, user, *values) -> list:
        superuser = user.is_superuser

        def build(user_id, *rest) -> QuerySet:
            return self._build(stand_in_user(user_id, superuser=superuser), *rest)

        return fetch((self, superuser), (user.pk, *values), build)


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


class _RowCount(Func):
    template = "COUNT(*)"
    output_field = IntegerField()
    contains_aggregate = False  # so Django adds no GROUP BY


class TotalRows(Func):
    """The number of rows the query finds before its ``LIMIT`` and ``OFFSET``,
    on each row it returns: a page and the total in one query."""

    template = "COUNT(*) OVER ()"
    output_field = IntegerField()
    contains_aggregate = False  # so Django adds no GROUP BY


def count_rows(rows: QuerySet) -> QuerySet:
    """``rows.count()`` as a one-row queryset, ``SELECT COUNT(*) FROM ...``,
    so that it can be prepared."""
    return rows.order_by().values_list(_RowCount())
