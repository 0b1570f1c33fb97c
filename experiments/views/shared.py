"""What the page views of every noun share: object lookups that answer 404
or 403 as the permission rules say, and the search/sort/page of lists."""

from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django_htmx.http import HttpResponseClientRedirect

from ..errors import DomainError, NotAllowedError
from ..models import Group
from ..models.resources import Resource

PAGE_SIZE = 20

# What a list may be sorted by: the `sort` query parameter, with an optional
# leading "-" for descending, names one of these.
SORT_FIELDS = {"name": "name", "created": "created_on", "modified": "last_modified_on"}


def visible_or_404(model: type[Resource], request: HttpRequest, pk: int) -> Resource:
    return get_object_or_404(model.objects.visible_to(request.user), pk=pk)


def editable_or_403(model: type[Resource], request: HttpRequest, pk: int) -> Resource:
    resource = visible_or_404(model, request, pk)
    if not resource.can_edit(request.user):
        raise PermissionDenied(f"You may read this {model._meta.verbose_name} but not change it.")
    return resource


def writable_group_ids(user) -> set[int]:
    """One query, so lists can say per row whether the user may change it."""
    return set(Group.objects.writable_by(user).values_list("id", flat=True))


def is_fragment_request(request: HttpRequest) -> bool:
    """An htmx request that swaps part of the page (not a history restore,
    which needs the whole page)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


@dataclass
class Listing:
    page: Page
    query: str
    sort: str
    group: Group | None

    @property
    def rows(self):
        return self.page.object_list

    @property
    def page_range(self):
        """Page numbers around the current one, with Paginator.ELLIPSIS in the gaps."""
        return self.page.paginator.get_elided_page_range(
            self.page.number, on_each_side=2, on_ends=1
        )

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or self.group)


def list_page(
    request: HttpRequest,
    queryset: QuerySet,
    *,
    default_sort: str,
    search_fields: tuple[str, ...] = ("name",),
    sort_fields: dict[str, str] = SORT_FIELDS,
) -> Listing:
    """Filter by `group` and `q` (any of `search_fields` contains it), order by
    `sort` (a key of `sort_fields`), cut out `page`."""
    group = None
    if request.GET.get("group", "").isdigit():
        group = Group.objects.readable_by(request.user).filter(pk=request.GET["group"]).first()
        queryset = queryset.filter(group=group)
    query = request.GET.get("q", "").strip()
    if query:
        matches = Q()
        for field in search_fields:
            matches |= Q(**{f"{field}__icontains": query})
        queryset = queryset.filter(matches)
    sort = request.GET.get("sort", default_sort)
    if sort.removeprefix("-") not in sort_fields:
        sort = default_sort
    descending = "-" if sort.startswith("-") else ""
    queryset = queryset.order_by(f"{descending}{sort_fields[sort.removeprefix('-')]}", "id")
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    return Listing(page=page, query=query, sort=sort, group=group)


def mark_editable(rows, writable_ids: set[int]) -> None:
    """Set `editable` on each row, from the ids of `writable_group_ids`."""
    for row in rows:
        row.editable = row.group_id in writable_ids


def add_domain_error(form: forms.Form, error: DomainError, *, fields: dict | None = None) -> None:
    """Show a domain error on the field it names (renamed through `fields`),
    or above the form. Refusals of permission are a 403, not a form error."""
    if isinstance(error, NotAllowedError):
        raise PermissionDenied(error.message)
    field = (fields or {}).get(error.field, error.field)
    form.add_error(field if field in form.fields else None, error.message)


def redirect_after_save(request: HttpRequest, url: str) -> HttpResponse:
    """Go to `url`; an htmx form asks the browser to go there as a whole page."""
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def choose_template(request: HttpRequest, template: str, fragment: str) -> str:
    """The page, or only its named partial when htmx swaps part of it."""
    return f"{template}#{fragment}" if is_fragment_request(request) else template
