"""Artifacts (files a job saved) as Dioptra shows them."""

from django.db.models import Prefetch, QuerySet

from experiments.models import Artifact, PluginTaskParameter

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
