"""Searching, filtering by group and sorting a list before it is paged.

rows = search(request, Experiment.objects.visible_to(user), RESOURCE_SEARCH)
rows = sort(request, in_requested_group(request, rows), RESOURCE_SORTS)
"""

from collections.abc import Mapping
from urllib.parse import unquote

from django.db.models import F, QuerySet

from experiments.errors import NotFoundError
from experiments.models import Group
from experiments.search import FieldMatcher, search_filter, tag_field, text_field

from .errors import SortParameterValidationError
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
    group_id = query_int(request, "groupId", default=None)
    if group_id is None:
        return rows
    if not Group.objects.readable_by(request.user).filter(pk=group_id).exists():
        raise NotFoundError("group", field="groupId", id=group_id)
    return rows.filter(group_id=group_id)


def sort(request, rows: QuerySet, fields: Mapping[str, str]) -> QuerySet:
    """Applies ``sortBy`` and ``descending``; unsorted lists keep id order."""
    sort_by = request.query_params.get("sortBy", "")
    descending = query_bool(request, "descending")
    if not sort_by:
        return rows.order_by("id")
    if sort_by not in fields:
        raise SortParameterValidationError(
            f"The sortBy value {sort_by!r} is not valid; use one of {', '.join(fields)}.",
            detail={"sort_by": sort_by, "valid": list(fields)},
        )
    column = F(fields[sort_by])
    if descending:
        return rows.order_by(column.desc(nulls_last=True), "-id")
    return rows.order_by(column.asc(nulls_first=True), "id")
