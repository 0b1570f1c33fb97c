"""Jobs: submit, cancel, change status, and what a running job reports.

``submit_job`` checks a request in Dioptra's order (engine contract §3.2,
API §5.6), stores every parameter value as a string, and freezes in
``job.definition`` everything the job will run::

    {"entrypoint": {"id", "snapshotId", "name"},
     "description": {...},        # the experiment description (§1.1)
     "parameters": [{name, parameterType, defaultValue}],
     "plugins": [plugin snapshot with files],          # function plugins
     "artifactPlugins": [plugin snapshot with files],  # artifact handler plugins
     "artifactTasks": [{name, filename, plugin, taskId, pluginSnapshotId}],
     "artifactInputs": {param: {artifactId, artifactSnapshotId, task: {name, filename},
                                taskId, plugin: plugin snapshot with files}}}

Dioptra rebuilds the description's ``types`` from the group's *latest* types
when the worker starts (§6.2). We freeze the whole description at submission
instead, so a job always runs, and shows, what was submitted.

The worker side (:mod:`experiments.tasks`) writes logs, metrics and status
through the functions here, as does the API.
"""

import datetime
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from .engine.sections import ParameterCoercionError, coerce_parameter
from .engine.timeouts import parse_timeout
from .errors import InvalidInputError, NotAllowedError, NotFoundError, WorkflowInvalidError
from .models import (
    Artifact,
    Entrypoint,
    Experiment,
    Job,
    JobLog,
    JobMetric,
    PluginTask,
    Queue,
    Snapshot,
)
from .prepared import PreparedQuery
from .task_backends import backend_kind
from .workflows import plugin_snapshots, snapshot_description

METRIC_NAME = re.compile(r"^([A-Za-z]|[A-Za-z_][A-Za-z0-9_]+)$")
SEVERITIES = set(JobLog.Severity.values)
LOST_AFTER = timedelta(minutes=2)
WORKER_LOST = "worker lost"

# Dioptra's PUT status machine (§4.3); "reset" means back to queued.
STATUS_TRANSITIONS = {
    Job.Status.QUEUED: {"started", "deferred", "reset"},
    Job.Status.STARTED: {"finished", "failed", "reset"},
    Job.Status.DEFERRED: {"started", "reset"},
    Job.Status.FAILED: {"reset"},
    Job.Status.FINISHED: {"reset"},
    Job.Status.CANCELLED: set(),
}


# ---------------------------------------------------------------------------
# Submitting


# The link of an entrypoint the experiment allows to a queue, with both.
_ENTRYPOINT_QUEUE = PreparedQuery(
    lambda experiment_id, entrypoint_id, queue_id: Entrypoint.queues.through.objects.filter(
        entrypoint_id=entrypoint_id,
        queue_id=queue_id,
        entrypoint__experiments=experiment_id,
        entrypoint__deleted_on__isnull=True,
        queue__deleted_on__isnull=True,
    ).select_related("entrypoint__group", "entrypoint__snapshot", "queue__group")
)


@transaction.atomic
def submit_job(
    *,
    user,
    experiment: Experiment,
    entrypoint_id: int,
    queue_id: int,
    values: dict[str, str] | None = None,
    artifact_values: dict[str, dict] | None = None,
    timeout: str | None = None,
    description: str | None = None,
    entrypoint_snapshot_id: int | None = None,
) -> Job:
    """Check the request, freeze what the job runs, and queue it (after commit)."""
    may_read, may_edit = experiment.access_of(user)
    if not may_read:
        raise NotFoundError("experiment", id=experiment.pk)
    if not may_edit:
        raise NotAllowedError("You may read this experiment but not run jobs in it.")
    entrypoint, queue = _attached_entrypoint_and_queue(user, experiment, entrypoint_id, queue_id)
    snapshot = _entrypoint_snapshot(entrypoint, entrypoint_snapshot_id)
    data = snapshot.data
    parameters = data.get("parameters", [])
    stored_values = _check_values(parameters, values)
    artifact_inputs, stored_artifact_values = _check_artifact_values(
        user, data.get("artifactParameters", []), artifact_values
    )
    timeout = _check_timeout(timeout)
    if description is not None and not isinstance(description, str):
        raise InvalidInputError("The description must be text.", field="description")

    plugins, engine_description, issues = snapshot_description(
        snapshot, group_id=entrypoint.group_id
    )
    if engine_description is None:
        raise WorkflowInvalidError(issues)
    artifact_plugin_ids = [p["snapshotId"] for p in data.get("artifactPlugins", [])]
    artifact_plugins = plugin_snapshots(artifact_plugin_ids)
    job = Job.objects.create(
        group_id=experiment.group_id,
        creator=user,
        experiment=experiment,
        entrypoint=entrypoint,
        entrypoint_snapshot=snapshot,
        queue=queue,
        queue_snapshot_id=queue.snapshot_id,
        experiment_snapshot_id=experiment.snapshot_id,
        description=description,
        values=stored_values,
        artifact_values=stored_artifact_values,
        timeout=timeout,
        definition={
            "entrypoint": {"id": entrypoint.pk, "snapshotId": snapshot.pk, "name": data["name"]},
            "queue": {"id": queue.pk, "name": queue.name},
            "description": engine_description,
            "parameters": parameters,
            "plugins": plugins,
            "artifactPlugins": artifact_plugins,
            "artifactTasks": _artifact_tasks(artifact_plugins),
            "artifactInputs": artifact_inputs,
        },
    )
    job.record_snapshot(user=user)
    if backend_kind() == "db":
        # The task row commits with the job: one transaction, and no job
        # left without its task if the process dies in between.
        _enqueue(job.pk, queue.name)
    else:  # a worker on Redis must not look for the job before it is saved
        transaction.on_commit(partial(_enqueue, job.pk, queue.name))
    return job


