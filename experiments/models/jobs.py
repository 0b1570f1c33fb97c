"""Jobs (executions of an experiment's entrypoint on a queue) and what they
produce while they run: logs and metrics."""

from django.conf import settings
from django.db import models

from .entrypoints import Entrypoint
from .experiments import Experiment
from .queues import Queue
from .resources import NAME_MAX_LENGTH, Resource, Snapshot


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

    class Meta(Resource.Meta):
        indexes = [models.Index(fields=["experiment", "id"])]

    def __str__(self) -> str:
        return f"Job {self.pk}"

    def snapshot_data(self) -> dict:
        return {"status": self.status, "description": self.description}


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
