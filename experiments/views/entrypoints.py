"""Entrypoint pages: list, detail, create, edit, delete. The form carries a
small formset of typed parameters, one of artifact parameters (each with the
outputs its artifact loads as), the plugins the task graph calls, and
checks the workflow as you type (`entrypoint_validate`). The detail page shows
the tasks of the pinned plugin versions and syncs them to the latest. The
forms save drafts, as those of the other resources do (views/drafts.py)."""

import re
from dataclasses import dataclass

import yaml
from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import definitions
from ..definitions import ArtifactParameterSpec, ParameterSpec
from ..engine.sections import plugin_module
from ..engine.validation import Issue, validate
from ..errors import DomainError, WorkflowInvalidError
from ..forms import (
    ArtifactParameterFormSet,
    EntrypointForm,
    ParameterFormSet,
    parameter_type_choices,
)
from ..models import (
    Draft,
    Entrypoint,
    EntrypointArtifactOutput,
    Experiment,
    Group,
    Plugin,
    PluginParameterType,
    Queue,
)
from ..workflows import build_description, plugin_snapshots
from .drafts import (
    ENTRYPOINT_DRAFTS,
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

PARAMETERS_PREFIX = "parameters"
ARTIFACT_PARAMETERS_PREFIX = "artifact_parameters"


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
    context = {"listing": listing, "can_create": bool(writable)}
    if not is_fragment_request(request):
        context.update(new_drafts_context(request, ENTRYPOINT_DRAFTS))
    return render(
        request,
        choose_template(request, "entrypoints/entrypoint_list.html", "entrypoint-table"),
        context,
    )


@require_GET
def entrypoint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entrypoint = visible_or_404(Entrypoint, request, pk)
    user = request.user
    pinned = list(entrypoint.pinned_plugins.select_related("plugin").order_by("plugin__name"))
    visible_plugin_ids = set(
        Plugin.objects.visible_to(user)
        .filter(pk__in=[p.plugin_id for p in pinned])
        .values_list("pk", flat=True)
    )
    for pin in pinned:
        pin.visible = pin.plugin_id in visible_plugin_ids
        pin.deleted = pin.plugin.deleted_on is not None
        pin.outdated = not pin.deleted and pin.plugin.snapshot_id != pin.plugin_snapshot_id
    can_edit = entrypoint.can_edit(user)
    context = {
        "entrypoint": entrypoint,
        "parameters": entrypoint.parameters.all(),
        "artifact_parameters": _artifact_parameters_with_types(entrypoint),
        "queues": Queue.objects.visible_to(user).filter(entrypoints=entrypoint).order_by("name"),
        "pinned": pinned,
        "can_sync": can_edit and any(pin.outdated or pin.deleted for pin in pinned),
        "available_tasks": pinned_tasks(p for p in pinned if not p.is_artifact_plugin),
        "artifact_tasks": pinned_tasks(p for p in pinned if p.is_artifact_plugin),
        "experiments": Experiment.objects.visible_to(user)
        .filter(entrypoints=entrypoint)
        .select_related("group")
        .order_by("name"),
        "can_edit": can_edit,
        **change_draft_context(request, entrypoint, can_edit=can_edit),
        **tags_card_context(request, entrypoint, can_edit),
        **history_context(entrypoint),
    }
    return render(request, "entrypoints/entrypoint_detail.html", context)


def pinned_tasks(pins) -> list[dict]:
    """The tasks of pinned plugin versions, for the help panel: per plugin,
    ``{name, snapshot_id, tasks: [{name, kind, module, inputs, outputs}]}`` with type names."""
    plugins = plugin_snapshots([pin.plugin_snapshot_id for pin in pins])
    type_ids = {
        param["parameterType"]
        for plugin in plugins
        for file in plugin["files"]
        for task in file.get("tasks", [])
        for param in (*task.get("inputParams", []), *task.get("outputParams", []))
    }
    type_names = dict(PluginParameterType.objects.filter(pk__in=type_ids).values_list("pk", "name"))
    return [
        {
            "name": plugin["name"],
            "snapshot_id": plugin["snapshotId"],
            "tasks": [
                {
                    "name": task["name"],
                    "kind": task.get("kind", "function"),
                    "module": plugin_module(plugin["name"], file["filename"]),
                    "inputs": [
                        {
                            "name": p["name"],
                            "type": type_names.get(p["parameterType"], "?"),
                            "required": p.get("required", True),
                        }
                        for p in task.get("inputParams", [])
                    ],
                    "outputs": [
                        {"name": p["name"], "type": type_names.get(p["parameterType"], "?")}
                        for p in task.get("outputParams", [])
                    ],
                }
                for file in plugin["files"]
                for task in file.get("tasks", [])
            ],
        }
        for plugin in plugins
    ]


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


def _pinned_ids(entrypoint: Entrypoint | None, *, artifact: bool) -> list[int]:
    if entrypoint is None:
        return []
    return [
        pin.plugin_id
        for pin in entrypoint.pinned_plugins.all()
        if pin.is_artifact_plugin == artifact
    ]


def _artifact_parameters_with_types(entrypoint: Entrypoint) -> list:
    outputs = EntrypointArtifactOutput.objects.select_related("parameter_type")
    return list(
        entrypoint.artifact_parameters.prefetch_related(Prefetch("outputs", queryset=outputs))
    )


def _saved_values(entrypoint: Entrypoint) -> dict:
    """The edit form's initial values: the entrypoint's, with the rows of its
    formsets under ``parameters`` and ``artifact_parameters``."""
    return {
        "name": entrypoint.name,
        "description": entrypoint.description,
        "task_graph": entrypoint.task_graph,
        "artifact_graph": entrypoint.artifact_graph,
        "queues": list(entrypoint.queues.values_list("pk", flat=True)),
        "plugins": _pinned_ids(entrypoint, artifact=False),
        "artifact_plugins": _pinned_ids(entrypoint, artifact=True),
        "parameters": [
            {"name": p.name, "parameter_type": p.parameter_type, "default_value": p.default_value}
            for p in entrypoint.parameters.all()
        ],
        "artifact_parameters": [
            {"name": a.name, "outputs": [(o.name, o.parameter_type_id) for o in a.outputs.all()]}
            for a in entrypoint.artifact_parameters.prefetch_related("outputs")
        ],
    }


def _entrypoint_forms(request: HttpRequest, entrypoint: Entrypoint | None, initial: dict):
    """The form and the formsets of parameters and artifact parameters, bound
    to the POST if there is one; ``initial`` holds the form's values and the
    formsets' rows (under ``parameters`` and ``artifact_parameters``)."""
    data = request.POST if request.method == "POST" else None
    initial = dict(initial)
    parameters = initial.pop("parameters", None)
    artifact_parameters = initial.pop("artifact_parameters", None)
    form = EntrypointForm(data, user=request.user, creating=entrypoint is None, initial=initial)
    formset = ParameterFormSet(data, prefix=PARAMETERS_PREFIX, initial=parameters)
    artifact_formset = ArtifactParameterFormSet(
        data,
        prefix=ARTIFACT_PARAMETERS_PREFIX,
        initial=artifact_parameters,
        form_kwargs={"types": list(parameter_type_choices(request.user))},
    )
    return form, formset, artifact_formset


def _chosen_plugin_ids(form, entrypoint: Entrypoint | None, *, artifact: bool) -> list[int] | None:
    """The plugins to pin, or None to keep the pins as they are: choosing the
    same plugins again keeps their pinned versions (syncing is a separate step),
    a changed choice pins every chosen plugin at its latest version."""
    field = "artifact_plugins" if artifact else "plugins"
    chosen = [plugin.pk for plugin in form.cleaned_data[field]]
    if entrypoint is not None and set(chosen) == set(_pinned_ids(entrypoint, artifact=artifact)):
        return None
    return chosen


def _render_form(request: HttpRequest, context: dict) -> HttpResponse:
    return render(
        request,
        choose_template(request, "entrypoints/entrypoint_form.html", "entrypoint-form"),
        context,
    )


def _save(
    request: HttpRequest,
    form,
    formset,
    artifact_formset,
    entrypoint: Entrypoint | None,
    draft: Draft | None,
):
    """Create or update from the valid forms, and drop the draft they continue
    with it; None and the errors in them when refused."""
    values = {
        "user": request.user,
        "name": form.cleaned_data["name"],
        "description": form.cleaned_data["description"],
        "task_graph": form.cleaned_data["task_graph"],
        "artifact_graph": form.cleaned_data["artifact_graph"],
        "parameters": _parameter_specs(formset),
        "artifact_parameters": artifact_formset.specs(),
        "queue_ids": [queue.pk for queue in form.cleaned_data["queues"]],
    }
    plugin_ids = _chosen_plugin_ids(form, entrypoint, artifact=False)
    artifact_plugin_ids = _chosen_plugin_ids(form, entrypoint, artifact=True)
    try:
        with transaction.atomic():
            if entrypoint is None:
                saved = definitions.create_entrypoint(
                    group_id=form.cleaned_data["group"].pk,
                    plugin_ids=plugin_ids or [],
                    artifact_plugin_ids=artifact_plugin_ids or [],
                    **values,
                )
            else:
                saved = definitions.update_entrypoint(
                    entrypoint=entrypoint,
                    plugin_ids=plugin_ids,
                    artifact_plugin_ids=artifact_plugin_ids,
                    **values,
                )
            drop_saved_draft(draft)
        return saved
    except WorkflowInvalidError as error:
        texts = {
            "task_graph": form.cleaned_data["task_graph"],
            "artifact_graph": form.cleaned_data["artifact_graph"],
        }
        for shown in explain_issues(error.issues, texts):
            if shown.field == "artifact_parameters":
                artifact_formset.add_error(shown.text)
            else:
                form.add_error(shown.field if shown.field in form.fields else None, shown.text)
    except DomainError as error:
        if error.field == "artifactParameters":
            artifact_formset.add_error(error.message)
        else:
            add_domain_error(form, error, fields={"taskGraph": "task_graph"})
    if entrypoint is not None:
        entrypoint.refresh_from_db()  # the refused change was rolled back
    return None


@require_http_methods(["GET", "POST"])
def entrypoint_create(request: HttpRequest) -> HttpResponse:
    draft = continued_draft(request, ENTRYPOINT_DRAFTS)
    initial = new_draft_initial(ENTRYPOINT_DRAFTS, draft)
    form, formset, artifact_formset = _entrypoint_forms(request, None, initial)
    if saving_draft(request):
        formsets = (formset, artifact_formset)
        if (saved := save_new_draft(request, ENTRYPOINT_DRAFTS, form, draft, formsets)) is not None:
            return saved
    elif request.method == "POST" and (
        form.is_valid() & formset.is_valid() & artifact_formset.is_valid()
    ):
        entrypoint = _save(request, form, formset, artifact_formset, None, draft)
        if entrypoint is not None:
            messages.success(request, f"Entrypoint {entrypoint.name} created.")
            return redirect_after_save(request, reverse("entrypoint_detail", args=[entrypoint.pk]))
    context = {
        "form": form,
        "formset": formset,
        "artifact_formset": artifact_formset,
        **draft_form_context(request, draft),
    }
    return _render_form(request, context)


@require_http_methods(["GET", "POST"])
def entrypoint_edit(request: HttpRequest, pk: int) -> HttpResponse:
    entrypoint = editable_or_403(Entrypoint, request, pk)
    draft = continued_change_draft(request, entrypoint)
    initial = _saved_values(entrypoint)
    if draft is not None:
        initial.update(ENTRYPOINT_DRAFTS.initial(draft.payload))
    form, formset, artifact_formset = _entrypoint_forms(request, entrypoint, initial)
    if saving_draft(request):
        saved = _save_change_draft(request, form, formset, artifact_formset, entrypoint)
        if saved is not None:
            return saved
    elif (
        request.method == "POST"
        and form.is_valid() & formset.is_valid() & artifact_formset.is_valid()
        and _save(request, form, formset, artifact_formset, entrypoint, draft) is not None
    ):
        messages.success(request, f"Entrypoint {entrypoint.name} saved.")
        return redirect_after_save(request, reverse("entrypoint_detail", args=[entrypoint.pk]))
    context = {
        "form": form,
        "formset": formset,
        "artifact_formset": artifact_formset,
        "entrypoint": entrypoint,
        **draft_form_context(request, draft, entrypoint),
    }
    return _render_form(request, context)


def _save_change_draft(
    request: HttpRequest, form, formset, artifact_formset, entrypoint: Entrypoint
) -> HttpResponse | None:
    """ "Save as draft" on the edit form. A draft of changes keeps the pinned
    plugins (it is the API's PUT body), so one that would change them is
    refused rather than saved without that change."""
    if form.is_valid():
        for field, artifact in (("plugins", False), ("artifact_plugins", True)):
            pinned = _pinned_ids(entrypoint, artifact=artifact)
            # Pins the user cannot see are not offered, so not chosen again.
            offered = form.fields[field].queryset.filter(pk__in=pinned).values_list("pk", flat=True)
            if {plugin.pk for plugin in form.cleaned_data[field]} != set(offered):
                form.add_error(
                    field,
                    "A draft of changes keeps the pinned plugins: choose them again to save "
                    "a draft, or save the changes to pin these.",
                )
    formsets = (formset, artifact_formset)
    return save_change_draft(request, ENTRYPOINT_DRAFTS, form, entrypoint, formsets)


# Checking the workflow as it is typed ---------------------------------------------


@dataclass
class ShownIssue:
    field: str  # "task_graph", "artifact_graph" or "parameters"
    text: str
    severity: str
    step: str | None = None
    line: int | None = None

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.field]

    @property
    def is_error(self) -> bool:
        return self.severity == "ERROR"


