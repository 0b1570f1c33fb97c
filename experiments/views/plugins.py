"""Plugin pages: list, detail (files, tasks, snapshot history), create, edit,
delete; and the plugin file editor with its task registrations and "Detect
tasks" (static analysis of the code being edited)."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from .. import definitions
from ..engine.signatures import InvalidPythonError, analyze_signatures
from ..errors import DomainError
from ..forms import (
    PluginFileForm,
    PluginForm,
    TaskParameterRow,
    TaskRow,
    TaskRows,
    parameter_type_choices,
)
from ..models import Entrypoint, Plugin, PluginFile, PluginTask, PluginTaskParameter
from .drafts import (
    PLUGIN_DRAFTS,
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
def plugin_list(request: HttpRequest) -> HttpResponse:
    plugins = (
        Plugin.objects.visible_to(request.user)
        .select_related("group")
        .annotate(file_count=Count("files", filter=Q(files__deleted_on__isnull=True)))
    )
    listing = list_page(request, plugins, default_sort="name")
    writable = writable_group_ids(request.user)
    mark_editable(listing.rows, writable)
    context = {"listing": listing, "can_create": bool(writable)}
    if not is_fragment_request(request):
        context.update(new_drafts_context(request, PLUGIN_DRAFTS))
    return render(
        request, choose_template(request, "plugins/plugin_list.html", "plugin-table"), context
    )


def _alive_files(plugin: Plugin):
    parameters = PluginTaskParameter.objects.select_related("parameter_type")
    tasks = PluginTask.objects.prefetch_related(Prefetch("parameters", queryset=parameters))
    return (
        plugin.files.alive()
        .prefetch_related(Prefetch("tasks", queryset=tasks))
        .order_by("filename")
    )


def task_signatures(tasks) -> list[dict]:
    """What `plugins/_task_signatures.html` shows, from tasks whose parameters
    (with their types) are prefetched."""
    signatures = []
    for task in tasks:
        parameters = list(task.parameters.all())
        signatures.append(
            {
                "name": task.name,
                "kind": task.kind,
                "inputs": [
                    {"name": p.name, "type": p.parameter_type.name, "required": p.required}
                    for p in parameters
                    if p.direction == PluginTaskParameter.Direction.INPUT
                ],
                "outputs": [
                    {"name": p.name, "type": p.parameter_type.name}
                    for p in parameters
                    if p.direction == PluginTaskParameter.Direction.OUTPUT
                ],
            }
        )
    return signatures


@require_GET
def plugin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plugin = visible_or_404(Plugin, request, pk)
    user = request.user
    files = list(_alive_files(plugin))
    for file in files:
        file.signatures = task_signatures(file.tasks.all())
    entrypoints = (
        Entrypoint.objects.visible_to(user)
        .filter(pinned_plugins__plugin=plugin)
        .select_related("group")
        .annotate(
            outdated=Count(
                "pinned_plugins",
                filter=Q(pinned_plugins__plugin=plugin)
                & ~Q(pinned_plugins__plugin_snapshot_id=plugin.snapshot_id),
            )
        )
        .distinct()
        .order_by("name")
    )
    can_edit = plugin.can_edit(user)
    context = {
        "plugin": plugin,
        "files": files,
        "entrypoints": entrypoints,
        "can_edit": can_edit,
        **change_draft_context(request, plugin, can_edit=can_edit),
        **tags_card_context(request, plugin, can_edit),
        **history_context(plugin),
    }
    return render(request, "plugins/plugin_detail.html", context)


@require_http_methods(["GET", "POST"])
def plugin_create(request: HttpRequest) -> HttpResponse:
    draft = continued_draft(request, PLUGIN_DRAFTS)
    initial = new_draft_initial(PLUGIN_DRAFTS, draft)
    form = PluginForm(request.POST or None, initial=initial, user=request.user, creating=True)
    if saving_draft(request):
        if (saved := save_new_draft(request, PLUGIN_DRAFTS, form, draft)) is not None:
            return saved
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                plugin = definitions.create_plugin(
                    user=request.user,
                    group_id=form.cleaned_data["group"].pk,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
                drop_saved_draft(draft)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Plugin {plugin.name} created. Now add its files.")
            return redirect_after_save(request, reverse("plugin_detail", args=[plugin.pk]))
    return render(
        request,
        choose_template(request, "plugins/plugin_form.html", "plugin-form"),
        {"form": form, **draft_form_context(request, draft)},
    )


@require_http_methods(["GET", "POST"])
def plugin_edit(request: HttpRequest, pk: int) -> HttpResponse:
    plugin = editable_or_403(Plugin, request, pk)
    draft = continued_change_draft(request, plugin)
    if draft is not None:
        initial = PLUGIN_DRAFTS.initial(draft.payload)
    else:
        initial = {"name": plugin.name, "description": plugin.description}
    form = PluginForm(request.POST or None, initial=initial, user=request.user, creating=False)
    if saving_draft(request):
        if (saved := save_change_draft(request, PLUGIN_DRAFTS, form, plugin)) is not None:
            return saved
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                definitions.update_plugin(
                    user=request.user,
                    plugin=plugin,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
                drop_saved_draft(draft)
        except DomainError as error:
            plugin.refresh_from_db()  # the refused change was rolled back
            add_domain_error(form, error)
        else:
            messages.success(request, f"Plugin {plugin.name} saved.")
            return redirect_after_save(request, reverse("plugin_detail", args=[plugin.pk]))
    return render(
        request,
        choose_template(request, "plugins/plugin_form.html", "plugin-form"),
        {"form": form, "plugin": plugin, **draft_form_context(request, draft, plugin)},
    )


@require_http_methods(["GET", "POST"])
def plugin_delete(request: HttpRequest, pk: int) -> HttpResponse:
    plugin = editable_or_403(Plugin, request, pk)
    if request.method == "POST":
        definitions.delete_plugin(user=request.user, plugin=plugin)
        messages.success(request, f"Plugin {plugin.name} deleted.")
        return redirect("plugin_list")
    return render(
        request,
        "confirm_delete.html",
        {
            "resource": plugin,
            "kind": "plugin",
            "list_url": reverse("plugin_list"),
            "list_label": "Plugins",
            "detail_url": reverse("plugin_detail", args=[plugin.pk]),
            "consequence": "Its files go with it. Entrypoints that pinned it keep running the "
            "version they pinned, and jobs keep the code they ran.",
        },
    )


# Plugin files -------------------------------------------------------------------


def _file_or_404(plugin: Plugin, file_pk: int) -> PluginFile:
    return get_object_or_404(plugin.files.alive(), pk=file_pk)


@require_GET
def plugin_file_detail(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    plugin = visible_or_404(Plugin, request, pk)
    file = get_object_or_404(_alive_files(plugin), pk=file_pk)
    can_edit = plugin.can_edit(request.user)
    return render(
        request,
        "plugins/plugin_file_detail.html",
        {
            "plugin": plugin,
            "file": file,
            "signatures": task_signatures(file.tasks.all()),
            "lines": file.contents.splitlines(),
            "can_edit": can_edit,
            **tags_card_context(request, file, can_edit),
            **history_context(file),
        },
    )


def _render_file_form(request: HttpRequest, context: dict) -> HttpResponse:
    return render(
        request,
        choose_template(request, "plugins/plugin_file_form.html", "file-form"),
        context,
    )


def _file_form_context(plugin, file, form, tasks: TaskRows, **extra) -> dict:
    return {"plugin": plugin, "file": file, "form": form, "tasks": tasks, **extra}


def _save_file(request: HttpRequest, plugin: Plugin, file: PluginFile | None) -> HttpResponse:
    """The POST of the file editor: save, or re-render with each error in its place."""
    types = list(parameter_type_choices(request.user))
    form = PluginFileForm(request.POST)
    tasks = TaskRows.from_post(request.POST, types=types)
    tasks_error = ""
    if form.is_valid() & tasks.is_valid():
        values = {
            "user": request.user,
            "filename": form.cleaned_data["filename"],
            "contents": form.cleaned_data["contents"],
            "description": form.cleaned_data["description"] or None,
            "tasks": tasks.specs(),
        }
        try:
            if file is None:
                saved = definitions.create_plugin_file(plugin=plugin, **values)
            else:
                saved = definitions.update_plugin_file(file=file, **values)
        except DomainError as error:
            if file is not None:
                file.refresh_from_db()  # the refused change was rolled back
            if error.field == "tasks":
                tasks_error = error.message
            else:
                add_domain_error(form, error)
        else:
            verb = "created" if file is None else "saved"
            messages.success(request, f"File {saved.filename} {verb}.")
            url = reverse("plugin_file_detail", args=[plugin.pk, saved.pk])
            return redirect_after_save(request, url)
    context = _file_form_context(plugin, file, form, tasks, tasks_error=tasks_error)
    return _render_file_form(request, context)


@require_http_methods(["GET", "POST"])
def plugin_file_create(request: HttpRequest, pk: int) -> HttpResponse:
    plugin = editable_or_403(Plugin, request, pk)
    if request.method == "POST":
        return _save_file(request, plugin, None)
    types = parameter_type_choices(request.user)
    context = _file_form_context(plugin, None, PluginFileForm(), TaskRows([], types=types))
    return _render_file_form(request, context)


@require_http_methods(["GET", "POST"])
def plugin_file_edit(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    plugin = editable_or_403(Plugin, request, pk)
    file = get_object_or_404(_alive_files(plugin), pk=file_pk)
    if request.method == "POST":
        return _save_file(request, plugin, file)
    form = PluginFileForm(
        initial={
            "filename": file.filename,
            "description": file.description,
            "contents": file.contents,
        }
    )
    types = parameter_type_choices(request.user)
    return _render_file_form(
        request, _file_form_context(plugin, file, form, TaskRows.from_file(file, types=types))
    )


@require_http_methods(["GET", "POST"])
def plugin_file_delete(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    plugin = editable_or_403(Plugin, request, pk)
    file = _file_or_404(plugin, file_pk)
    if request.method == "POST":
        definitions.delete_plugin_file(user=request.user, file=file)
        messages.success(request, f"File {file.filename} deleted.")
        return redirect("plugin_detail", pk=plugin.pk)
    return render(
        request,
        "plugins/plugin_file_delete.html",
        {"plugin": plugin, "file": file},
    )


@require_POST
def plugin_file_detect_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    """Fill the task rows from the code being edited (not yet saved).

    Function tasks are replaced by those found; artifact tasks, which the
    analysis cannot find, stay. Types are matched by name to the types the
    user can use; the others are listed with a link to create them."""
    plugin = editable_or_403(Plugin, request, pk)
    file = None
    if request.POST.get("file", "").isdigit():
        file = _file_or_404(plugin, int(request.POST["file"]))
    types = list(parameter_type_choices(request.user))
    posted = TaskRows.from_post(request.POST, types=types)
    detect_error = ""
    detect_error_line = None
    missing_types: dict[str, str | None] = {}
    rows = posted.rows
    try:
        found = analyze_signatures(request.POST.get("contents", ""))
    except InvalidPythonError as error:
        detect_error, detect_error_line = str(error), error.line
    else:
        type_ids = _type_ids_by_name(types, group_id=plugin.group_id)
        for task in found:
            for missing in task["missing_types"]:
                if missing["name"] not in type_ids:
                    missing_types.setdefault(missing["name"], missing["description"])
        rows = [
            TaskRow(
                name=task["name"],
                inputs=[
                    TaskParameterRow(p["name"], type_ids.get(p["type"]), p["required"])
                    for p in task["inputs"]
                ],
                outputs=[
                    TaskParameterRow(p["name"], type_ids.get(p["type"])) for p in task["outputs"]
                ],
            )
            for task in found
        ] + [row for row in posted.rows if row.kind == PluginTask.Kind.ARTIFACT]
    context = {
        "plugin": plugin,
        "file": file,
        "tasks": TaskRows(rows, types=types),
        "detected": detect_error == "",
        "detect_error": detect_error,
        "detect_error_line": detect_error_line,
        "missing_types": missing_types,
    }
    if is_fragment_request(request):
        return render(request, "plugins/plugin_file_form.html#task-rows", context)
    context["form"] = PluginFileForm(request.POST)
    return render(request, "plugins/plugin_file_form.html", context)


def _type_ids_by_name(types, *, group_id: int) -> dict[str, int]:
    """Type name → id; a type of the plugin's own group wins over a builtin,
    which wins over a type of another group."""
    ranked = sorted(types, key=lambda t: (t.group_id == group_id, t.is_builtin, -t.pk))
    return {t.name: t.pk for t in ranked}
