"""Drafts on the pages: a user's unsaved new resource ("Save as draft" on a
create form, continued from the list's "Your drafts" card) or unsaved changes
to one ("Save as draft" on an edit form, continued from the banner of the
resource's page).

They are the API's drafts, kept by the same model code (experiments.drafts)
with the same payload (the API's request body, camelCase), so a draft saved
on one side is continued on the other. Drafts are private: anyone but their
owner gets a 404. Saving one needs write access, as creating or editing does;
beyond that a draft may be unfinished (a blank name, say).

The create and edit views of queues, experiments, entrypoints, plugins,
parameter types and models call the helpers here; ``DRAFT_PAGES`` says for
each type how its form's values become a payload and back. An entrypoint's
form comes with formsets (its parameters and artifact parameters), which the
saving helpers take as ``formsets`` and its payload reads too.
"""

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from ..api.drafts import DRAFTABLE
from ..api.errors import FieldErrors
from ..api.parsing import Field, text, validate
from ..drafts import (
    NEW,
    DraftDoesNotExistError,
    DraftKind,
    change_draft_of,
    create_change_draft,
    create_draft,
    delete_draft,
    drafts_of,
    own_change_draft,
    own_draft,
    update_change_draft,
    update_draft,
)
from ..errors import DomainError
from ..models import Draft
from ..models.resources import Resource
from .shared import add_domain_error, redirect_after_save, visible_or_404
from .tags import RESOURCE_PAGES

UNNAMED = "(unnamed)"


def _named(data: dict) -> dict:
    return {"name": data["name"], "description": data["description"]}


def _named_initial(payload: dict) -> dict:
    return {"name": payload.get("name") or "", "description": payload.get("description") or ""}


def _structure_text(structure) -> str:
    return "" if structure is None else json.dumps(structure, indent=2)


def _ids(resources) -> list[int]:
    return [resource.pk for resource in resources]


@dataclass(frozen=True)
class DraftPages:
    """One resource type's drafts on the pages: its URL names, and how a
    valid form's ``cleaned_data`` (followed by the form's valid formsets, if
    it has any) becomes a payload and a payload the form's initial values
    (with the formsets' initial rows, if it has any)."""

    resource_type: str
    noun: str
    list_url: str
    create_url: str
    edit_url: str
    payload: Callable[..., dict]
    initial: Callable[[dict], dict]

    @property
    def kind(self) -> DraftKind:
        return _DRAFTABLE[self.resource_type].kind

    def fields(self, *, new: bool) -> dict[str, Field]:
        """The API's fields of the resource's body, a new draft's (its POST
        body but the group) or a change draft's (its PUT body), but a draft
        may leave the name blank or unfinished: its rules apply when the
        resource is saved."""
        draftable = _DRAFTABLE[self.resource_type]
        fields: Mapping[str, Field] = (
            draftable.new_fields_without_group if new else draftable.change_fields
        )
        return {key: Field(text) if key == "name" else field for key, field in fields.items()}


_DRAFTABLE = {draftable.kind.resource_type: draftable for draftable in DRAFTABLE}

QUEUE_DRAFTS = DraftPages(
    "queue", "queue", "queue_list", "queue_create", "queue_edit", _named, _named_initial
)
EXPERIMENT_DRAFTS = DraftPages(
    "experiment",
    "experiment",
    "experiment_list",
    "experiment_create",
    "experiment_edit",
    payload=lambda data: {**_named(data), "entrypoints": [e.pk for e in data["entrypoints"]]},
    initial=lambda payload: {
        **_named_initial(payload),
        "entrypoints": payload.get("entrypoints") or [],
    },
)
PLUGIN_DRAFTS = DraftPages(
    "plugin", "plugin", "plugin_list", "plugin_create", "plugin_edit", _named, _named_initial
)
PARAMETER_TYPE_DRAFTS = DraftPages(
    "plugin_task_parameter_type",
    "type",
    "parameter_type_list",
    "parameter_type_create",
    "parameter_type_edit",
    payload=lambda data: {**_named(data), "structure": data["structure"]},
    initial=lambda payload: {
        **_named_initial(payload),
        "structure": _structure_text(payload.get("structure")),
    },
)
MODEL_DRAFTS = DraftPages(
    "ml_model", "model", "model_list", "model_create", "model_edit", _named, _named_initial
)