def _attached_entrypoint_and_queue(user, experiment, entrypoint_id: int, queue_id: int):
    """The entrypoint, attached to the experiment, and the queue, attached to
    the entrypoint, in one query; when there is no such pair, which of the two
    is not attached."""
    link = _ENTRYPOINT_QUEUE.first(experiment.pk, entrypoint_id, queue_id)
    if link is not None:
        return link.entrypoint, link.queue
    entrypoint = experiment.entrypoints.alive().filter(pk=entrypoint_id).first()
    if entrypoint is None:
        raise InvalidInputError(
            f"The entrypoint {_entrypoint_label(user, entrypoint_id)} is not attached to the "
            f"experiment {experiment.name!r}.",
            field="entrypoint",
        )
    raise InvalidInputError(
        f"The queue {_queue_label(user, queue_id)} is not attached to the entrypoint "
        f"{entrypoint.name!r}.",
        field="queue",
    )


def _enqueue(job_id: int, queue_name: str) -> None:
    from .tasks import enqueue_run

    try:
        enqueue_run(job_id=job_id, queue_name=queue_name)
    except Exception as error:  # the queue is down: say so on the job, not as a 500
        job = Job.objects.get(pk=job_id)
        if job.mark_failed(reason=f"could not be queued: {error}"):
            append_logs(
                job=job,
                entries=[
                    {
                        "severity": "ERROR",
                        "loggerName": "dioptra.worker",
                        "message": f"The job could not be queued on {queue_name!r}: {error}",
                    }
                ],
            )
            job.record_snapshot(user=job.creator)


def _entrypoint_label(user, entrypoint_id) -> str:
    found = Entrypoint.objects.visible_to(user).filter(pk=entrypoint_id).first()
    return f"{found.name!r} (id {found.pk})" if found else f"with id {entrypoint_id}"


def _queue_label(user, queue_id) -> str:
    found = Queue.objects.visible_to(user).filter(pk=queue_id).first()
    return f"{found.name!r} (id {found.pk})" if found else f"with id {queue_id}"


def _entrypoint_snapshot(entrypoint, snapshot_id: int | None) -> Snapshot:
    if snapshot_id is None:
        return entrypoint.snapshot
    snapshot = Snapshot.objects.filter(
        pk=snapshot_id, resource_type="entry_point", resource_id=entrypoint.pk
    ).first()
    if snapshot is None:
        raise NotFoundError(
            "entrypoint snapshot",
            field="entrypointSnapshot",
            entrypoint_id=entrypoint.pk,
            snapshot_id=snapshot_id,
        )
    return snapshot


