"""Artifacts (files a job saved) as Dioptra shows them."""

from django.db.models import Prefetch, QuerySet

from experiments.models import Artifact, PluginParameterType, PluginTaskParameter

from .common import API_ROOT, resource_fields, resource_ref, with_resource_fields


def artifact_rows(user) -> QuerySet[Artifact]:
    outputs = PluginTaskParameter.objects.filter(
        direction=PluginTaskParameter.Direction.OUTPUT
    ).select_related("parameter_type__group")
    return (
        with_resource_fields(Artifact.objects.visible_to(user), user)
        .select_related("task", "plugin_snapshot")
        .prefetch_related(Prefetch("task__parameters", queryset=outputs, to_attr="outputs"))
    )


def artifact_contents_url(artifact: Artifact) -> str:
    return f"{API_ROOT}/artifacts/{artifact.pk}/contents"


def artifact_task_shape(artifact: Artifact) -> dict:
    """The artifact task that loads the artifact, or ``{}``."""
    task = artifact.task
    if task is None:
        return {}
    snapshot = artifact.plugin_snapshot
    file_snapshot_id = None
    if snapshot is not None:
        file_snapshot_id = next(
            (f["snapshotId"] for f in snapshot.data.get("files", []) if f["id"] == task.file_id),
            None,
        )
    return {
        "id": task.pk,
        "name": task.name,
        "outputParams": [
            {"name": p.name, "parameterType": resource_ref(p.parameter_type)} for p in task.outputs
        ],
        "pluginResourceId": snapshot.resource_id if snapshot else None,
        "pluginResourceSnapshotId": snapshot.pk if snapshot else None,
        "pluginFileResourceId": task.file_id,
        "pluginFileResourceSnapshotId": file_snapshot_id,
    }


def artifact_shape(artifact: Artifact) -> dict:
    """Needs ``artifact_rows``."""
    return {
        **resource_fields(artifact),
        "description": artifact.description,
        "task": artifact_task_shape(artifact),
        "isDir": artifact.is_dir,
        "fileSize": artifact.file_size,
        "fileUrl": artifact_contents_url(artifact),
        "artifactUri": artifact.uri,
        "job": artifact.job_id,
    }


def job_artifact_parameters(job, user) -> dict:
    """``/jobs/{id}/artifactParameters``: each artifact input the job was given,
    from its frozen definition, in Dioptra's snake_case shape. An input
    artifact the user may not read shows no URI."""
    inputs = job.definition.get("artifactInputs", {})
    artifact_ids = {entry["artifactId"] for entry in inputs.values()}
    artifacts = Artifact.objects.visible_to(user).in_bulk(artifact_ids)
    outputs = {
        name: _task_outputs(entry["plugin"], entry["task"]) for name, entry in inputs.items()
    }
    types = PluginParameterType.objects.in_bulk(
        {o["parameterType"] for params in outputs.values() for o in params}
    )
    shapes = {}
    for name, entry in inputs.items():
        artifact = artifacts.get(entry["artifactId"])
        plugin = entry["plugin"]
        shapes[name] = {
            "artifact_id": entry["artifactId"],
            "artifact_snapshot_id": entry["artifactSnapshotId"],
            "artifact_uri": artifact.uri if artifact else None,
            "is_dir": artifact.is_dir if artifact else None,
            "artifact_task": {
                "plugin_id": plugin["id"],
                "plugin_name": plugin["name"],
                "plugin_snapshot_id": plugin["snapshotId"],
                "file_name": entry["task"]["filename"],
                "task_name": entry["task"]["name"],
                "outputs": [
                    {
                        "name": o["name"],
                        "type": types[o["parameterType"]].name
                        if o["parameterType"] in types
                        else None,
                    }
                    for o in outputs[name]
                ],
            },
        }
    return shapes


def _task_outputs(plugin: dict, task: dict) -> list[dict]:
    """The output parameters the plugin snapshot registered for the artifact task."""
    for file in plugin.get("files", []):
        if file["filename"] != task["filename"]:
            continue
        for registered in file.get("tasks", []):
            if registered["name"] == task["name"]:
                return registered.get("outputParams", [])
    return []
