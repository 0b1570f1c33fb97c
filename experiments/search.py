"""Dioptra's search language, run entirely in the database.

A search is a comma-separated list of terms, all of which must match. A term is
either ``field:value`` (the field's whole text matches the value) or a bare
value (each word appears, in order, in any searchable field). Values may use
``*`` (any run of characters) and ``?`` (one character), be quoted with ``'``
or ``"`` to hold spaces and punctuation, and escape ``\\ ? * " ' n : ,`` with a
backslash. Matching is case-insensitive, as on Dioptra's SQLite.

    experiments = Experiment.objects.filter(search_filter(text, EXPERIMENT_FIELDS))
"""

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import Exists, F, Lookup, OuterRef, Q

from .errors import DomainError

WORD_CHARS = frozenset(string.ascii_letters + string.digits + "_")
FIELD_CHARS = frozenset(string.ascii_letters + "_")
ESCAPABLE = {"\\": "\\", "?": "?", "*": "*", '"': '"', "'": "'", "n": "\n", ":": ":", ",": ","}
LIKE_ESCAPE = "/"


class SearchParseError(DomainError):
    status = 422

    def __init__(self, query: str, reason: str):
        super().__init__(
            f"The search {query!r} could not be parsed: {reason}",
            field="search",
            detail={"query": query, "reason": reason},
        )


class Like(Lookup):
    """``lhs LIKE rhs ESCAPE '/'``, case-insensitive on every backend.

    Used as an expression (``Like(F("name"), pattern)``); the pattern is a
    ready LIKE pattern whose literal ``%``, ``_`` and ``/`` are escaped."""

    lookup_name = "dioptra_like"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f"UPPER({lhs}) LIKE UPPER({rhs}) ESCAPE '{LIKE_ESCAPE}'"
        return sql, [*lhs_params, *rhs_params]

    def as_sqlite(self, compiler, connection):
        # SQLite's LIKE is already case-insensitive for ASCII, as in Dioptra.
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} LIKE {rhs} ESCAPE '{LIKE_ESCAPE}'", [*lhs_params, *rhs_params]

    def as_postgresql(self, compiler, connection):
        # UPPER(...) LIKE rather than ILIKE: a prefix pattern can then use an
        # index on UPPER(name) text_pattern_ops (see migration 0003).
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        sql = f"UPPER(({lhs})::text) LIKE UPPER({rhs}) ESCAPE '{LIKE_ESCAPE}'"
        return sql, [*lhs_params, *rhs_params]


# A searchable field turns a LIKE pattern into a condition on the rows.
FieldMatcher = Callable[[str], Q]


def text_field(path: str) -> FieldMatcher:
    return lambda pattern: Q(Like(F(path), pattern))


def tag_field(model) -> FieldMatcher:
    """Matches rows with any attached tag whose name matches."""
    through = model.tags.through
    owner = model._meta.model_name

    def matcher(pattern: str) -> Q:
        tagged = through.objects.filter(**{owner: OuterRef("pk")}).filter(
            Like(F("tag__name"), pattern)
        )
        return Q(Exists(tagged))

    return matcher


@dataclass(frozen=True)
class Term:
    field: str | None  # None: a bare value, searched fuzzily across every field
    tokens: tuple  # literal text, WILD_ANY, WILD_ONE or SPACE


WILD_ANY = object()
WILD_ONE = object()
SPACE = object()  # a space between the words of an unquoted bare value