def _entrypoint_payload(
    data: dict, parameters: forms.BaseFormSet, artifact_parameters: forms.BaseFormSet
) -> dict:
    """The entrypoint's POST body (a change draft keeps all but the plugins).
    Rows left blank are dropped, as saving drops them."""
    return {
        **_named(data),
        "taskGraph": data["task_graph"],
        "artifactGraph": data["artifact_graph"],
        "parameters": [
            {
                "name": row.cleaned_data["name"],
                "parameterType": row.cleaned_data["parameter_type"],
                "defaultValue": row.cleaned_data["default_value"] or None,
            }
            for row in parameters
            if not row.is_blank()
        ],
        "artifactParameters": [
            {
                "name": spec.name,
                "outputParams": [
                    {"name": name, "parameterType": type_id} for name, type_id in spec.outputs
                ],
            }
            for spec in artifact_parameters.specs()
        ],
        "queues": _ids(data["queues"]),
        "plugins": _ids(data["plugins"]),
        "artifactPlugins": _ids(data["artifact_plugins"]),
    }


def _entrypoint_initial(payload: dict) -> dict:
    """The form's initial values, with the formsets' rows under ``parameters``
    and ``artifact_parameters``. A draft of changes has no plugins: the
    entrypoint keeps the pinned ones."""
    initial = {
        **_named_initial(payload),
        "task_graph": payload.get("taskGraph") or "",
        "artifact_graph": payload.get("artifactGraph") or "",
        "queues": payload.get("queues") or [],
        "parameters": [
            {
                "name": parameter["name"],
                "parameter_type": parameter["parameterType"],
                "default_value": parameter["defaultValue"] or "",
            }
            for parameter in payload.get("parameters") or []
        ],
        "artifact_parameters": [
            {
                "name": parameter["name"],
                "outputs": [
                    (output["name"], output["parameterType"])
                    for output in parameter["outputParams"]
                ],
            }
            for parameter in payload.get("artifactParameters") or []
        ],
    }
    if "plugins" in payload:
        initial["plugins"] = payload["plugins"]
    if "artifactPlugins" in payload:
        initial["artifact_plugins"] = payload["artifactPlugins"]
    return initial


ENTRYPOINT_DRAFTS = DraftPages(
    "entry_point",
    "entrypoint",
    "entrypoint_list",
    "entrypoint_create",
    "entrypoint_edit",
    payload=_entrypoint_payload,
    initial=_entrypoint_initial,
)
DRAFT_PAGES = {
    pages.resource_type: pages
    for pages in (
        QUEUE_DRAFTS,
        EXPERIMENT_DRAFTS,
        ENTRYPOINT_DRAFTS,
        PLUGIN_DRAFTS,
        PARAMETER_TYPE_DRAFTS,
        MODEL_DRAFTS,
    )
}


def draft_name(draft: Draft) -> str:
    return draft.payload.get("name") or UNNAMED


def is_stale(draft: Draft, resource: Resource) -> bool:
    """The resource has changed since the draft of changes was started."""
    return draft.base_snapshot_id != resource.snapshot_id


# Finding the draft a form continues --------------------------------------------------


def _own_or_404(drafts: QuerySet[Draft], request: HttpRequest, pk: int) -> Draft:
    try:
        return own_draft(drafts, request.user, pk=pk)
    except DraftDoesNotExistError:
        raise Http404("No such draft.") from None


def _continued_id(request: HttpRequest) -> int | None:
    """``draft`` of the form (a POST) or of the query (the "Continue" link)."""
    value = (request.POST if request.method == "POST" else request.GET).get("draft", "")
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise Http404("No such draft.")
    return int(value)


def continued_draft(request: HttpRequest, pages: DraftPages) -> Draft | None:
    """The user's draft of a new resource that the create form continues, if any."""
    pk = _continued_id(request)
    if pk is None:
        return None
    drafts = drafts_of(Draft.objects.select_related("group"), pages.kind, draft_type=NEW)
    return _own_or_404(drafts, request, pk)