FIELD_LABELS = {
    "task_graph": "Task graph",
    "artifact_graph": "Artifact output graph",
    "parameters": "Parameters",
    "artifact_parameters": "Artifact parameters",
}
ARTIFACT_OUTPUT = re.compile(r'artifact output "([^"]+)"')


def _key_lines(text: str) -> dict[str, int]:
    """The line of each top-level key of a YAML mapping (steps, artifact outputs)."""
    try:
        node = yaml.compose(text or "", Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        key.value: key.start_mark.line + 1
        for key, _ in node.value
        if isinstance(key, yaml.ScalarNode)
    }


def explain_issues(issues: list[Issue], texts: dict[str, str]) -> list[ShownIssue]:
    """Each engine issue with the field it belongs to and, where the YAML
    gives one, the line of its step or artifact output."""
    lines = {field: _key_lines(text) for field, text in texts.items()}
    shown = []
    for issue in issues:
        message = issue.message
        line = None
        artifact_output = ARTIFACT_OUTPUT.search(message)
        if message.startswith("artifact output graph") or artifact_output:
            field = "artifact_graph"
            if artifact_output:
                line = lines["artifact_graph"].get(artifact_output.group(1))
        elif issue.step is None and (
            message.startswith(("default value", "parameter ", 'in parameter "'))
        ):
            field = "parameters"
        elif issue.step is None and message.startswith('artifact input "'):
            field = "artifact_parameters"
        else:
            field = "task_graph"
        if issue.step is not None:
            line = lines["task_graph"].get(issue.step)
            message = message.removeprefix(f'in step "{issue.step}": ')
            where = f'Step "{issue.step}"' + (f" (line {line})" if line else "")
            text = f"{where}: {message}"
        elif line:
            text = f"Line {line}: {message}"
        else:
            text = message[:1].upper() + message[1:]
        shown.append(ShownIssue(field, text, issue.severity, issue.step, line))
    return shown