class _Parser:
    """A hand-written reader for the grammar of Dioptra's pyparsing parser."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def fail(self, reason: str):
        raise SearchParseError(self.text, f"{reason} (at position {self.pos})")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_spaces(self) -> None:
        while self.peek() == " ":
            self.pos += 1

    def parse(self) -> list[Term]:
        terms = []
        while True:
            self.skip_spaces()
            terms.append(self.term())
            self.skip_spaces()
            if self.pos == len(self.text):
                return terms
            if self.peek() != ",":
                self.fail(f"unexpected {self.peek()!r}")
            self.pos += 1

    def term(self) -> Term:
        start = self.pos
        while self.peek() in FIELD_CHARS and self.peek():
            self.pos += 1
        if self.pos > start and self.peek() == ":":
            field = self.text[start : self.pos]
            self.pos += 1
            self.skip_spaces()
            return Term(field, self.value(allow_spaces=False))
        self.pos = start
        return Term(None, self.value(allow_spaces=True))

    def value(self, *, allow_spaces: bool) -> tuple:
        if self.peek() in {"'", '"'}:
            return self.quoted()
        tokens: list = []
        while True:
            char = self.peek()
            if char == "\\":
                tokens.append(self.escape())
            elif char in WORD_CHARS and char:
                tokens.append(char)
                self.pos += 1
            elif char == "*" or char == "?":
                tokens.append(WILD_ANY if char == "*" else WILD_ONE)
                self.pos += 1
            elif char == " " and allow_spaces:
                tokens.append(SPACE)
                self.pos += 1
            else:
                break
        while tokens and tokens[-1] is SPACE:
            tokens.pop()
            self.pos -= 1
        if not tokens:
            self.fail("expected a search value" if not self.peek() else f"unexpected {char!r}")
        return _merge_literals(tokens)

    def quoted(self) -> tuple:
        quote = self.peek()
        self.pos += 1
        tokens: list = []
        while True:
            char = self.peek()
            if not char:
                self.fail(f"the quote {quote} is not closed")
            if char == quote:
                self.pos += 1
                break
            if char == "\\":
                tokens.append(self.escape())
            elif char == "*" or char == "?":
                tokens.append(WILD_ANY if char == "*" else WILD_ONE)
                self.pos += 1
            elif char == "\n" or not char.isprintable():
                self.fail("quoted values hold printable characters only")
            else:
                tokens.append(char)
                self.pos += 1
        if not tokens:
            self.fail("empty quotes")
        return _merge_literals(tokens)

    def escape(self) -> str:
        escaped = self.text[self.pos + 1 : self.pos + 2]
        if escaped not in ESCAPABLE:
            self.fail(f"{escaped!r} cannot be escaped" if escaped else "a lone backslash")
        self.pos += 2
        return ESCAPABLE[escaped]


def _merge_literals(tokens: list) -> tuple:
    """Join runs of literal characters into words, as pyparsing returns them."""
    merged: list = []
    for token in tokens:
        if isinstance(token, str) and merged and isinstance(merged[-1], str):
            merged[-1] += token
        else:
            merged.append(token)
    return tuple(merged)


def parse_search(text: str) -> list[Term]:
    return _Parser(text).parse()


def _like_text(token) -> str:
    if token is WILD_ANY:
        return "%"
    if token is WILD_ONE:
        return "_"
    for special in (LIKE_ESCAPE, "%", "_"):
        token = token.replace(special, LIKE_ESCAPE + special)
    return token


def like_pattern(term: Term) -> str:
    """The LIKE pattern of a term: exact for ``field:value``, ``%a%b%`` for a bare value."""
    if term.field is not None:
        return "".join(_like_text(t) for t in term.tokens)
    words = [_like_text(t) for t in term.tokens if t is not SPACE]
    return "%" + "%".join(words) + "%"


def search_terms(text: str, fields: Mapping[str, FieldMatcher]) -> list[tuple[str | None, str]]:
    """``(field, LIKE pattern)`` for each term of a search (``None``: any field);
    an unknown field is a parse error."""
    if not text or not text.strip():
        return []
    terms = [(term.field, like_pattern(term)) for term in parse_search(text)]
    for field, _ in terms:
        if field is not None and field not in fields:
            raise SearchParseError(text, f"'{field}' is not a valid field")
    return terms


def terms_filter(terms: list[tuple[str | None, str]], fields: Mapping[str, FieldMatcher]) -> Q:
    """The condition ``search_terms`` put on rows: every term matches."""
    condition = Q()
    for field, pattern in terms:
        if field is None:
            any_field = Q()
            for matcher in fields.values():
                any_field |= matcher(pattern)
            condition &= any_field
        else:
            condition &= fields[field](pattern)
    return condition


def search_filter(text: str, fields: Mapping[str, FieldMatcher]) -> Q:
    """The condition a search puts on rows; an unknown field is a parse error."""
    return terms_filter(search_terms(text, fields), fields)
