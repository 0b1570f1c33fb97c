"""Plugin parameter type pages: list, detail, create, edit, delete. Builtin
types are shown read-only."""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from .. import definitions
from ..errors import DomainError
from ..forms import ParameterTypeForm
from ..models import PluginParameterType
from .drafts import (
    PARAMETER_TYPE_DRAFTS,
    change_draft_context,
    continued_change_draft,
    continued_draft,
    draft_form_context,
    drop_saved_draft,
    new_draft_initial,
    new_drafts_context,
    save_change_draft,
    save_new_draft,
    saving_draft,
)
from .history import history_context
from .shared import (
    add_domain_error,
    choose_template,
    is_fragment_request,
    list_page,
    redirect_after_save,
    visible_or_404,
    writable_group_ids,
)
from .tags import tags_card_context


def _editable_or_403(request: HttpRequest, pk: int) -> PluginParameterType:
    parameter_type = visible_or_404(PluginParameterType, request, pk)
    if parameter_type.is_builtin:
        raise PermissionDenied(f"The builtin type {parameter_type.name!r} cannot be changed.")
    if not parameter_type.can_edit(request.user):
        raise PermissionDenied("You may read this type but not change it.")
    return parameter_type


def _structure_text(structure) -> str:
    return "" if structure is None else json.dumps(structure, indent=2)


@require_GET
@vary_on_headers("HX-Request")
def parameter_type_list(request: HttpRequest) -> HttpResponse:
    types = PluginParameterType.objects.visible_to(request.user).select_related("group")
    listing = list_page(request, types, default_sort="name")
    writable = writable_group_ids(request.user)
    for row in listing.rows:
        row.editable = row.group_id in writable and not row.is_builtin
        row.structure_text = json.dumps(row.structure) if row.structure is not None else ""
    context = {"listing": listing, "can_create": bool(writable)}
    if not is_fragment_request(request):
        context.update(new_drafts_context(request, PARAMETER_TYPE_DRAFTS))
    return render(
        request,
        choose_template(request, "parameter_types/parameter_type_list.html", "type-table"),
        context,
    )


@require_GET
def parameter_type_detail(request: HttpRequest, pk: int) -> HttpResponse:
    parameter_type = visible_or_404(PluginParameterType, request, pk)
    can_edit = parameter_type.can_edit(request.user)
    return render(
        request,
        "parameter_types/parameter_type_detail.html",
        {
            "parameter_type": parameter_type,
            "structure_text": _structure_text(parameter_type.structure),
            "can_edit": can_edit,
            **change_draft_context(request, parameter_type, can_edit=can_edit),
            **tags_card_context(request, parameter_type, can_edit),
            **history_context(parameter_type),
        },
    )


def _render_form(request: HttpRequest, context: dict) -> HttpResponse:
    return render(
        request,
        choose_template(request, "parameter_types/parameter_type_form.html", "type-form"),
        context,
    )


@require_http_methods(["GET", "POST"])
def parameter_type_create(request: HttpRequest) -> HttpResponse:
    # A link from "Detect tasks" may suggest the name, group and description.
    initial = {
        key: request.GET[key] for key in ("name", "description", "group") if key in request.GET
    }
    draft = continued_draft(request, PARAMETER_TYPE_DRAFTS)
    initial.update(new_draft_initial(PARAMETER_TYPE_DRAFTS, draft))
    form = ParameterTypeForm(
        request.POST or None, initial=initial, user=request.user, creating=True
    )
    if saving_draft(request):
        if (saved := save_new_draft(request, PARAMETER_TYPE_DRAFTS, form, draft)) is not None:
            return saved
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                parameter_type = definitions.create_parameter_type(
                    user=request.user,
                    group_id=form.cleaned_data["group"].pk,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"] or None,
                    structure=form.cleaned_data["structure"],
                )
                drop_saved_draft(draft)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Type {parameter_type.name} created.")
            return redirect_after_save(
                request, reverse("parameter_type_detail", args=[parameter_type.pk])
            )
    return _render_form(request, {"form": form, **draft_form_context(request, draft)})


@require_http_methods(["GET", "POST"])
def parameter_type_edit(request: HttpRequest, pk: int) -> HttpResponse:
    parameter_type = _editable_or_403(request, pk)
    draft = continued_change_draft(request, parameter_type)
    if draft is not None:
        initial = PARAMETER_TYPE_DRAFTS.initial(draft.payload)
    else:
        initial = {
            "name": parameter_type.name,
            "description": parameter_type.description,
            "structure": _structure_text(parameter_type.structure),
        }
    form = ParameterTypeForm(
        request.POST or None, initial=initial, user=request.user, creating=False
    )
    if saving_draft(request):
        saved = save_change_draft(request, PARAMETER_TYPE_DRAFTS, form, parameter_type)
        if saved is not None:
            return saved
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                definitions.update_parameter_type(
                    user=request.user,
                    parameter_type=parameter_type,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"] or None,
                    structure=form.cleaned_data["structure"],
                )
                drop_saved_draft(draft)
        except DomainError as error:
            parameter_type.refresh_from_db()  # the refused change was rolled back
            add_domain_error(form, error)
        else:
            messages.success(request, f"Type {parameter_type.name} saved.")
            return redirect_after_save(
                request, reverse("parameter_type_detail", args=[parameter_type.pk])
            )
    return _render_form(
        request,
        {
            "form": form,
            "parameter_type": parameter_type,
            **draft_form_context(request, draft, parameter_type),
        },
    )


@require_http_methods(["GET", "POST"])
def parameter_type_delete(request: HttpRequest, pk: int) -> HttpResponse:
    parameter_type = _editable_or_403(request, pk)
    if request.method == "POST":
        definitions.delete_resource(user=request.user, resource=parameter_type)
        messages.success(request, f"Type {parameter_type.name} deleted.")
        return redirect("parameter_type_list")
    return render(
        request,
        "confirm_delete.html",
        {
            "resource": parameter_type,
            "kind": "type",
            "list_url": reverse("parameter_type_list"),
            "list_label": "Types",
            "detail_url": reverse("parameter_type_detail", args=[parameter_type.pk]),
            "consequence": "Tasks registered with it keep it, but it can no longer be chosen "
            "for new task parameters.",
        },
    )