def _check_values(
    parameters: Sequence[Mapping[str, Any]], values: Mapping[str, Any] | None
) -> dict[str, str | None]:
    """Every declared parameter's value as a string: the job's, else the default."""
    values = values or {}
    if not isinstance(values, Mapping):
        raise InvalidInputError("Values must be an object of names to strings.", field="values")
    declared = {p["name"]: p for p in parameters}
    for name, value in values.items():
        if name not in declared:
            known = ", ".join(repr(n) for n in declared) or "none"
            raise InvalidInputError(
                f"unknown parameter {name!r} (the entrypoint's parameters: {known})",
                field="values",
            )
        if not isinstance(value, str):
            raise InvalidInputError(
                f"the value of parameter {name!r} must be a string, not {value!r}",
                field="values",
            )
    stored: dict[str, str | None] = {}
    for name, parameter in declared.items():
        text = values.get(name, parameter.get("defaultValue"))
        if text is None:
            raise InvalidInputError(f"parameter {name!r} needs a value", field="values")
        try:
            coerce_parameter(parameter["parameterType"], text)
        except ParameterCoercionError as error:
            raise InvalidInputError(
                f"parameter {name!r} is of type {parameter['parameterType']}: {error.args[0]}",
                field="values",
            ) from None
        stored[name] = text
    return stored


def _check_timeout(timeout: str | None) -> str:
    if timeout is None:
        return settings.JOB_DEFAULT_TIMEOUT
    if not isinstance(timeout, str):
        raise InvalidInputError(
            f"The timeout must be a string such as '24h' or '30m', not {timeout!r}.",
            field="timeout",
        )
    try:
        parse_timeout(timeout)
    except ValueError as error:
        raise InvalidInputError(f"{error}.", field="timeout") from None
    return timeout.strip()


def _check_artifact_values(
    user, declared: Sequence[Mapping[str, Any]], given: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, dict[str, int]]]:
    """(frozen artifact inputs, stored ``{name: {id, snapshotId}}``) per §3.3."""
    given = given or {}
    if not isinstance(given, Mapping):
        raise InvalidInputError(
            "Artifact values must be an object of names to {id, snapshotId}.",
            field="artifactValues",
        )
    by_name = {p["name"]: p for p in declared}
    for name in given:
        if name not in by_name:
            known = ", ".join(repr(n) for n in by_name) or "none"
            raise InvalidInputError(
                f"unknown artifact parameter {name!r} (the entrypoint's artifact parameters: "
                f"{known})",
                field="artifactValues",
            )
    frozen: dict[str, Any] = {}
    stored: dict[str, dict[str, int]] = {}
    for name, parameter in by_name.items():
        if name not in given:
            raise InvalidInputError(
                f"artifact parameter {name!r} needs an artifact", field=artifact_value_field(name)
            )
        artifact, snapshot_id = _artifact_for(user, name, given[name])
        expected = [o["parameterType"] for o in parameter.get("outputParams", [])]
        task = artifact.task
        if task is None:
            raise InvalidInputError(
                f"artifact {artifact.pk} has no artifact task to load it with, so it cannot be "
                f"used for {name!r}",
                field=artifact_value_field(name),
            )
        outputs = [
            p.parameter_type_id for p in task.parameters.all() if p.direction == p.Direction.OUTPUT
        ]
        if outputs != expected:
            raise InvalidInputError(
                f"artifact {artifact.pk} gives outputs of types {_type_names(outputs)}, but "
                f"artifact parameter {name!r} expects {_type_names(expected)}",
                field=artifact_value_field(name),
            )
        plugins = plugin_snapshots([artifact.plugin_snapshot_id])
        if not plugins:
            raise InvalidInputError(
                f"artifact {artifact.pk} has no plugin snapshot to load it with",
                field=artifact_value_field(name),
            )
        frozen[name] = {
            "artifactId": artifact.pk,
            "artifactSnapshotId": snapshot_id,
            "taskId": task.pk,
            "task": {"name": task.name, "filename": _file_of_task(plugins[0], task)},
            "plugin": plugins[0],
        }
        stored[name] = {"id": artifact.pk, "snapshotId": snapshot_id}
    return frozen, stored


def artifact_value_field(name: str) -> str:
    """The field an error about one artifact parameter's value names, so a
    page can show it next to that parameter's choice."""
    return f"artifactValues.{name}"


