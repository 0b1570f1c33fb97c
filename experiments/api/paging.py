"""Dioptra's paging envelope for every list.

``index`` is a row offset and ``pageLength`` the rows per page (at most 1000;
zero or less means all rows). The envelope's ``first``/``prev``/``next`` URLs
carry ``groupId`` and ``search`` when given, never the sort.
"""

from collections.abc import Callable, Iterable
from urllib.parse import quote_plus

from django.db.models import QuerySet

from .parsing import query_int
from .shapes.common import API_ROOT

MAX_PAGE_LENGTH = 1000
DEFAULT_PAGE_LENGTH = 10


def page_url(request, route: str, *, index: int, page_length: int) -> str:
    url = f"{API_ROOT}/{route}?index={index}&pageLength={page_length}"
    if group_id := request.query_params.get("groupId"):
        url += f"&groupId={group_id}"
    if search := request.query_params.get("search"):
        url += f"&search={quote_plus(search)}"
    return url


def paged(
    request,
    rows: QuerySet,
    *,
    route: str,
    shape: Callable[[object], dict],
    prepare: Callable[[Iterable], None] | None = None,
) -> dict:
    """One page of ``rows`` in Dioptra's envelope. ``prepare`` loads, for the
    whole page at once, anything the shape needs beyond the queryset."""
    index, page_length = page_window(request)
    total = rows.count()
    page = list(rows[index : index + page_length] if page_length > 0 else rows[index:])
    if prepare is not None:
        prepare(page)
    return envelope(request, route, index, page_length, total, [shape(row) for row in page])


def page_window(request) -> tuple[int, int]:
    """``index`` and ``pageLength`` of a list request."""
    index = query_int(request, "index", default=0, minimum=0)
    page_length = query_int(
        request, "pageLength", default=DEFAULT_PAGE_LENGTH, maximum=MAX_PAGE_LENGTH
    )
    return index, page_length


def envelope(request, route: str, index: int, page_length: int, total: int, data: list) -> dict:
    has_next = page_length > 0 and total > index + page_length
    page = {
        "index": index,
        "isComplete": not has_next,
        "totalNumResults": total,
        "first": page_url(request, route, index=0, page_length=page_length),
        "data": data,
    }
    if index > 0:
        previous = max(index - page_length, 0) if page_length > 0 else 0
        page["prev"] = page_url(request, route, index=previous, page_length=page_length)
    if has_next:
        page["next"] = page_url(request, route, index=index + page_length, page_length=page_length)
    return page