def _issues_of_unsaved_form(
    request, form, formset, artifact_formset, entrypoint: Entrypoint | None
) -> list[Issue]:
    """Validate the workflow as the form would save it, without saving."""
    form.is_valid()
    formset.is_valid()
    artifact_formset.is_valid()
    data = form.cleaned_data
    if entrypoint is not None:
        group_id = entrypoint.group_id
    elif data.get("group") is not None:
        group_id = data["group"].pk
    else:
        group_id = Group.objects.writable_by(request.user).values_list("pk", flat=True).first()
    parameters = [
        {
            "name": row.cleaned_data["name"].strip(),
            "parameterType": row.cleaned_data.get("parameter_type") or "string",
            "defaultValue": row.cleaned_data.get("default_value") or None,
        }
        for row in formset
        if hasattr(row, "cleaned_data") and row.cleaned_data.get("name", "").strip()
    ]
    snapshot_ids = []
    if "plugins" in data:
        chosen = _chosen_plugin_ids(form, entrypoint, artifact=False)
        if chosen is None:
            snapshot_ids = [
                pin.plugin_snapshot_id
                for pin in entrypoint.pinned_plugins.all()
                if not pin.is_artifact_plugin
            ]
        else:
            snapshot_ids = [plugin.snapshot_id for plugin in data["plugins"]]
    description, issues = build_description(
        group_id=group_id or 0,
        task_graph=data.get("task_graph", ""),
        artifact_graph=data.get("artifact_graph", ""),
        parameters=parameters,
        artifact_parameters=_unsaved_artifact_parameters(artifact_formset),
        plugin_snapshot_ids=snapshot_ids,
    )
    return issues if description is None else validate(description)


