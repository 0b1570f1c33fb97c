"""Entrypoint pages: list, detail, create, edit, delete. The form carries a
small formset of typed parameters."""

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from .. import definitions
from ..definitions import ArtifactParameterSpec, ParameterSpec
from ..errors import DomainError
from ..forms import EntrypointForm, ParameterFormSet
from ..models import Entrypoint, Experiment, Plugin, Queue
from .shared import (
    add_domain_error,
    choose_template,
    editable_or_403,
    list_page,
    mark_editable,
    redirect_after_save,
    visible_or_404,
    writable_group_ids,
)

PARAMETERS_PREFIX = "parameters"


@require_GET
@vary_on_headers("HX-Request")
def entrypoint_list(request: HttpRequest) -> HttpResponse:
    visible_queues = Queue.objects.visible_to(request.user).order_by("name")
    entrypoints = (
        Entrypoint.objects.visible_to(request.user)
        .select_related("group")
        .annotate(parameter_count=Count("parameters"))
        .prefetch_related(Prefetch("queues", queryset=visible_queues))
    )
    listing = list_page(request, entrypoints, default_sort="name")
    writable = writable_group_ids(request.user)
    mark_editable(listing.rows, writable)
    return render(
        request,
        choose_template(request, "entrypoints/entrypoint_list.html", "entrypoint-table"),
        {"listing": listing, "can_create": bool(writable)},
    )


@require_GET
def entrypoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entrypoint = visible_or_404(Entrypoint, request, pk)
    user = request.user
    context = {
        "entrypoint": entrypoint,
        "parameters": entrypoint.parameters.all(),
        "queues": Queue.objects.visible_to(user).filter(entrypoints=entrypoint).order_by("name"),
        "plugins": Plugin.objects.visible_to(user)
        .filter(pk__in=entrypoint.pinned_plugins.values("plugin_id"))
        .order_by("name"),
        "experiments": Experiment.objects.visible_to(user)
        .filter(entrypoints=entrypoint)
        .select_related("group")
        .order_by("name"),
        "can_edit": entrypoint.can_edit(user),
    }
    return render(request, "entrypoints/entrypoint_detail.html", context)


def _parameter_specs(formset) -> list[ParameterSpec]:
    return [
        ParameterSpec(
            name=row.cleaned_data["name"],
            parameter_type=row.cleaned_data["parameter_type"],
            default_value=row.cleaned_data["default_value"] or None,
        )
        for row in formset
        if not row.is_blank()
    ]


def _render_form(request: HttpRequest, context: dict) -> HttpResponse:
    return render(
        request,
        choose_template(request, "entrypoints/entrypoint_form.html", "entrypoint-form"),
        context,
    )


@require_http_methods(["GET", "POST"])
def entrypoint_create(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = EntrypointForm(data, user=request.user, creating=True)
    formset = ParameterFormSet(data, prefix=PARAMETERS_PREFIX)
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            entrypoint = definitions.create_entrypoint(
                user=request.user,
                group_id=form.cleaned_data["group"].pk,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                task_graph=form.cleaned_data["task_graph"],
                parameters=_parameter_specs(formset),
                queue_ids=[queue.pk for queue in form.cleaned_data["queues"]],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Entrypoint {entrypoint.name} created.")
            return redirect_after_save(request, reverse("entrypoint_detail", args=[entrypoint.pk]))
    return _render_form(request, {"form": form, "formset": formset})


@require_http_methods(["GET", "POST"])
def entrypoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entrypoint = editable_or_403(Entrypoint, request, pk)
    data = request.POST if request.method == "POST" else None
    form = EntrypointForm(
        data,
        user=request.user,
        creating=False,
        initial={
            "name": entrypoint.name,
            "description": entrypoint.description,
            "task_graph": entrypoint.task_graph,
            "queues": list(entrypoint.queues.values_list("pk", flat=True)),
        },
    )
    formset = ParameterFormSet(
        data,
        prefix=PARAMETERS_PREFIX,
        initial=[
            {"name": p.name, "parameter_type": p.parameter_type, "default_value": p.default_value}
            for p in entrypoint.parameters.all()
        ],
    )
    if data is not None and form.is_valid() and formset.is_valid():
        try:
            definitions.update_entrypoint(
                user=request.user,
                entrypoint=entrypoint,
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                task_graph=form.cleaned_data["task_graph"],
                parameters=_parameter_specs(formset),
                queue_ids=[queue.pk for queue in form.cleaned_data["queues"]],
                # The page does not edit these; pass them on unchanged.
                artifact_graph=entrypoint.artifact_graph,
                artifact_parameters=_artifact_parameter_specs(entrypoint),
            )
        except DomainError as error:
            entrypoint.refresh_from_db()  # the refused change was rolled back
            add_domain_error(form, error)
        else:
            messages.success(request, f"Entrypoint {entrypoint.name} saved.")
            return redirect_after_save(request, reverse("entrypoint_detail", args=[entrypoint.pk]))
    return _render_form(request, {"form": form, "formset": formset, "entrypoint": entrypoint})


def _artifact_parameter_specs(entrypoint: Entrypoint) -> list[ArtifactParameterSpec]:
    return [
        ArtifactParameterSpec(
            name=parameter.name,
            outputs=[(output.name, output.parameter_type_id) for output in parameter.outputs.all()],
        )
        for parameter in entrypoint.artifact_parameters.prefetch_related("outputs")
    ]


@require_http_methods(["GET", "POST"])
def entrypoint_delete(request: HttpRequest, pk: int) -> HttpResponse:
    entrypoint = editable_or_403(Entrypoint, request, pk)
    if request.method == "POST":
        definitions.delete_resource(user=request.user, resource=entrypoint)
        messages.success(request, f"Entrypoint {entrypoint.name} deleted.")
        return redirect("entrypoint_list")
    return render(
        request,
        "confirm_delete.html",
        {
            "resource": entrypoint,
            "kind": "entrypoint",
            "list_url": reverse("entrypoint_list"),
            "list_label": "Entrypoints",
            "detail_url": reverse("entrypoint_detail", args=[entrypoint.pk]),
            "consequence": "Experiments will no longer offer it; jobs that ran it keep the "
            "definition they ran.",
        },
    )
