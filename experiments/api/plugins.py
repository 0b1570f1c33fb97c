"""Plugins, their Python files, and the tasks each file registers.

Every change to a file makes a new snapshot of the file and of its plugin
(definitions.plugins), so entrypoints pin exact code.
"""

from django.db import transaction
from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.definitions import (
    TaskSpec,
    create_plugin,
    create_plugin_file,
    delete_plugin,
    delete_plugin_file,
    update_plugin,
    update_plugin_file,
)
from experiments.models import Plugin, PluginFile, PluginTask
from experiments.search import tag_field, text_field

from .listing import named_resource_list, search, sort
from .lookups import get_or_404
from .paging import paged
from .parsing import (
    Field,
    boolean,
    integer,
    list_of,
    name,
    nullable,
    object_of,
    parse_body,
    text,
)
from .shapes.plugins import plugin_file_rows, plugin_file_shape, plugin_rows, plugin_shape

PLUGIN_LIST = named_resource_list(Plugin, "plugins", plugin_rows, plugin_shape)
PLUGIN_FILE_SEARCH = {
    "filename": text_field("filename"),
    "description": text_field("description"),
    "contents": text_field("contents"),
    "tag": tag_field(PluginFile),
}
PLUGIN_FILE_SORTS = {
    "filename": "filename",
    "createdOn": "created_on",
    "lastModifiedOn": "last_modified_on",
    "description": "description",
}

PLUGIN_DEFINITION = {"name": Field(name, required=True), "description": Field(nullable(text))}
NEW_PLUGIN = {"group": Field(integer, required=True), **PLUGIN_DEFINITION}

INPUT_PARAM = {
    "name": Field(text, required=True),
    "parameterType": Field(integer, required=True),
    "required": Field(boolean, default=True),
}
OUTPUT_PARAM = {"name": Field(text, required=True), "parameterType": Field(integer, required=True)}
FUNCTION_TASK = {
    "name": Field(text, required=True),
    "inputParams": Field(list_of(INPUT_PARAM), default=list),
    "outputParams": Field(list_of(OUTPUT_PARAM), default=list),
}
ARTIFACT_TASK = {
    "name": Field(text, required=True),
    "outputParams": Field(list_of(OUTPUT_PARAM), default=list),
}
TASKS = {
    "functions": Field(list_of(FUNCTION_TASK), default=list),
    "artifacts": Field(list_of(ARTIFACT_TASK), default=list),
}
PLUGIN_FILE = {
    "filename": Field(text, required=True),
    "contents": Field(text, required=True),
    "description": Field(nullable(text)),
    "tasks": Field(object_of(TASKS), default=lambda: {"functions": [], "artifacts": []}),
}


def _outputs(task: dict) -> list[tuple[str, int]]:
    return [(p["name"], p["parameterType"]) for p in task["outputParams"]]


def task_specs(tasks: dict) -> list[TaskSpec]:
    functions = [
        TaskSpec(
            task["name"],
            kind=PluginTask.Kind.FUNCTION,
            inputs=[(p["name"], p["parameterType"], p["required"]) for p in task["inputParams"]],
            outputs=_outputs(task),
        )
        for task in tasks["functions"]
    ]
    artifacts = [
        TaskSpec(task["name"], kind=PluginTask.Kind.ARTIFACT, outputs=_outputs(task))
        for task in tasks["artifacts"]
    ]
    return functions + artifacts


def visible_plugin(request, pk: int) -> Plugin:
    """404 if unseen; changes answer 403 from the domain when it is read-only."""
    return get_or_404(Plugin.objects.visible_to(request.user).select_related("group"), pk, "plugin")


def plugin_response(request, pk: int) -> Response:
    return Response(plugin_shape(plugin_rows(request.user).get(pk=pk)))


@api_view(["GET", "POST"])
def plugin_collection(request):
    if request.method == "POST":
        return plugin_create(request)
    return Response(PLUGIN_LIST.page(request))


def plugin_create(request):
    body = parse_body(request, NEW_PLUGIN)
    plugin = create_plugin(
        user=request.user,
        group_id=body["group"],
        name=body["name"],
        description=body["description"],
    )
    return plugin_response(request, plugin.pk)


@api_view(["GET", "PUT", "DELETE"])
def plugin_detail(request, pk: int):
    if request.method == "PUT":
        body = parse_body(request, PLUGIN_DEFINITION)
        update_plugin(
            user=request.user,
            plugin=visible_plugin(request, pk),
            name=body["name"],
            description=body["description"],
        )
        return plugin_response(request, pk)
    if request.method == "DELETE":
        delete_plugin(user=request.user, plugin=visible_plugin(request, pk))
        return Response({"status": "Success"})
    return Response(plugin_shape(get_or_404(plugin_rows(request.user), pk, "plugin")))


def _file_of(request, plugin_id: int, file_id: int) -> PluginFile:
    """The plugin's live file; 404 if the plugin or the file is unseen."""
    plugin = visible_plugin(request, plugin_id)
    file = get_or_404(plugin.files.alive(), file_id, "plugin file")
    file.plugin = plugin
    return file


def plugin_file_response(request, plugin_id: int, file_id: int) -> Response:
    return Response(plugin_file_shape(plugin_file_rows(request.user, plugin_id).get(pk=file_id)))


@api_view(["GET", "POST", "DELETE"])
def plugin_files(request, pk: int):
    """GET lists the plugin's files, POST adds one, DELETE removes them all."""
    if request.method == "POST":
        body = parse_body(request, PLUGIN_FILE)
        file = create_plugin_file(
            user=request.user,
            plugin=visible_plugin(request, pk),
            filename=body["filename"],
            contents=body["contents"],
            description=body["description"],
            tasks=task_specs(body["tasks"]),
        )
        return plugin_file_response(request, pk, file.pk)
    plugin = visible_plugin(request, pk)
    if request.method == "DELETE":
        files = list(plugin.files.alive().order_by("id"))
        with transaction.atomic():
            for file in files:
                file.plugin = plugin
                delete_plugin_file(user=request.user, file=file)
        return Response({"status": "Success", "id": [f.pk for f in files]})
    rows = search(request, plugin_file_rows(request.user, pk), PLUGIN_FILE_SEARCH)
    rows = sort(request, rows, PLUGIN_FILE_SORTS)
    return Response(paged(request, rows, route=f"plugins/{pk}/files", shape=plugin_file_shape))


@api_view(["GET", "PUT", "DELETE"])
def plugin_file_detail(request, pk: int, file_id: int):
    if request.method == "PUT":
        body = parse_body(request, PLUGIN_FILE)
        update_plugin_file(
            user=request.user,
            file=_file_of(request, pk, file_id),
            filename=body["filename"],
            contents=body["contents"],
            description=body["description"],
            tasks=task_specs(body["tasks"]),
        )
        return plugin_file_response(request, pk, file_id)
    if request.method == "DELETE":
        delete_plugin_file(user=request.user, file=_file_of(request, pk, file_id))
        return Response({"status": "Success", "id": [file_id]})
    visible_plugin(request, pk)
    file = get_or_404(plugin_file_rows(request.user, pk), file_id, "plugin file")
    return Response(plugin_file_shape(file))
