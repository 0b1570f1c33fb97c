"""The background task that runs one job, on whichever task backend serves it.

``run_job(job_id)`` marks the job started, builds the engine's bundle from the
job's frozen definition (format: :mod:`experiments.engine.runner`), runs it in
a child process (:func:`experiments.engine.process.run_in_child`) while
writing its logs and metrics in batches, keeping a heartbeat and watching for
a cancel, then stores the artifacts it saved and records how it ended.
"""

import contextlib
import logging
import os
import shutil
import socket
import tarfile
import tempfile
import traceback
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django_tasks import task

from .engine.process import Outcome, run_in_child
from .engine.timeouts import parse_timeout
from .errors import InvalidInputError
from .jobs import SEVERITIES, append_logs, job_parameters, record_metrics
from .models import Artifact, Job, JobLog, PluginTask
from .task_backends import task_queue_name

LOG = logging.getLogger(__name__)
WORKER_LOGGER = "dioptra.worker"


def enqueue_run(*, job_id: int, queue_name: str) -> None:
    """Queue ``run_job(job_id)`` on the Dioptra queue named ``queue_name``."""
    run_job.using(queue_name=task_queue_name(queue_name)).enqueue(job_id)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@task()
def run_job(job_id: int) -> str:
    """Run the job; returns the status it ended with."""
    _fresh_connections()
    job = Job.objects.select_related("creator").filter(pk=job_id).first()
    if job is None:
        LOG.warning("Job %s no longer exists; nothing to run.", job_id)
        return "missing"
    if not job.mark_started(worker=worker_name()):
        LOG.info("Job %s is %s; not running it.", job_id, job.status)
        return job.status
    job.record_snapshot(user=job.creator)
    try:
        _run(job)
    except Exception as error:
        _fail(job, f"the worker could not run it: {type(error).__name__}: {error}")
    return job.status


def _fresh_connections() -> None:
    """Drop a broken or expired connection before a job, as a request would; never
    inside a transaction (a test's, or a caller's)."""
    if not connection.in_atomic_block:
        close_old_connections()


def _run(job: Job) -> None:
    with tempfile.TemporaryDirectory(prefix=f"dioptra-inputs-{job.pk}-") as inputs:
        bundle = build_bundle(job, Path(inputs))
        sink = _EventSink(job)
        outcome = run_in_child(
            bundle,
            timeout_seconds=parse_timeout(job.timeout),
            on_events=sink,
            should_cancel=_stopped_by_someone(job.pk),
            heartbeat=job.touch_heartbeat,
        )
    with outcome:
        _finish(job, outcome)


def _stopped_by_someone(job_id: int):
    def should_cancel() -> bool:
        # Anything but "started" (cancelled, reset, failed as lost) stops the run.
        return not Job.objects.filter(pk=job_id, status=Job.Status.STARTED).exists()

    return should_cancel


def _finish(job: Job, outcome: Outcome) -> None:
    if outcome.status == "cancelled":
        return  # someone cancelled (or reset) the job; its status says so already
    if outcome.status == "failed":
        if job.mark_failed(reason=outcome.reason):
            job.record_snapshot(user=job.creator)
        return
    stored: list[str] = []
    try:
        with transaction.atomic():
            for event in outcome.artifacts:
                stored.append(store_artifact(job, event).file.name)
            finished = job.mark_finished()
            if finished:
                job.record_snapshot(user=job.creator)
            else:  # cancelled or reset in the last moment: keep what they said
                transaction.set_rollback(True)
    except Exception as error:
        finished = False
        _fail(job, f"its artifacts could not be stored: {type(error).__name__}: {error}")
    if not finished:
        for name in stored:
            default_storage.delete(name)


def _fail(job: Job, reason: str) -> None:
    append_logs(
        job=job,
        entries=[
            {
                "severity": "ERROR",
                "loggerName": WORKER_LOGGER,
                "message": f"Job failed: {reason}\n{traceback.format_exc()}",
            }
        ],
    )
    if job.mark_failed(reason=reason):
        job.record_snapshot(user=job.creator)


# ---------------------------------------------------------------------------
# The bundle


def build_bundle(job: Job, inputs_dir: Path) -> dict[str, Any]:
    """What the child process runs, from the job's frozen definition."""
    definition = job.definition
    tasks_by_plugin: dict[str, list] = {}
    for entry in definition.get("artifactTasks", []):
        tasks_by_plugin.setdefault(entry["plugin"], []).append(
            {
                "name": entry["name"],
                "filename": entry["filename"],
                "task_id": entry.get("taskId"),
                "plugin_snapshot_id": entry.get("pluginSnapshotId"),
            }
        )
    return {
        "job_id": job.pk,
        "description": definition["description"],
        "parameters": job_parameters(job),
        "plugins": [_files(p) for p in definition.get("plugins", [])],
        "artifact_plugins": [
            {**_files(p), "tasks": tasks_by_plugin.get(p["name"], [])}
            for p in definition.get("artifactPlugins", [])
        ],
        "artifact_inputs": {
            name: {
                "path": str(_input_path(entry, inputs_dir)),
                "plugin": _files(entry["plugin"]),
                "task": entry["task"],
            }
            for name, entry in definition.get("artifactInputs", {}).items()
        },
    }