def _artifact_for(user, name: str, value: Any) -> tuple[Artifact, int]:
    if not isinstance(value, Mapping) or not _is_id(value.get("id")):
        raise InvalidInputError(
            f"artifact parameter {name!r} needs {{'id': <artifact id>, 'snapshotId': <id>}}",
            field=artifact_value_field(name),
        )
    artifact = (
        Artifact.objects.visible_to(user)
        .select_related("task")
        .prefetch_related("task__parameters")
        .filter(pk=value["id"])
        .first()
    )
    if artifact is None:
        raise NotFoundError("artifact", field=artifact_value_field(name), id=value["id"])
    snapshot_id = value.get("snapshotId")
    if snapshot_id is None:
        return artifact, artifact.snapshot_id
    if not _is_id(snapshot_id) or not artifact.snapshots().filter(pk=snapshot_id).exists():
        raise NotFoundError(
            "artifact snapshot",
            field=artifact_value_field(name),
            artifact_id=artifact.pk,
            snapshot_id=snapshot_id,
        )
    return artifact, snapshot_id


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _type_names(type_ids: Iterable[int]) -> str:
    from .models import PluginParameterType

    type_ids = list(type_ids)
    names = PluginParameterType.objects.in_bulk(type_ids)
    return "(" + ", ".join(names[t].name if t in names else str(t) for t in type_ids) + ")"


def _file_of_task(plugin: Mapping[str, Any], task: PluginTask) -> str:
    for file in plugin["files"]:
        if any(t["name"] == task.name for t in file.get("tasks", [])):
            return file["filename"]
    return task.file.filename


