"""Tag pages: list, detail (the resources carrying the tag), create, rename,
delete; and the tags card of each resource page, which attaches and detaches."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import tagging
from ..converters import MAX_ID
from ..errors import DomainError
from ..forms import ResourceForm
from ..models import Tag
from ..models.resources import Resource
from .shared import (
    PAGE_SIZE,
    Listing,
    add_domain_error,
    choose_template,
    editable_or_403,
    is_fragment_request,
    list_page,
    mark_editable,
    redirect_after_save,
    visible_or_404,
    writable_group_ids,
)

# The page of each taggable resource type.
RESOURCE_PAGES: dict[str, Callable[[Resource], str]] = {
    "queue": lambda r: reverse("queue_detail", args=[r.pk]),
    "experiment": lambda r: reverse("experiment_detail", args=[r.pk]),
    "entry_point": lambda r: reverse("entrypoint_detail", args=[r.pk]),
    "plugin": lambda r: reverse("plugin_detail", args=[r.pk]),
    "plugin_file": lambda r: reverse("plugin_file_detail", args=[r.plugin_id, r.pk]),
    "plugin_task_parameter_type": lambda r: reverse("parameter_type_detail", args=[r.pk]),
    "job": lambda r: reverse("job_detail", args=[r.pk]),
    "ml_model": lambda r: reverse("model_detail", args=[r.pk]),
    "artifact": lambda r: reverse("artifact_detail", args=[r.pk]),
}


class TagForm(ResourceForm):
    """Group (only when creating) and name: a tag has no description."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["description"]


@dataclass
class TaggedResource:
    resource: Resource
    kind: str
    url: str | None  # None when the resource has no page, or is deleted


def tagged_resource(resource: Resource) -> TaggedResource:
    page = RESOURCE_PAGES.get(resource.resource_type)
    url = page(resource) if page is not None and resource.deleted_on is None else None
    return TaggedResource(resource=resource, kind=resource._meta.verbose_name, url=url)


@require_GET
@vary_on_headers("HX-Request")
def tag_list(request: HttpRequest) -> HttpResponse:
    tags = tagging.with_resource_counts(
        Tag.objects.visible_to(request.user).select_related("group"), user=request.user
    )
    listing = list_page(request, tags, default_sort="name")
    writable = writable_group_ids(request.user)
    mark_editable(listing.rows, writable)
    return render(
        request,
        choose_template(request, "tags/tag_list.html", "tag-table"),
        {"listing": listing, "can_create": bool(writable)},
    )


@require_GET
@vary_on_headers("HX-Request")
def tag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tag = visible_or_404(Tag, request, pk)
    rows = tagging.tagged_resources(user=request.user, tag=tag)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = [
        tagged_resource(resource) for resource in tagging.load_tagged_resources(page.object_list)
    ]
    context = {
        "tag": tag,
        "resources": page.object_list,
        "resource_listing": Listing(page=page, query="", sort="", group=None),
    }
    if is_fragment_request(request):
        return render(request, "tags/tag_detail.html#resource-table", context)
    context["can_edit"] = tag.can_edit(request.user)
    return render(request, "tags/tag_detail.html", context)


