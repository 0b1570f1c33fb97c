"""Artifacts a job produces, and models (named series of artifact versions)."""

from django.db import models

from .jobs import Job
from .plugins import PluginTask
from .resources import NamedResource, Resource, Snapshot

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


class Artifact(Resource):
    resource_type = "artifact"

    job = models.ForeignKey(Job, on_delete=models.PROTECT, related_name="artifacts")
    uri = models.CharField(max_length=1024)
    description = models.TextField(null=True, blank=True)
    file = models.FileField(upload_to="artifacts/%Y/%m/", blank=True)
    is_dir = models.BooleanField(default=False)
    file_size = models.BigIntegerField(null=True, blank=True)
    task = models.ForeignKey(
        PluginTask, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    plugin_snapshot = models.ForeignKey(
        Snapshot, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta(Resource.Meta):
        constraints = [
            models.UniqueConstraint(fields=["job", "uri"], name="artifact_uri_unique_in_job"),
        ]

    def __str__(self) -> str:
        return self.uri

    @property
    def is_image(self) -> bool:
        """A raster image a page may show inline (never SVG, which can carry script)."""
        return not self.is_dir and self.file.name.lower().endswith(IMAGE_SUFFIXES)

    def snapshot_data(self) -> dict:
        return {
            "description": self.description,
            "taskId": self.task_id,
            "pluginSnapshotId": self.plugin_snapshot_id,
        }


class MLModel(NamedResource):
    resource_type = "ml_model"

    class Meta(NamedResource.Meta):
        verbose_name = "model"

    def snapshot_data(self) -> dict:
        return {"name": self.name, "description": self.description}


class ModelVersion(models.Model):
    model = models.ForeignKey(MLModel, on_delete=models.CASCADE, related_name="versions")
    version_number = models.PositiveIntegerField()
    description = models.TextField(null=True, blank=True)
    artifact = models.ForeignKey(Artifact, on_delete=models.PROTECT, related_name="+")
    created_on = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["version_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "version_number"], name="model_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model} v{self.version_number}"
