"""Resources as one of their snapshots shows them.

A snapshot's shape is the resource's shape built from ``Snapshot.data`` (what
the model's ``snapshot_data()`` recorded) plus the snapshot's own id, author
and time; ``latestSnapshot`` is true only for the newest. As in Dioptra it has
no ``hasDraft``, and omits what only the live resource has: an experiment's
``entrypoints``, an entrypoint's ``queues``, a job's ``artifacts`` and a plugin
file's ``plugin``; a model shows no versions.

Each ``*_snapshots(user, resource, snapshots, tags)`` shapes one page of
snapshots of one resource, reading what they refer to in a fixed number of
queries.
"""

from collections.abc import Callable, Iterable

from django.db.models import Prefetch

from experiments.models import (
    Artifact,
    EntrypointPlugin,
    Plugin,
    PluginParameterType,
    PluginTask,
    PluginTaskParameter,
    Resource,
    Snapshot,
)

from .artifacts import artifact_rows, artifact_shape, artifact_task_shape
from .common import API_ROOT, group_ref, resource_ref, timestamp, user_ref
from .entrypoints import entrypoint_plugin_shape, load_pinned_plugin_files
from .jobs import job_rows, job_shape

SnapshotShapes = Callable[[object, Resource, list[Snapshot], list[dict]], list[dict]]


def snapshot_fields(resource: Resource, snapshot: Snapshot, tags: list[dict]) -> dict:
    """The keys every resource snapshot shows (``resource_fields`` without ``hasDraft``)."""
    return {
        "id": resource.pk,
        "snapshot": snapshot.pk,
        "group": group_ref(resource.group),
        "user": user_ref(snapshot.user),
        "createdOn": timestamp(resource.created_on),
        "snapshotCreatedOn": timestamp(snapshot.created_on),
        "lastModifiedOn": timestamp(resource.last_modified_on),
        "latestSnapshot": snapshot.pk == resource.snapshot_id,
        "tags": tags,
    }


def recorded(*keys: str) -> SnapshotShapes:
    """Shapes of resources whose snapshot records every field they show."""

    def shapes(user, resource, snapshots, tags):
        return [
            {**snapshot_fields(resource, s, tags), **{key: s.data.get(key) for key in keys}}
            for s in snapshots
        ]

    return shapes


queue_snapshots = recorded("name", "description")
experiment_snapshots = recorded("name", "description")
parameter_type_snapshots = recorded("name", "description", "structure")


def model_snapshots(user, resource, snapshots, tags) -> list[dict]:
    # Dioptra's model snapshots show no versions.
    return [
        {**shape, "versions": [], "latestVersion": None}
        for shape in recorded("name", "description")(user, resource, snapshots, tags)
    ]


# Plugins and their files ----------------------------------------------------------------


def _parameter_types(type_ids: Iterable[int]) -> dict[int, PluginParameterType]:
    type_ids = set(type_ids)
    if not type_ids:
        return {}
    return PluginParameterType.objects.select_related("group").in_bulk(type_ids)


def task_containers(file_snapshots: Iterable[Snapshot]) -> Callable[[Snapshot], dict]:
    """Reads, in up to two queries, what the TaskContainers of these plugin file
    snapshots refer to; returns the function that builds one."""
    file_snapshots = list(file_snapshots)
    types = _parameter_types(
        param["parameterType"]
        for s in file_snapshots
        for task in s.data.get("tasks", [])
        for param in (*task.get("inputParams", []), *task.get("outputParams", []))
    )
    # Snapshots recorded before task ids were kept: the live task of that name.
    unrecorded = {
        s.resource_id for s in file_snapshots if any("id" not in t for t in s.data.get("tasks", []))
    }
    live_ids = (
        {
            (file_id, name): task_id
            for file_id, name, task_id in PluginTask.objects.filter(
                file_id__in=unrecorded
            ).values_list("file_id", "name", "id")
        }
        if unrecorded
        else {}
    )

    def param(recorded: dict, *, with_required: bool) -> dict:
        kind = types.get(recorded["parameterType"])
        shape = {"name": recorded["name"], "parameterType": resource_ref(kind) if kind else None}
        if with_required:
            shape["required"] = recorded.get("required", True)
        return shape

    def container(snapshot: Snapshot) -> dict:
        functions, artifacts = [], []
        for task in snapshot.data.get("tasks", []):
            task_id = task.get("id", live_ids.get((snapshot.resource_id, task["name"])))
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
        return {"functions": functions, "artifacts": artifacts}

    return container


def plugin_file_snapshots(user, resource, snapshots, tags) -> list[dict]:
    container = task_containers(snapshots)
    return [
        {
            **snapshot_fields(resource, s, tags),
            "filename": s.data.get("filename"),
            "description": s.data.get("description"),
            "contents": s.data.get("contents"),
            "tasks": container(s),
        }
        for s in snapshots
    ]