@require_http_methods(["GET", "POST"])
def tag_create(request: HttpRequest) -> HttpResponse:
    form = TagForm(request.POST or None, user=request.user, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            tag = tagging.create_tag(
                user=request.user,
                group_id=form.cleaned_data["group"].pk,
                name=form.cleaned_data["name"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Tag {tag.name} created.")
            return redirect_after_save(request, reverse("tag_detail", args=[tag.pk]))
    return render(
        request, choose_template(request, "tags/tag_form.html", "tag-form"), {"form": form}
    )


@require_http_methods(["GET", "POST"])
def tag_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tag = editable_or_403(Tag, request, pk)
    form = TagForm(
        request.POST or None, initial={"name": tag.name}, user=request.user, creating=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            tagging.rename_tag(user=request.user, tag=tag, name=form.cleaned_data["name"])
        except DomainError as error:
            tag.refresh_from_db()  # the refused name was rolled back
            add_domain_error(form, error)
        else:
            messages.success(request, f"Tag {tag.name} saved.")
            return redirect_after_save(request, reverse("tag_detail", args=[tag.pk]))
    return render(
        request,
        choose_template(request, "tags/tag_form.html", "tag-form"),
        {"form": form, "tag": tag},
    )


@require_http_methods(["GET", "POST"])
def tag_delete(request: HttpRequest, pk: int) -> HttpResponse:
    tag = editable_or_403(Tag, request, pk)
    if request.method == "POST":
        tagging.delete_tag(user=request.user, tag=tag)
        messages.success(request, f"Tag {tag.name} deleted.")
        return redirect("tag_list")
    return render(
        request,
        "confirm_delete.html",
        {
            "resource": tag,
            "kind": "tag",
            "list_url": reverse("tag_list"),
            "list_label": "Tags",
            "detail_url": reverse("tag_detail", args=[tag.pk]),
            "consequence": "It is removed from every resource carrying it; the resources "
            "themselves are kept.",
        },
    )


# The tags card of a resource page -------------------------------------------------


class TagChoiceForm(forms.Form):
    tag = forms.IntegerField(min_value=1, max_value=MAX_ID)


@dataclass
class TagsCard:
    """What `_tags_card.html` shows. ``tags`` are the resource's tags, each
    with ``readable`` (whether the user may open its page); ``attachable`` the
    tags the user may add, only when they may change the resource."""

    resource: Resource
    resource_type: str
    tags: list[Tag]
    can_edit: bool
    attachable: list[Tag]
    error: str = ""


def tags_card_context(
    request: HttpRequest, resource: Resource, can_edit: bool, *, error: str = ""
) -> dict:
    """The context `_tags_card.html` needs: two queries (one when the resource
    has no tags and the user may not change it)."""
    tags = tagging.attached_tags(resource)
    attached_ids = {tag.pk for tag in tags}
    visible = Tag.objects.visible_to(request.user).select_related("group")
    if not can_edit:
        visible = visible.filter(pk__in=attached_ids)  # empty: no query
    visible = list(visible.order_by("name", "group__name", "id"))
    visible_ids = {tag.pk for tag in visible}
    for tag in tags:
        # Someone may have attached a tag of a group this user cannot read.
        tag.readable = tag.pk in visible_ids
    card = TagsCard(
        resource=resource,
        resource_type=resource.resource_type,
        tags=tags,
        can_edit=can_edit,
        attachable=[tag for tag in visible if tag.pk not in attached_ids] if can_edit else [],
        error=error,
    )
    return {"tags_card": card}


# Types whose pages carry the tags card: those with a page, but artifacts,
# which Dioptra's API gives no tag routes either.
TAGGED_ON_PAGES = RESOURCE_PAGES.keys() - {"artifact"}


def _editable_tagged(request: HttpRequest, resource_type: str, pk: int) -> Resource:
    """The resource whose tags the user changes (a type whose page has the card)."""
    if resource_type not in TAGGED_ON_PAGES:
        raise Http404("No such resource type.")
    return editable_or_403(tagging.TAGGABLE_MODELS[resource_type], request, pk)


def _tags_changed(request: HttpRequest, resource: Resource, *, error: str = "") -> HttpResponse:
    """The fresh card for htmx (a refusal shown in it); otherwise back to the
    resource's page, a refusal shown as a message."""
    if request.htmx:
        # The user may change the resource: _editable_tagged found it.
        context = tags_card_context(request, resource, True, error=error)
        return render(request, "_tags_card.html", context)
    if error:
        messages.error(request, error)
    return redirect(RESOURCE_PAGES[resource.resource_type](resource))


@require_POST
def resource_tag_add(request: HttpRequest, resource_type: str, pk: int) -> HttpResponse:
    resource = _editable_tagged(request, resource_type, pk)
    form = TagChoiceForm(request.POST)
    if not form.is_valid():
        return _tags_changed(request, resource, error="Choose a tag to add.")
    try:
        tagging.append_tags(
            user=request.user, resource=resource, tag_ids=[form.cleaned_data["tag"]]
        )
    except DomainError as error:
        return _tags_changed(request, resource, error=error.message)
    return _tags_changed(request, resource)


@require_POST
def resource_tag_remove(
    request: HttpRequest, resource_type: str, pk: int, tag_pk: int
) -> HttpResponse:
    resource = _editable_tagged(request, resource_type, pk)
    try:
        tagging.detach_tag(user=request.user, resource=resource, tag_id=tag_pk)
    except DomainError as error:
        return _tags_changed(request, resource, error=error.message)
    return _tags_changed(request, resource)