def continued_change_draft(request: HttpRequest, resource: Resource) -> Draft | None:
    """The user's draft of changes to ``resource`` that the edit form continues, if any."""
    pk = _continued_id(request)
    if pk is None:
        return None
    return _own_or_404(Draft.objects.of_resource(resource), request, pk)


def new_draft_initial(pages: DraftPages, draft: Draft | None) -> dict:
    """The create form's initial values from the draft it continues."""
    if draft is None:
        return {}
    return {"group": draft.group_id, **pages.initial(draft.payload)}


def draft_form_context(
    request: HttpRequest, draft: Draft | None, resource: Resource | None = None
) -> dict:
    """What a form's draft notice shows: the draft it continues and, for a
    draft of changes, whether the resource has changed since. An edit form
    that continues no draft names the user's draft of changes, if any (one
    query), since saving a new draft would replace it."""
    stale = draft is not None and resource is not None and is_stale(draft, resource)
    earlier = None
    if draft is None and resource is not None and request.method == "GET":
        earlier = change_draft_of(request.user, resource)
    return {"draft": draft, "draft_stale": stale, "earlier_draft": earlier}


# Saving -----------------------------------------------------------------------------


def saving_draft(request: HttpRequest) -> bool:
    """The form was sent with its "Save as draft" button."""
    return request.method == "POST" and "save_draft" in request.POST


def _all_valid(form: forms.Form, formsets: Sequence[forms.BaseFormSet]) -> bool:
    """Whether the form and its formsets are valid; each is checked, so each shows its errors."""
    return all([form.is_valid(), *(formset.is_valid() for formset in formsets)])


def _problems(problems, where: str = "") -> list[str]:
    """The API's errors as sentences; a list's or object's are nested by position or key."""
    if isinstance(problems, dict):
        return [
            text
            for key, nested in problems.items()
            for text in _problems(nested, f"{where}{key}: ")
        ]
    return [f"{where}{problem}" for problem in problems]


def _payload(
    pages: DraftPages, form: forms.Form, formsets: Sequence[forms.BaseFormSet], *, new: bool
) -> dict | None:
    """The valid form's values as the API's body, checked by the API's fields;
    None, with the form's errors added, when they refuse it. A change draft
    holds only what the resource's PUT body takes (an entrypoint's leaves
    out the plugins)."""
    fields = pages.fields(new=new)
    body = pages.payload(form.cleaned_data, *formsets)
    try:
        return validate({key: value for key, value in body.items() if key in fields}, fields)
    except FieldErrors as error:
        for key, problems in error.errors.items():
            if key in form.fields:
                form.add_error(key, _problems(problems))
            else:
                form.add_error(None, _problems(problems, f"{key}: "))
        return None


def save_new_draft(
    request: HttpRequest,
    pages: DraftPages,
    form: forms.Form,
    draft: Draft | None,
    formsets: Sequence[forms.BaseFormSet] = (),
) -> HttpResponse | None:
    """Keeps the create form's values (and its formsets' rows) as a draft of
    a new resource in the chosen group (replacing ``draft``, the one it
    continues); then back to the list. None when the form is refused, its
    errors added."""
    if not form.has_writable_group:
        raise PermissionDenied(
            f"You may not create a {pages.noun}: none of your groups gives you write access."
        )
    if not _all_valid(form, formsets):
        return None
    if (payload := _payload(pages, form, formsets, new=True)) is None:
        return None
    group_id = form.cleaned_data["group"].pk
    try:
        if draft is not None and draft.group_id == group_id:
            update_draft(draft=draft, payload=payload)
        else:
            with transaction.atomic():
                # A draft's group is fixed: one moved to another group starts anew.
                draft_to_replace = draft
                draft = create_draft(
                    user=request.user, kind=pages.kind, payload=payload, group_id=group_id
                )
                if draft_to_replace is not None:
                    delete_draft(draft=draft_to_replace)
    except DomainError as error:
        add_domain_error(form, error)
        return None
    messages.success(
        request,
        f"Draft of {pages.noun} {draft_name(draft)} saved. Continue it from “Your drafts”.",
    )
    return redirect_after_save(request, reverse(pages.list_url))


