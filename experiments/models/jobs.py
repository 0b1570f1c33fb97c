"""Jobs (executions of an experiment's entrypoint on a queue) and what they
produce while they run: logs and metrics.

The worker's status changes are verbs (``mark_started``, ``mark_finished``,
...). Each is one conditional UPDATE of the fields it changes, so a worker
finishing a job cannot overwrite a cancel that landed a moment earlier: the
verb returns False and changes nothing when the job is no longer in a state
it may leave.
"""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .entrypoints import Entrypoint
from .experiments import Experiment
from .queues import Queue
from .resources import NAME_MAX_LENGTH, Resource, ResourceQuerySet, Snapshot


class JobQuerySet(ResourceQuerySet):
    def unfinished(self):
        """Jobs still waiting or running (they may be cancelled)."""
        return self.filter(status__in=Job.ACTIVE_STATUSES)

    def lost(self, *, older_than: timedelta):
        """Started jobs whose worker has not reported for ``older_than``."""
        limit = timezone.now() - older_than
        return self.filter(status=Job.Status.STARTED).filter(
            models.Q(heartbeat_on__lt=limit)
            | models.Q(heartbeat_on__isnull=True, started_on__lt=limit)
        )

    def with_definitions(self):
        """What list pages and the API show next to each job, in one query."""
        return self.select_related(
            "experiment", "entrypoint", "queue", "creator", "group", "snapshot", "cancelled_by"
        )


class Job(Resource):
    resource_type = "job"

    class Status(models.TextChoices):
        QUEUED = "queued"
        STARTED = "started"
        DEFERRED = "deferred"
        FINISHED = "finished"
        FAILED = "failed"
        CANCELLED = "cancelled"

    experiment = models.ForeignKey(Experiment, on_delete=models.PROTECT, related_name="jobs")
    entrypoint = models.ForeignKey(Entrypoint, on_delete=models.PROTECT, related_name="jobs")
    entrypoint_snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="jobs")
    # The queue's and the experiment's snapshots when the job was submitted, as
    # Dioptra keeps them: a job's refs name them as they were then.
    queue_snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    experiment_snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    description = models.TextField(null=True, blank=True)
    values = models.JSONField(default=dict, help_text="Parameter values as strings.")
    artifact_values = models.JSONField(default=dict, blank=True)
    timeout = models.CharField(max_length=32, default="24h")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    # Everything the job runs, frozen at submission (task graph, parameters,
    # plugin files and task registrations), so later edits never change it.
    definition = models.JSONField(default=dict, blank=True)
    started_on = models.DateTimeField(null=True, blank=True)
    finished_on = models.DateTimeField(null=True, blank=True)
    heartbeat_on = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=255, blank=True, default="")
    failure_reason = models.TextField(blank=True, default="")
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    mlflow_run_id = models.CharField(max_length=32, null=True, blank=True)

    objects = JobQuerySet.as_manager()

    ACTIVE_STATUSES = (Status.QUEUED, Status.STARTED, Status.DEFERRED)
    DONE_STATUSES = (Status.FINISHED, Status.FAILED, Status.CANCELLED)

    class Meta(Resource.Meta):
        indexes = [models.Index(fields=["experiment", "id"])]

    def __str__(self) -> str:
        return f"Job {self.pk}"

    def snapshot_data(self) -> dict:
        return {"status": self.status, "description": self.description}

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE_STATUSES

    def _move(self, from_statuses, **changes) -> bool:
        """Set ``changes`` if the job is still in one of ``from_statuses``."""
        updated = (
            type(self).objects.filter(pk=self.pk, status__in=list(from_statuses)).update(**changes)
        )
        if updated:
            for name, value in changes.items():
                setattr(self, name, value)
        else:
            self.refresh_from_db(fields=["status"])
        return bool(updated)

    def mark_started(self, *, worker: str = "") -> bool:
        now = timezone.now()
        return self._move(
            [self.Status.QUEUED, self.Status.DEFERRED],
            status=self.Status.STARTED,
            started_on=now,
            heartbeat_on=now,
            worker=worker[:255],
        )

    def mark_finished(self) -> bool:
        return self._move(
            [self.Status.STARTED], status=self.Status.FINISHED, finished_on=timezone.now()
        )

    def mark_failed(self, *, reason: str) -> bool:
        return self._move(
            [self.Status.QUEUED, self.Status.STARTED, self.Status.DEFERRED],
            status=self.Status.FAILED,
            failure_reason=reason,
            finished_on=timezone.now(),
        )

    def mark_cancelled(self, *, by=None) -> bool:
        return self._move(
            self.ACTIVE_STATUSES,
            status=self.Status.CANCELLED,
            cancelled_by=by,
            finished_on=timezone.now(),
        )

    def touch_heartbeat(self) -> None:
        self.heartbeat_on = timezone.now()
        type(self).objects.filter(pk=self.pk).update(heartbeat_on=self.heartbeat_on)


class JobLog(models.Model):
    class Severity(models.TextChoices):
        DEBUG = "DEBUG"
        INFO = "INFO"
        WARNING = "WARNING"
        ERROR = "ERROR"
        CRITICAL = "CRITICAL"

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="logs")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.INFO)
    logger_name = models.CharField(max_length=255)
    message = models.TextField()
    created_on = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["job", "id"])]

    def __str__(self) -> str:
        return f"{self.severity} {self.logger_name}: {self.message[:40]}"


class JobMetric(models.Model):
    """One value of a named metric at one step. NaN is stored as NULL, since
    SQLite cannot keep NaN; infinities are kept as they are."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="metrics")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    step = models.BigIntegerField(default=0)
    value = models.FloatField(null=True)
    timestamp = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "name", "step"], name="metric_step_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name}[{self.step}]={self.value}"
