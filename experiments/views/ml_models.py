"""Model pages: list, detail with the versions, create, edit, delete, and the
versions' own forms (add one from an artifact, change its description).

Named ml_models so that it is not mistaken for Django models."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import definitions
from ..errors import DomainError
from ..forms import MLModelForm, ModelVersionDescriptionForm, ModelVersionForm
from ..models import Artifact, MLModel
from .artifacts import offered_artifacts
from .drafts import (
    MODEL_DRAFTS,
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
    editable_or_403,
    is_fragment_request,
    list_page,
    mark_editable,
    redirect_after_save,
    visible_or_404,
    writable_group_ids,
)
from .tags import tags_card_context


@require_GET
@vary_on_headers("HX-Request")
def model_list(request: HttpRequest) -> HttpResponse:
    models = (
        MLModel.objects.visible_to(request.user)
        .select_related("group")
        .annotate(version_count=Count("versions"), latest_version=Max("versions__version_number"))
    )
    listing = list_page(request, models, default_sort="name")
    writable = writable_group_ids(request.user)
    mark_editable(listing.rows, writable)
    context = {"listing": listing, "can_create": bool(writable)}
    if not is_fragment_request(request):
        context.update(new_drafts_context(request, MODEL_DRAFTS))
    return render(
        request, choose_template(request, "models/model_list.html", "model-table"), context
    )


def version_form(request: HttpRequest, data=None) -> ModelVersionForm:
    """The add-a-version form, offering the newest artifacts the user may read."""
    return ModelVersionForm(data, artifacts=offered_artifacts(request.user))


def render_detail(
    request: HttpRequest, model: MLModel, *, form: ModelVersionForm | None = None
) -> HttpResponse:
    """The model page with its versions; ``form`` is a refused add-a-version form."""
    can_edit = model.can_edit(request.user)
    versions = list(model.versions.select_related("artifact").order_by("version_number"))
    readable = set(
        Artifact.objects.visible_to(request.user)
        .filter(pk__in=[version.artifact_id for version in versions])
        .values_list("pk", flat=True)
    )
    for version in versions:
        # The artifact's job may be in a group the reader cannot see.
        version.shown_artifact = version.artifact if version.artifact_id in readable else None
    context = {
        "model": model,
        "versions": versions,
        "can_edit": can_edit,
        "version_form": (form or version_form(request)) if can_edit else None,
        **change_draft_context(request, model, can_edit=can_edit),
        **tags_card_context(request, model, can_edit),
        **history_context(model),
    }
    return render(request, "models/model_detail.html", context)


@require_GET
def model_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, visible_or_404(MLModel, request, pk))


@require_http_methods(["GET", "POST"])
def model_create(request: HttpRequest) -> HttpResponse:
    draft = continued_draft(request, MODEL_DRAFTS)
    initial = new_draft_initial(MODEL_DRAFTS, draft)
    form = MLModelForm(request.POST or None, initial=initial, user=request.user, creating=True)
    if saving_draft(request):
        if (saved := save_new_draft(request, MODEL_DRAFTS, form, draft)) is not None:
            return saved
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                model = definitions.create_model(
                    user=request.user,
                    group_id=form.cleaned_data["group"].pk,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
                drop_saved_draft(draft)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Model {model.name} created.")
            return redirect_after_save(request, reverse("model_detail", args=[model.pk]))
    return render(
        request,
        choose_template(request, "models/model_form.html", "model-form"),
        {"form": form, **draft_form_context(request, draft)},
    )


@require_http_methods(["GET", "POST"])
def model_edit(request: HttpRequest, pk: int) -> HttpResponse:
    model = editable_or_403(MLModel, request, pk)
    draft = continued_change_draft(request, model)
    if draft is not None:
        initial = MODEL_DRAFTS.initial(draft.payload)
    else:
        initial = {"name": model.name, "description": model.description}
    form = MLModelForm(request.POST or None, initial=initial, user=request.user, creating=False)
    if saving_draft(request):
        if (saved := save_change_draft(request, MODEL_DRAFTS, form, model)) is not None:
            return saved
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                definitions.update_model(
                    user=request.user,
                    model=model,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
                drop_saved_draft(draft)
        except DomainError as error:
            model.refresh_from_db()  # the refused change was rolled back
            add_domain_error(form, error)
        else:
            messages.success(request, f"Model {model.name} saved.")
            return redirect_after_save(request, reverse("model_detail", args=[model.pk]))
    return render(
        request,
        choose_template(request, "models/model_form.html", "model-form"),
        {"form": form, "model": model, **draft_form_context(request, draft, model)},
    )


@require_http_methods(["GET", "POST"])
def model_delete(request: HttpRequest, pk: int) -> HttpResponse:
    model = editable_or_403(MLModel, request, pk)
    if request.method == "POST":
        definitions.delete_resource(user=request.user, resource=model)
        messages.success(request, f"Model {model.name} deleted.")
        return redirect("model_list")
    return render(
        request,
        "confirm_delete.html",
        {
            "resource": model,
            "kind": "model",
            "list_url": reverse("model_list"),
            "list_label": "Models",
            "detail_url": reverse("model_detail", args=[model.pk]),
            "consequence": "Its versions go with it; the artifacts they were made from stay "
            "with the jobs that saved them.",
        },
    )


@require_POST
def model_version_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Add the model's next version; the form lives on the model page."""
    model = editable_or_403(MLModel, request, pk)
    form = version_form(request, request.POST)
    if form.is_valid():
        try:
            version = definitions.add_model_version(
                user=request.user,
                model=model,
                artifact_id=form.cleaned_data["artifact"],
                description=form.cleaned_data["description"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Version {version.version_number} of {model.name} added.")
            return redirect_after_save(request, reverse("model_detail", args=[model.pk]))
    if is_fragment_request(request):
        context = {"model": model, "version_form": form}
        return render(request, "models/model_detail.html#version-form", context)
    return render_detail(request, model, form=form)


@require_http_methods(["GET", "POST"])
def model_version_edit(request: HttpRequest, pk: int, version_number: int) -> HttpResponse:
    model = editable_or_403(MLModel, request, pk)
    version = get_object_or_404(model.versions, version_number=version_number)
    form = ModelVersionDescriptionForm(
        request.POST or None, initial={"description": version.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            definitions.update_model_version(
                user=request.user, version=version, description=form.cleaned_data["description"]
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Version {version.version_number} of {model.name} saved.")
            return redirect_after_save(request, reverse("model_detail", args=[model.pk]))
    return render(
        request,
        choose_template(request, "models/model_version_form.html", "version-edit-form"),
        {"form": form, "model": model, "version": version},
    )