def plugin_snapshots(user, resource, snapshots, tags) -> list[dict]:
    """Each snapshot with the files (PluginFileRefs) it had, as they were then."""
    file_ids = {f["snapshotId"] for s in snapshots for f in s.data.get("files", [])}
    files = Snapshot.objects.in_bulk(file_ids) if file_ids else {}
    container = task_containers(files.values())

    def file_ref(recorded: dict) -> dict:
        file = files[recorded["snapshotId"]]
        return {
            "id": recorded["id"],
            "plugin": resource.pk,
            "filename": file.data.get("filename"),
            "group": group_ref(resource.group),
            "url": f"{API_ROOT}/plugins/{resource.pk}/files/{recorded['id']}",
            "tasks": container(file),
        }

    return [
        {
            **snapshot_fields(resource, s, tags),
            "name": s.data.get("name"),
            "description": s.data.get("description"),
            "files": [file_ref(f) for f in s.data.get("files", []) if f["snapshotId"] in files],
        }
        for s in snapshots
    ]


# Entrypoints ------------------------------------------------------------------------


def entrypoint_snapshots(user, resource, snapshots, tags) -> list[dict]:
    """Each snapshot with the plugin snapshots it pinned (no ``queues``)."""
    pins = {
        (s.pk, kind): s.data.get(kind, [])
        for s in snapshots
        for kind in ("plugins", "artifactPlugins")
    }
    plugin_snapshot_ids = {p["snapshotId"] for recorded in pins.values() for p in recorded}
    plugin_ids = {p["id"] for recorded in pins.values() for p in recorded}
    plugin_snapshots_by_id = (
        Snapshot.objects.in_bulk(plugin_snapshot_ids) if plugin_snapshot_ids else {}
    )
    plugins = Plugin.objects.in_bulk(plugin_ids) if plugin_ids else {}
    pinned = {
        key: [
            EntrypointPlugin(
                plugin=plugins[p["id"]],
                plugin_snapshot=plugin_snapshots_by_id[p["snapshotId"]],
                is_artifact_plugin=key[1] == "artifactPlugins",
            )
            for p in recorded
            if p["id"] in plugins and p["snapshotId"] in plugin_snapshots_by_id
        ]
        for key, recorded in pins.items()
    }
    load_pinned_plugin_files([p for group in pinned.values() for p in group])
    types = _parameter_types(
        output["parameterType"]
        for s in snapshots
        for parameter in s.data.get("artifactParameters", [])
        for output in parameter.get("outputParams", [])
    )

    def output(recorded: dict) -> dict:
        kind = types.get(recorded["parameterType"])
        return {"name": recorded["name"], "parameterType": resource_ref(kind) if kind else None}

    return [
        {
            **snapshot_fields(resource, s, tags),
            "name": s.data.get("name"),
            "description": s.data.get("description"),
            "taskGraph": s.data.get("taskGraph", ""),
            "artifactGraph": s.data.get("artifactGraph", ""),
            "parameters": s.data.get("parameters", []),
            "artifactParameters": [
                {"name": a["name"], "outputParams": [output(o) for o in a.get("outputParams", [])]}
                for a in s.data.get("artifactParameters", [])
            ],
            "plugins": [entrypoint_plugin_shape(p) for p in pinned[(s.pk, "plugins")]],
            "artifactPlugins": [
                entrypoint_plugin_shape(p) for p in pinned[(s.pk, "artifactPlugins")]
            ],
        }
        for s in snapshots
    ]


# Jobs and artifacts: most of their fields never change --------------------------------


def job_snapshots(user, resource, snapshots, tags) -> list[dict]:
    """The job as it is, with the status and description of each snapshot."""
    live = job_shape(job_rows(user).get(pk=resource.pk))
    del live["artifacts"], live["hasDraft"]
    return [
        {
            **live,
            **snapshot_fields(resource, s, tags),
            "status": s.data.get("status"),
            "description": s.data.get("description"),
        }
        for s in snapshots
    ]


def artifact_snapshots(user, resource, snapshots, tags) -> list[dict]:
    """The artifact as it is, with the description and task of each snapshot."""
    artifact = artifact_rows(user).get(pk=resource.pk)
    live = artifact_shape(artifact)
    del live["hasDraft"]
    task_ids = {s.data.get("taskId") for s in snapshots} - {artifact.task_id, None}
    outputs = PluginTaskParameter.objects.filter(
        direction=PluginTaskParameter.Direction.OUTPUT
    ).select_related("parameter_type__group")
    tasks = (
        PluginTask.objects.prefetch_related(
            Prefetch("parameters", queryset=outputs, to_attr="outputs")
        ).in_bulk(task_ids)
        if task_ids
        else {}
    )
    plugin_snapshot_ids = {s.data.get("pluginSnapshotId") for s in snapshots} - {
        artifact.plugin_snapshot_id,
        None,
    }
    plugin_snapshots_by_id = (
        Snapshot.objects.in_bulk(plugin_snapshot_ids) if plugin_snapshot_ids else {}
    )
    tasks[artifact.task_id] = artifact.task
    plugin_snapshots_by_id[artifact.plugin_snapshot_id] = artifact.plugin_snapshot

    def task(snapshot: Snapshot) -> dict:
        # The task shape reads only these two fields of the artifact.
        then = Artifact(
            task=tasks.get(snapshot.data.get("taskId")),
            plugin_snapshot=plugin_snapshots_by_id.get(snapshot.data.get("pluginSnapshotId")),
        )
        return artifact_task_shape(then)

    return [
        {
            **live,
            **snapshot_fields(resource, s, tags),
            "description": s.data.get("description"),
            "task": task(s),
        }
        for s in snapshots
    ]
