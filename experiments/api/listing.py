"""Searching, filtering by group and sorting a list before it is paged.

rows = search(request, Experiment.objects.visible_to(user), RESOURCE_SEARCH)
rows = sort(request, in_requested_group(request, rows), RESOURCE_SORTS)

The busiest lists are a ``PreparedList`` instead: the same steps, compiled once
per shape of request.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from django.db.models import F, QuerySet

from experiments.errors import NotFoundError
from experiments.models import Group
from experiments.prepared import (
    Inline,
    PreparedUserQuery,
    TotalRows,
    count_rows,
    fetch,
    padded,
    stand_in_user,
)
from experiments.search import (
    FieldMatcher,
    search_filter,
    search_terms,
    tag_field,
    terms_filter,
    text_field,
)

from .errors import SortParameterValidationError
from .paging import envelope, page_window
from .parsing import query_bool, query_int

# sortBy values of queues, experiments, entrypoints, plugins, parameter types, models.
RESOURCE_SORTS = {
    "name": "name",
    "createdOn": "created_on",
    "lastModifiedOn": "last_modified_on",
    "description": "description",
}


def named_resource_search(model) -> dict[str, FieldMatcher]:
    """Search fields of queues, experiments, plugins, parameter types, models."""
    return {
        "name": text_field("name"),
        "description": text_field("description"),
        "tag": tag_field(model),
    }


def search(request, rows: QuerySet, fields: Mapping[str, FieldMatcher]) -> QuerySet:
    """Applies the ``search`` parameter; Dioptra URL-decodes it a second time."""
    text = unquote(request.query_params.get("search", ""))
    return rows.filter(search_filter(text, fields))


def in_requested_group(request, rows: QuerySet) -> QuerySet:
    """Applies ``groupId``; a group the user cannot read is not found."""
    group_id = requested_group(request)
    return rows if group_id is None else rows.filter(group_id=group_id)


_READABLE_GROUP = PreparedUserQuery(
    lambda user, pk: Group.objects.readable_by(user).filter(pk=pk).values_list("pk")
)


def requested_group(request) -> int | None:
    """The ``groupId`` of a request, if any; a group the user cannot read is not found."""
    group_id = query_int(request, "groupId", default=None)
    if group_id is None:
        return None
    if not _READABLE_GROUP(request.user, group_id):
        raise NotFoundError("group", field="groupId", id=group_id)
    return group_id


def sort(request, rows: QuerySet, fields: Mapping[str, str]) -> QuerySet:
    """Applies ``sortBy`` and ``descending``; unsorted lists keep id order."""
    return ordered(rows, fields, *requested_sort(request, fields))


def requested_sort(request, fields: Mapping[str, str]) -> tuple[str, bool]:
    """``sortBy`` (one of ``fields``, or empty) and ``descending`` of a request."""
    sort_by = request.query_params.get("sortBy", "")
    descending = query_bool(request, "descending")
    if sort_by and sort_by not in fields:
        raise SortParameterValidationError(
            f"The sortBy value {sort_by!r} is not valid; use one of {', '.join(fields)}.",
            detail={"sort_by": sort_by, "valid": list(fields)},
        )
    return sort_by, descending


def ordered(rows: QuerySet, fields: Mapping[str, str], sort_by: str, descending: bool):
    if not sort_by:
        return rows.order_by("id")
    column = F(fields[sort_by])
    if descending:
        return rows.order_by(column.desc(nulls_last=True), "-id")
    return rows.order_by(column.asc(nulls_first=True), "id")


@dataclass(frozen=True, eq=False)  # hashed by identity: a key of compiled queries
class PreparedList:
    """A list endpoint (search, ``groupId``, sort, paging) whose queries are
    compiled once per shape of request (its search fields, sort, whether it
    names a group) and after that only run with the request's values: the
    page's ids, then their rows with what ``shape`` reads, then what
    ``prepare`` loads for the whole page; the total comes with a search's
    ids, and is counted on its own only when a page is full (or empty past
    the end).

    ``visible(user)`` gives the rows a user may read, ``rows(user)`` the same
    rows with what ``shape`` reads. ``scope`` names equality filters a caller
    adds per request (``experiment_id``, say)."""

    route: str
    visible: Callable[..., QuerySet]
    rows: Callable[..., QuerySet]
    search_fields: Mapping[str, FieldMatcher]
    sorts: Mapping[str, str]
    shape: Callable[..., dict]
    prepare: Callable[[list], None] | None = None
    by_group: bool = True

    def page(self, request, *, route: str | None = None, **scope: int) -> dict:
        user = request.user
        text = unquote(request.query_params.get("search", ""))
        terms = search_terms(text, self.search_fields)
        group_id = requested_group(request) if self.by_group else None
        sort_by, descending = requested_sort(request, self.sorts)
        index, page_length = page_window(request)
        fields = tuple(field for field, _ in terms)
        values = [user.pk, *scope.values(), *(pattern for _, pattern in terms)]
        if group_id is not None:
            values.append(group_id)

        def filtered(user_id, *rest) -> QuerySet:
            actor = stand_in_user(user_id, superuser=user.is_superuser)
            rows = self.visible(actor).filter(**dict(zip(scope, rest, strict=False)))
            rest = rest[len(scope) :]
            patterns = rest[: len(fields)]
            terms = list(zip(fields, patterns, strict=True))
            rows = rows.filter(terms_filter(terms, self.search_fields))
            return rows.filter(group_id=rest[len(fields)]) if group_id is not None else rows

        def window(*args) -> QuerySet:
            *filter_values, offset, limit = args if page_length > 0 else (*args, None)
            rows = ordered(filtered(*filter_values), self.sorts, sort_by, descending)
            return rows[offset : offset + limit] if limit is not None else rows[offset:]

        def shown(user_id) -> QuerySet:
            return self.rows(stand_in_user(user_id, superuser=user.is_superuser))

        def rows_in_window(*args) -> QuerySet:
            rows = shown(args[0]).filter(pk__in=window(*args).values("pk"))
            return ordered(rows, self.sorts, sort_by, descending)

        # self, not id(self): a freed id is reused.
        key = (self, user.is_superuser, tuple(scope), fields, group_id is not None)
        if page_length > 0:
            # The page's ids, then their rows: two small queries that
            # PostgreSQL plans far faster than one joining a subquery. A
            # search's few matches are counted along with the ids; a whole
            # list, with a count of its own (cheaper than a count on each row).
            counted = (TotalRows(),) if terms else ()
            page_key = (*key, sort_by, descending, "ids")
            bounds = [Inline(index), Inline(page_length)]
            found = fetch(
                page_key, values + bounds, lambda *v: window(*v).values_list("pk", *counted)
            )
            ids = [pk for pk, *_ in found]
            total = found[0][1] if terms and found else None
            page = []
            if ids:
                rows_key = (self, user.is_superuser, "rows")
                found = fetch(
                    rows_key, [user.pk, *padded(ids)], lambda u, *i: shown(u).filter(pk__in=i)
                )
                by_id = {row.pk: row for row in found}
                page = [by_id[pk] for pk in ids if pk in by_id]  # unless deleted meanwhile
            seen, full = len(ids), len(ids) == page_length
        else:  # every row from ``index`` on, however many
            page_key = (*key, sort_by, descending, "all")
            page = fetch(page_key, [*values, Inline(index)], rows_in_window)
            seen, full, total = len(page), False, None
        if total is None and not full and (seen or index == 0):
            total = index + seen  # the list ends on this page: no need to count it
        elif total is None:
            ((total,),) = fetch((*key, "count"), values, lambda *v: count_rows(filtered(*v)))
        if self.prepare is not None:
            self.prepare(page)
        data = [self.shape(row) for row in page]
        return envelope(request, route or self.route, index, page_length, total, data)


def named_resource_list(model, route: str, rows, shape) -> PreparedList:
    """The list of queues, experiments, plugins, parameter types or models:
    searched by name, description and tag, sorted by ``RESOURCE_SORTS``."""
    return PreparedList(
        route=route,
        visible=model.objects.visible_to,
        rows=rows,
        search_fields=named_resource_search(model),
        sorts=RESOURCE_SORTS,
        shape=shape,
    )