def save_change_draft(
    request: HttpRequest,
    pages: DraftPages,
    form: forms.Form,
    resource: Resource,
    formsets: Sequence[forms.BaseFormSet] = (),
) -> HttpResponse | None:
    """Keeps the edit form's values (and its formsets' rows) as the user's
    draft of changes to ``resource`` (replacing any earlier one), based on
    its latest snapshot; then back to its page. None when the form is
    refused, its errors added."""
    if not _all_valid(form, formsets):
        return None
    if (payload := _payload(pages, form, formsets, new=False)) is None:
        return None
    existing = change_draft_of(request.user, resource)
    try:
        if existing is None:
            create_change_draft(user=request.user, resource=resource, payload=payload)
        else:
            update_change_draft(
                draft=existing, resource_snapshot_id=resource.snapshot_id, payload=payload
            )
    except DomainError as error:
        add_domain_error(form, error)
        return None
    messages.success(request, f"Your changes to {resource.name} are saved as a draft.")
    return redirect_after_save(request, RESOURCE_PAGES[resource.resource_type](resource))


def drop_saved_draft(draft: Draft | None) -> None:
    """The draft a form continued is done with once the form's resource is
    saved. Call it in the save's transaction, so that a refused save keeps it."""
    if draft is not None:
        delete_draft(draft=draft)


# What list and detail pages show -----------------------------------------------------


def new_drafts_context(request: HttpRequest, pages: DraftPages) -> dict:
    """The "Your drafts" card of a list page: the user's drafts of new
    resources of this type, newest first (one query)."""
    drafts = drafts_of(
        Draft.objects.owned_by(request.user).select_related("group"), pages.kind, draft_type=NEW
    )
    return {
        "new_drafts": list(drafts.order_by("-last_modified_on", "-id")),
        "draft_create_url": reverse(pages.create_url),
    }


@dataclass
class ChangeDraftBanner:
    """The banner of a resource page whose user has a draft of changes to it."""

    draft: Draft
    stale: bool
    continue_url: str | None  # None when the user may no longer change the resource
    discard_url: str


def change_draft_context(request: HttpRequest, resource: Resource, *, can_edit: bool) -> dict:
    """The context `_draft_banner.html` needs (one query)."""
    draft = change_draft_of(request.user, resource)
    banner = None
    if draft is not None:
        pages = DRAFT_PAGES[resource.resource_type]
        edit_url = reverse(pages.edit_url, args=[resource.pk])
        banner = ChangeDraftBanner(
            draft=draft,
            stale=is_stale(draft, resource),
            continue_url=f"{edit_url}?draft={draft.pk}" if can_edit else None,
            discard_url=reverse("change_draft_discard", args=[resource.resource_type, resource.pk]),
        )
    return {"change_draft": banner}


# Discarding -------------------------------------------------------------------------


@require_POST
def draft_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """Discards one of the user's drafts of a new resource."""
    drafts = Draft.objects.of_new_resources().filter(resource_type__in=DRAFT_PAGES)
    draft = _own_or_404(drafts, request, pk)
    pages = DRAFT_PAGES[draft.resource_type]
    delete_draft(draft=draft)
    messages.success(request, f"Draft of {pages.noun} {draft_name(draft)} discarded.")
    return redirect_after_save(request, reverse(pages.list_url))


@require_POST
def change_draft_discard(request: HttpRequest, resource_type: str, pk: int) -> HttpResponse:
    """Discards the user's draft of changes to a resource they can see."""
    pages = DRAFT_PAGES.get(resource_type)
    if pages is None:
        raise Http404("No such resource type.")
    resource = visible_or_404(pages.kind.model, request, pk)
    try:
        draft = own_change_draft(Draft.objects.all(), request.user, resource)
    except DraftDoesNotExistError:
        raise Http404("No such draft.") from None
    delete_draft(draft=draft)
    messages.success(request, f"Your draft of changes to {resource.name} was discarded.")
    return redirect_after_save(request, RESOURCE_PAGES[resource_type](resource))