def _files(plugin: dict) -> dict[str, Any]:
    return {
        "name": plugin["name"],
        "files": [{"filename": f["filename"], "contents": f["contents"]} for f in plugin["files"]],
    }


def _input_path(entry: dict, inputs_dir: Path) -> Path:
    """The stored artifact as a local path; a directory is unpacked from its archive."""
    artifact = Artifact.objects.get(pk=entry["artifactId"])
    if not artifact.is_dir:
        with contextlib.suppress(NotImplementedError):
            return Path(default_storage.path(artifact.file.name))
    target = inputs_dir / str(artifact.pk)
    target.mkdir()
    with artifact.file.open("rb") as stored:
        if artifact.is_dir:
            with tarfile.open(fileobj=stored, mode="r:gz") as archive:
                archive.extractall(target, filter="data")
            return next(target.iterdir(), target)
        local = target / Path(artifact.file.name).name
        with open(local, "wb") as out:
            shutil.copyfileobj(stored, out)
        return local


# ---------------------------------------------------------------------------
# What the job reports while it runs


class _EventSink:
    """Writes a batch of engine events: logs in one INSERT, metrics in one upsert."""

    def __init__(self, job: Job):
        self.job = job

    def __call__(self, events: list[dict[str, Any]]) -> None:
        logs = []
        metrics = []
        for event in events:
            kind = event.get("type")
            if kind == "log":
                logs.append(_log_row(self.job.pk, event))
            elif kind == "metric":
                metrics.append(event)
            elif kind == "artifact":
                logs.append(
                    _log_row(
                        self.job.pk,
                        {
                            "severity": "INFO",
                            "logger": WORKER_LOGGER,
                            "message": f"Artifact saved: {event.get('name')} "
                            f"({event.get('size')} bytes)",
                        },
                    )
                )
        if metrics:
            try:
                record_metrics(job=self.job, metrics=metrics)
            except InvalidInputError as error:
                logs.append(
                    _log_row(
                        self.job.pk,
                        {
                            "severity": "WARNING",
                            "logger": WORKER_LOGGER,
                            "message": f"Metrics not recorded: {error.message}",
                        },
                    )
                )
        if logs:
            JobLog.objects.bulk_create(logs, batch_size=1000)


def _log_row(job_id: int, event: dict[str, Any]) -> JobLog:
    severity = str(event.get("severity", "INFO")).upper()
    if severity not in SEVERITIES:
        severity = {"WARN": "WARNING", "FATAL": "CRITICAL"}.get(severity, "INFO")
    created = event.get("time")
    parsed = None
    if isinstance(created, str):
        with contextlib.suppress(ValueError):
            parsed = parse_datetime(created)
    return JobLog(
        job_id=job_id,
        severity=severity,
        # PostgreSQL text cannot hold NUL characters.
        logger_name=str(event.get("logger", ""))[:255].replace("\x00", ""),
        message=str(event.get("message", "")).replace("\x00", "\\x00"),
        created_on=parsed or timezone.now(),
    )


# ---------------------------------------------------------------------------
# Artifacts


def store_artifact(job: Job, event: dict[str, Any]) -> Artifact:
    """Copy an artifact the job saved into storage (a directory as .tar.gz) and record it."""
    path = Path(event["path"])
    is_dir = path.is_dir()
    with tempfile.TemporaryDirectory() as scratch:
        source = path
        if is_dir:
            source = Path(scratch) / f"{path.name}.tar.gz"
            with tarfile.open(source, "w:gz") as archive:
                archive.add(path, arcname=path.name)
        with open(source, "rb") as handle:
            name = default_storage.save(
                f"artifacts/job-{job.pk}/{event['name']}/{source.name}", File(handle)
            )
    try:
        location = Path(default_storage.path(name)).as_uri()
    except NotImplementedError:
        location = default_storage.url(name)
    task_id = event.get("task_id")
    if task_id is not None and not PluginTask.objects.filter(pk=task_id).exists():
        task_id = None  # the plugin file changed since; the snapshot still names the code
    artifact = Artifact.objects.create(
        group_id=job.group_id,
        creator=job.creator,
        job=job,
        uri=location,
        file=name,
        is_dir=is_dir,
        file_size=default_storage.size(name) if not is_dir else event.get("size"),
        task_id=task_id,
        plugin_snapshot_id=event.get("plugin_snapshot_id"),
        description=f"Artifact, {event['name']}, generated and stored as part of job, {job.pk}",
    )
    artifact.record_snapshot(user=job.creator)
    return artifact