def _artifact_tasks(plugins: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The artifact handler classes the artifact plugins register, with their task ids."""
    file_ids = [f["id"] for p in plugins for f in p["files"]]
    if not file_ids:
        return []
    task_ids = {
        (t.file_id, t.name): t.pk
        for t in PluginTask.objects.filter(
            file_id__in=file_ids, kind=PluginTask.Kind.ARTIFACT
        ).only("pk", "file_id", "name")
    }
    return [
        {
            "name": task["name"],
            "filename": file["filename"],
            "plugin": plugin["name"],
            "pluginSnapshotId": plugin["snapshotId"],
            "taskId": task_ids.get((file["id"], task["name"])),
        }
        for plugin in plugins
        for file in plugin["files"]
        for task in file.get("tasks", [])
        if task.get("kind") == PluginTask.Kind.ARTIFACT
    ]


# ---------------------------------------------------------------------------
# Status changes


@transaction.atomic
def cancel_job(*, user, job: Job) -> Job:
    """Cancel a queued or running job; a running job's worker stops its process."""
    _require_edit(user, job)
    if not job.mark_cancelled(by=user):
        raise InvalidInputError(
            f"Job {job.pk} is already {job.status}; only queued or running jobs can be cancelled.",
            field="status",
        )
    job.record_snapshot(user=user)
    return job


@transaction.atomic
def set_job_status(*, user, job: Job, status: str) -> Job:
    """Dioptra's ``PUT .../status``: one allowed transition, one new snapshot."""
    _require_edit(user, job)
    job = Job.objects.select_for_update().get(pk=job.pk)
    allowed = STATUS_TRANSITIONS.get(job.status, set())
    if status not in allowed:
        raise InvalidInputError(
            f"Job {job.pk} cannot go from {job.status!r} to {status!r}"
            + (
                f"; from {job.status!r} it may go to {', '.join(sorted(allowed))}."
                if allowed
                else f"; a {job.status} job cannot change status."
            ),
            field="status",
        )
    now = timezone.now()
    fields = ["status"]
    if status == "reset":
        job.status = Job.Status.QUEUED
        job.mlflow_run_id = None
        job.started_on = job.finished_on = job.heartbeat_on = None
        job.failure_reason = ""
        fields += ["mlflow_run_id", "started_on", "finished_on", "heartbeat_on", "failure_reason"]
    else:
        job.status = status
        if status == Job.Status.STARTED:
            job.started_on = job.heartbeat_on = now
            fields += ["started_on", "heartbeat_on"]
        elif status in (Job.Status.FINISHED, Job.Status.FAILED):
            job.finished_on = now
            fields.append("finished_on")
    job.save(update_fields=fields)
    job.record_snapshot(user=user)
    return job


def _require_edit(user, job: Job) -> None:
    if not job.can_read(user):
        raise NotFoundError("job", id=job.pk)
    if not job.can_edit(user):
        raise NotAllowedError("You may read this job but not change it.")


def fail_lost_jobs(*, older_than: timedelta = LOST_AFTER) -> list[int]:
    """Fail started jobs whose worker stopped reporting; returns their ids."""
    failed = []
    for job in Job.objects.lost(older_than=older_than).select_related("creator"):
        with transaction.atomic():
            if not job.mark_failed(reason=WORKER_LOST):
                continue
            minutes = older_than.total_seconds() / 60
            append_logs(
                job=job,
                entries=[
                    {
                        "severity": "ERROR",
                        "loggerName": "dioptra.worker",
                        "message": f"The job's worker stopped reporting for over {minutes:g} "
                        f"minutes (last heard from {job.worker or 'worker'} at "
                        f"{job.heartbeat_on or job.started_on}); the job is marked failed: "
                        f"{WORKER_LOST}.",
                    }
                ],
            )
            job.record_snapshot(user=job.creator)
        failed.append(job.pk)
    return failed


# ---------------------------------------------------------------------------
# What a job reports


def append_logs(*, job: Job, entries: list[dict]) -> list[JobLog]:
    """Store log entries ``{severity, loggerName, message, createdOn?}`` in one query."""
    now = timezone.now()
    rows = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            raise InvalidInputError(f"Log entry {index} is not an object.", field="data")
        severity = entry.get("severity")
        if severity not in SEVERITIES:
            raise InvalidInputError(
                f"Log entry {index}: severity must be one of DEBUG, INFO, WARNING, ERROR, "
                f"CRITICAL, not {severity!r}.",
                field="data",
            )
        for key in ("loggerName", "message"):
            if not isinstance(entry.get(key), str):
                raise InvalidInputError(f"Log entry {index}: {key} must be a string.", field="data")
        rows.append(
            JobLog(
                job_id=job.pk,
                severity=severity,
                logger_name=entry["loggerName"][:255],
                message=entry["message"],
                created_on=_datetime(entry.get("createdOn"), now),
            )
        )
    return JobLog.objects.bulk_create(rows, batch_size=1000)


def record_metric(
    *,
    job: Job,
    name: str,
    value: float,
    step: int = 0,
    timestamp: datetime.datetime | str | None = None,
) -> JobMetric:
    """Store one metric value; the same (job, name, step) overwrites the earlier one."""
    name, stored, step, when = _clean_metric(name, value, step, timestamp)
    metric, _ = JobMetric.objects.update_or_create(
        job_id=job.pk,
        name=name,
        step=step,
        defaults={"value": stored, "timestamp": when},
    )
    return metric


def record_metrics(*, job: Job, metrics: list[dict]) -> None:
    """Many metric events ``{name, value, step, timestamp}`` at once (the worker's ingest)."""
    latest: dict[tuple[str, int], JobMetric] = {}
    for metric in metrics:
        name, value, step, when = _clean_metric(
            metric.get("name"),
            metric.get("value"),
            metric.get("step", 0),
            metric.get("timestamp"),
        )
        latest[(name, step)] = JobMetric(
            job_id=job.pk, name=name, step=step, value=value, timestamp=when
        )
    if latest:
        JobMetric.objects.bulk_create(
            latest.values(),
            update_conflicts=True,
            unique_fields=["job", "name", "step"],
            update_fields=["value", "timestamp"],
        )


def _clean_metric(name, value, step, timestamp) -> tuple[str, float | None, int, datetime.datetime]:
    if not isinstance(name, str) or not METRIC_NAME.match(name):
        raise InvalidInputError(
            f"Invalid metric name {name!r}: use letters, digits and underscores, starting with "
            "a letter or an underscore.",
            field="name",
        )
    if isinstance(step, bool) or not isinstance(step, int):
        raise InvalidInputError(f"The step must be an integer, not {step!r}.", field="step")
    if isinstance(value, str) and value.strip().lower() in ("nan", "inf", "-inf", "+inf"):
        value = float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidInputError(f"The value must be a number, not {value!r}.", field="value")
    value = float(value)
    return name, None if math.isnan(value) else value, step, _datetime(timestamp, None)


def _datetime(value, default) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        parsed = value
    elif isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            raise InvalidInputError(f"{value!r} is not an ISO date and time.", field="timestamp")
    else:
        return default or timezone.now()
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, datetime.UTC)
    return parsed


def job_parameters(job: Job) -> dict[str, Any]:
    """``{name: typed value}`` for every parameter, as ``/jobs/{id}/parameters`` shows."""
    declared = job.definition.get("parameters")
    if declared is None:
        types = {p.name: p.parameter_type for p in job.entrypoint.parameters.all()}
    else:
        types = {p["name"]: p["parameterType"] for p in declared}
    typed = {}
    for name, text in job.values.items():
        try:
            typed[name] = coerce_parameter(types.get(name, "string"), text, name=name)
        except ParameterCoercionError:
            typed[name] = text
    return typed