def _unsaved_artifact_parameters(artifact_formset) -> list[dict]:
    """The named artifact parameters of the form, with the outputs whose type is
    one the user may choose (saving refuses the rest, with the reasons)."""
    parameters = []
    for row in artifact_formset:
        name = row.cleaned_data.get("name", "").strip() if hasattr(row, "cleaned_data") else ""
        if not name:
            continue
        type_ids = {t.pk for t in row.types}
        outputs = [
            {"name": output.name, "parameterType": output.type_id}
            for output in row.outputs
            if output.type_id in type_ids
        ]
        parameters.append({"name": name, "outputParams": outputs})
    return parameters


def _validate(request: HttpRequest, entrypoint: Entrypoint | None) -> HttpResponse:
    initial = {} if entrypoint is None else _saved_values(entrypoint)
    form, formset, artifact_formset = _entrypoint_forms(request, entrypoint, initial)
    issues = _issues_of_unsaved_form(request, form, formset, artifact_formset, entrypoint)
    texts = {
        "task_graph": request.POST.get("task_graph", ""),
        "artifact_graph": request.POST.get("artifact_graph", ""),
    }
    context = {
        "form": form,
        "formset": formset,
        "artifact_formset": artifact_formset,
        "entrypoint": entrypoint,
        "checked": True,
        "workflow_issues": explain_issues(issues, texts),
    }
    if is_fragment_request(request):
        return render(request, "entrypoints/entrypoint_form.html#workflow-issues", context)
    return render(request, "entrypoints/entrypoint_form.html", context)


