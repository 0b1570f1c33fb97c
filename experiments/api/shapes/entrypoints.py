from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from experiments.models import (
    Entrypoint,
    EntrypointArtifactOutput,
    EntrypointArtifactParameter,
    EntrypointPlugin,
    PluginParameterType,
    PluginTask,
    Queue,
    Snapshot,
)

from .common import API_ROOT, resource_fields, resource_ref, with_resource_fields


def live_queues() -> Prefetch:
    return Prefetch("queues", queryset=Queue.objects.alive().select_related("group"))


def entrypoint_rows(user) -> QuerySet[Entrypoint]:
    """Entrypoints the user may read, with what ``entrypoint_shape`` reads once
    ``load_plugin_files`` has run on them."""
    outputs = EntrypointArtifactOutput.objects.select_related("parameter_type__group")
    rows = with_resource_fields(Entrypoint.objects.visible_to(user), user)
    return rows.prefetch_related(
        "parameters",
        Prefetch(
            "artifact_parameters",
            queryset=EntrypointArtifactParameter.objects.prefetch_related(
                Prefetch("outputs", queryset=outputs)
            ),
        ),
        Prefetch(
            "pinned_plugins",
            queryset=EntrypointPlugin.objects.select_related("plugin", "plugin_snapshot"),
        ),
        live_queues(),
    )


def load_plugin_files(entrypoints: Iterable[Entrypoint]) -> None:
    """Reads the files of every pinned plugin snapshot of these entrypoints
    in three queries, for ``entrypoint_plugin_shape``."""
    load_pinned_plugin_files([p for e in entrypoints for p in e.pinned_plugins.all()])


def load_pinned_plugin_files(pinned: list[EntrypointPlugin]) -> None:
    """``load_plugin_files`` for pins not read from an entrypoint (e.g. those
    an entrypoint snapshot records)."""
    file_snapshot_ids = {
        f["snapshotId"] for p in pinned for f in p.plugin_snapshot.data.get("files", [])
    }
    file_snapshots = Snapshot.objects.in_bulk(file_snapshot_ids) if file_snapshot_ids else {}
    file_ids = {s.resource_id for s in file_snapshots.values()}
    task_ids = (
        {
            (file_id, name): task_id
            for file_id, name, task_id in PluginTask.objects.filter(
                file_id__in=file_ids
            ).values_list("file_id", "name", "id")
        }
        if file_ids
        else {}
    )
    type_ids = {
        param["parameterType"]
        for s in file_snapshots.values()
        for task in s.data.get("tasks", [])
        for param in (*task.get("inputParams", []), *task.get("outputParams", []))
    }
    types = (
        PluginParameterType.objects.select_related("group").in_bulk(type_ids) if type_ids else {}
    )
    for plugin in pinned:
        plugin.files = [
            _file_shape(plugin, file_snapshots[f["snapshotId"]], task_ids, types)
            for f in plugin.plugin_snapshot.data.get("files", [])
            if f["snapshotId"] in file_snapshots
        ]


def _file_shape(plugin: EntrypointPlugin, snapshot: Snapshot, task_ids: dict, types: dict) -> dict:
    def param(p: dict, *, with_required: bool) -> dict:
        kind = types.get(p["parameterType"])
        shape = {"name": p["name"], "parameterType": resource_ref(kind) if kind else None}
        if with_required:
            shape["required"] = p.get("required", True)
        return shape

    functions, artifacts = [], []
    for task in snapshot.data.get("tasks", []):
        task_id = task_ids.get((snapshot.resource_id, task["name"]))
        outputs = [param(p, with_required=False) for p in task.get("outputParams", [])]
        if task.get("kind") == PluginTask.Kind.ARTIFACT:
            artifacts.append({"id": task_id, "name": task["name"], "outputParams": outputs})
        else:
            inputs = [param(p, with_required=True) for p in task.get("inputParams", [])]
            functions.append(
                {
                    "id": task_id,
                    "name": task["name"],
                    "inputParams": inputs,
                    "outputParams": outputs,
                }
            )
    return {
        "id": snapshot.resource_id,
        "snapshotId": snapshot.pk,
        "filename": snapshot.data.get("filename"),
        "url": (
            f"{API_ROOT}/plugins/{plugin.plugin_id}/files/{snapshot.resource_id}"
            f"/snapshots/{snapshot.pk}"
        ),
        "tasks": {"functions": functions, "artifacts": artifacts},
    }


def entrypoint_plugin_shape(pinned: EntrypointPlugin) -> dict:
    """A plugin as an entrypoint pins it (Dioptra's EntrypointPlugin); needs
    ``load_plugin_files`` first."""
    snapshot = pinned.plugin_snapshot
    return {
        "id": pinned.plugin_id,
        "name": snapshot.data.get("name", pinned.plugin.name),
        "snapshotId": snapshot.pk,
        "latestSnapshot": snapshot.pk == pinned.plugin.snapshot_id,
        "url": f"{API_ROOT}/plugins/{pinned.plugin_id}/snapshots/{snapshot.pk}",
        "files": pinned.files,
    }


def entrypoint_shape(entrypoint: Entrypoint) -> dict:
    """Needs ``load_plugin_files`` on the entrypoint first."""
    pinned = list(entrypoint.pinned_plugins.all())
    return {
        **resource_fields(entrypoint),
        "name": entrypoint.name,
        "description": entrypoint.description,
        "taskGraph": entrypoint.task_graph,
        "artifactGraph": entrypoint.artifact_graph,
        "parameters": [p.as_dict() for p in entrypoint.parameters.all()],
        "artifactParameters": [
            {
                "name": a.name,
                "outputParams": [
                    {"name": o.name, "parameterType": resource_ref(o.parameter_type)}
                    for o in a.outputs.all()
                ],
            }
            for a in entrypoint.artifact_parameters.all()
        ],
        "plugins": [entrypoint_plugin_shape(p) for p in pinned if not p.is_artifact_plugin],
        "artifactPlugins": [entrypoint_plugin_shape(p) for p in pinned if p.is_artifact_plugin],
        "queues": [resource_ref(q) for q in entrypoint.queues.all()],
    }


def issue_shape(issue) -> dict:
    """One problem of a workflow (engine ``Issue``), with Dioptra's UPPERCASE names."""
    return {
        "type": issue.type.upper(),
        "severity": issue.severity.upper(),
        "message": issue.message,
        "step": issue.step,
    }
