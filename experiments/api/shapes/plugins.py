"""Plugins, their files and the tasks the files register.

A task container is read from the live registrations (PluginTask rows) of
the current files; pinned snapshots are shaped in ``entrypoints.py``.
"""

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from experiments.models import Plugin, PluginFile, PluginTask, PluginTaskParameter

from .common import API_ROOT, group_ref, resource_fields, resource_ref, with_resource_fields


def _tasks() -> Prefetch:
    parameters = PluginTaskParameter.objects.select_related("parameter_type__group")
    return Prefetch(
        "tasks",
        queryset=PluginTask.objects.prefetch_related(Prefetch("parameters", queryset=parameters)),
    )


def plugin_rows(user) -> QuerySet[Plugin]:
    """Plugins the user may read, with what ``plugin_shape`` reads."""
    files = PluginFile.objects.alive().select_related("group").prefetch_related(_tasks())
    rows = with_resource_fields(Plugin.objects.visible_to(user), user)
    return rows.prefetch_related(
        Prefetch("files", queryset=files.order_by("id"), to_attr="live_files")
    )


def plugin_file_rows(user, plugin_id: int) -> QuerySet[PluginFile]:
    files = PluginFile.objects.visible_to(user).filter(plugin_id=plugin_id)
    return (
        with_resource_fields(files, user).select_related("plugin__group").prefetch_related(_tasks())
    )


def task_container(tasks: Iterable[PluginTask]) -> dict:
    """Dioptra's TaskContainer: ``{functions: [...], artifacts: [...]}``, params in order."""
    functions, artifacts = [], []
    for task in tasks:
        inputs, outputs = [], []
        for param in task.parameters.all():
            shape = {"name": param.name, "parameterType": resource_ref(param.parameter_type)}
            if param.direction == PluginTaskParameter.Direction.INPUT:
                inputs.append({**shape, "required": param.required})
            else:
                outputs.append(shape)
        if task.kind == PluginTask.Kind.ARTIFACT:
            artifacts.append({"id": task.pk, "name": task.name, "outputParams": outputs})
        else:
            functions.append(
                {"id": task.pk, "name": task.name, "inputParams": inputs, "outputParams": outputs}
            )
    return {"functions": functions, "artifacts": artifacts}


def plugin_file_url(file: PluginFile) -> str:
    return f"{API_ROOT}/plugins/{file.plugin_id}/files/{file.pk}"


def plugin_file_ref(file: PluginFile) -> dict:
    return {
        "id": file.pk,
        "plugin": file.plugin_id,
        "filename": file.filename,
        "group": group_ref(file.group),
        "url": plugin_file_url(file),
        "tasks": task_container(file.tasks.all()),
    }


def plugin_shape(plugin: Plugin) -> dict:
    """Needs ``plugin_rows`` (its ``live_files``)."""
    return {
        **resource_fields(plugin),
        "name": plugin.name,
        "description": plugin.description,
        "files": [plugin_file_ref(f) for f in plugin.live_files],
    }


def plugin_file_shape(file: PluginFile) -> dict:
    return {
        **resource_fields(file),
        "filename": file.filename,
        "description": file.description,
        "contents": file.contents,
        "tasks": task_container(file.tasks.all()),
        "plugin": resource_ref(file.plugin),
    }
