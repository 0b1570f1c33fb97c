"""Jobs, their metrics and log records as Dioptra shows them."""

import math
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet
from django.db.models.fields.json import KeyTextTransform

from experiments.models import Artifact, Job, JobLog, JobMetric

from .common import (
    API_ROOT,
    as_just_created,
    group_ref,
    resource_fields,
    timestamp,
    with_resource_fields,
)


def job_rows(user) -> QuerySet[Job]:
    """Jobs the user may read, with everything ``job_shape`` reads.
    The frozen definition is left in the database: lists never show it."""
    return (
        with_resource_fields(Job.objects.visible_to(user), user)
        .defer("definition")
        .select_related("experiment__group", "entrypoint__group", "queue__group")
        .annotate(
            entrypoint_snapshot_name=KeyTextTransform("name", "entrypoint_snapshot__data"),
            queue_snapshot_name=KeyTextTransform("name", "queue_snapshot__data"),
            experiment_snapshot_name=KeyTextTransform("name", "experiment_snapshot__data"),
        )
        .prefetch_related(
            Prefetch(
                "artifacts",
                queryset=Artifact.objects.alive().select_related("group"),
                to_attr="live_artifacts",
            )
        )
    )


def snapshot_ref(route: str, resource, snapshot_id: int | None, name: str) -> dict:
    """QueueSnapshotRef, ExperimentSnapshotRef, EntrypointSnapshotRef."""
    return {
        "id": resource.pk,
        "snapshotId": snapshot_id,
        "name": name,
        "group": group_ref(resource.group),
        "url": f"{API_ROOT}/{route}/{resource.pk}/snapshots/{snapshot_id}",
    }


def submitted_ref(route: str, job: Job, field: str) -> dict:
    """The snapshot ref of the job's ``field`` (queue, experiment, entrypoint)
    as submitted: ``{field}_snapshot_id`` and the ``{field}_snapshot_name``
    annotation, or the resource's latest when the job did not record them."""
    resource = getattr(job, field)
    snapshot_id = getattr(job, f"{field}_snapshot_id") or resource.snapshot_id
    name = getattr(job, f"{field}_snapshot_name", None) or resource.name
    return snapshot_ref(route, resource, snapshot_id, name)


def artifact_ref(artifact: Artifact) -> dict:
    return {
        "id": artifact.pk,
        "group": group_ref(artifact.group),
        "url": f"{API_ROOT}/artifacts/{artifact.pk}",
    }


def job_shape(job: Job) -> dict:
    """Needs ``job_rows``. The queue, experiment and entrypoint refs name the
    snapshots the job was submitted with (jobs older than that record fall
    back to the latest)."""
    return {
        **resource_fields(job),
        "hasDraft": False,  # jobs have no drafts
        "description": job.description,
        "timeout": job.timeout,
        "status": job.status,
        "values": job.values,
        "artifactValues": job.artifact_values,
        "queue": submitted_ref("queues", job, "queue"),
        "experiment": submitted_ref("experiments", job, "experiment"),
        "entrypoint": submitted_ref("entrypoints", job, "entrypoint"),
        "artifacts": [artifact_ref(a) for a in job.live_artifacts],
    }


def new_job_shape(job: Job) -> dict:
    """A job ``submit_job`` just made, from the objects it holds: it has no tags,
    artifacts or drafts yet and lives in its experiment's group."""
    job.group = job.experiment.group
    as_just_created(job, job.creator)
    job.live_artifacts = []
    job.entrypoint_snapshot_name = job.entrypoint_snapshot.data["name"]
    job.queue_snapshot_name = job.queue.name
    job.experiment_snapshot_name = job.experiment.name
    return job_shape(job)


def job_status_shape(job: Job) -> dict:
    return {"id": job.pk, "status": job.status}


def metric_value(value: float | None) -> float | str:
    """A metric value as JSON: NaN (stored as NULL) and infinities as strings."""
    if value is None or math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def latest_metrics(metrics: Iterable[JobMetric]) -> list[dict]:
    """``[{name, value}]``: each metric's value at its highest step, by name."""
    latest: dict[str, JobMetric] = {}
    for metric in metrics:
        current = latest.get(metric.name)
        if current is None or metric.step > current.step:
            latest[metric.name] = metric
    return [{"name": name, "value": metric_value(latest[name].value)} for name in sorted(latest)]


def metric_step_shape(metric: JobMetric) -> dict:
    return {
        "name": metric.name,
        "value": metric_value(metric.value),
        "step": metric.step,
        "timestamp": timestamp(metric.timestamp),
    }


def log_shape(record: JobLog) -> dict:
    return {
        "severity": record.severity,
        "loggerName": record.logger_name,
        "message": record.message,
        "createdOn": timestamp(record.created_on),
    }