@require_POST
def entrypoint_validate(request: HttpRequest) -> HttpResponse:
    """The problems of the workflow in the (unsaved) new-entrypoint form."""
    return _validate(request, None)


@require_POST
def entrypoint_edit_validate(request: HttpRequest, pk: int) -> HttpResponse:
    """The problems of the workflow in the (unsaved) edit form."""
    return _validate(request, editable_or_403(Entrypoint, request, pk))


@require_POST
def entrypoint_sync_plugins(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-pin every attached plugin at its latest version (a new snapshot);
    refused, with the reasons, when the latest versions break the workflow."""
    entrypoint = editable_or_403(Entrypoint, request, pk)
    pins = list(entrypoint.pinned_plugins.all())
    visible = set(Plugin.objects.visible_to(request.user).values_list("pk", flat=True))
    try:
        definitions.update_entrypoint(
            user=request.user,
            entrypoint=entrypoint,
            name=entrypoint.name,
            description=entrypoint.description,
            task_graph=entrypoint.task_graph,
            artifact_graph=entrypoint.artifact_graph,
            parameters=[
                ParameterSpec(p.name, p.parameter_type, p.default_value)
                for p in entrypoint.parameters.all()
            ],
            artifact_parameters=_artifact_parameter_specs(entrypoint),
            queue_ids=list(entrypoint.queues.values_list("pk", flat=True)),
            plugin_ids=[
                p.plugin_id for p in pins if not p.is_artifact_plugin and p.plugin_id in visible
            ],
            artifact_plugin_ids=[
                p.plugin_id for p in pins if p.is_artifact_plugin and p.plugin_id in visible
            ],
        )
    except WorkflowInvalidError as error:
        texts = {"task_graph": entrypoint.task_graph, "artifact_graph": entrypoint.artifact_graph}
        problems = "; ".join(shown.text for shown in explain_issues(error.issues, texts))
        messages.error(
            request,
            f"The plugins were not synced: with their latest versions the workflow has "
            f"errors. {problems}",
        )
    except DomainError as error:
        messages.error(request, f"The plugins were not synced: {error.message}")
    else:
        messages.success(request, "The plugins are pinned at their latest versions.")
    return redirect("entrypoint_detail", pk=entrypoint.pk)


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
