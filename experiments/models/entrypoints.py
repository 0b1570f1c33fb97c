"""Entrypoints: parameterised workflows (a task graph calling plugin tasks)."""

from django.db import models

# One coercion rule for defaults and job values, shared with the engine.
from ..engine.sections import coerce_parameter as coerce_parameter_value  # noqa: F401
from .plugins import Plugin, PluginParameterType
from .queues import Queue
from .resources import NAME_MAX_LENGTH, NamedResource, Snapshot


class ParameterType(models.TextChoices):
    STRING = "string"
    FLOAT = "float"
    INTEGER = "integer"
    BOOLEAN = "boolean"
    LIST = "list"
    MAPPING = "mapping"


class Entrypoint(NamedResource):
    resource_type = "entry_point"

    task_graph = models.TextField(blank=True, default="")
    artifact_graph = models.TextField(blank=True, default="")
    queues = models.ManyToManyField(Queue, blank=True, related_name="entrypoints")
    plugins = models.ManyToManyField(
        Plugin, through="EntrypointPlugin", blank=True, related_name="entrypoints"
    )

    class Meta(NamedResource.Meta):
        pass

    def snapshot_data(self) -> dict:
        pinned = list(self.pinned_plugins.all())
        return {
            "name": self.name,
            "description": self.description,
            "taskGraph": self.task_graph,
            "artifactGraph": self.artifact_graph,
            "parameters": [p.as_dict() for p in self.parameters.all()],
            "artifactParameters": [p.as_dict() for p in self.artifact_parameters.all()],
            "plugins": [
                {"id": p.plugin_id, "snapshotId": p.plugin_snapshot_id}
                for p in pinned
                if not p.is_artifact_plugin
            ],
            "artifactPlugins": [
                {"id": p.plugin_id, "snapshotId": p.plugin_snapshot_id}
                for p in pinned
                if p.is_artifact_plugin
            ],
            "queues": [q.pk for q in self.queues.all()],
        }


class EntrypointParameter(models.Model):
    entrypoint = models.ForeignKey(Entrypoint, on_delete=models.CASCADE, related_name="parameters")
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    parameter_type = models.CharField(max_length=10, choices=ParameterType.choices)
    default_value = models.TextField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["entrypoint", "name"], name="entrypoint_parameter_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "defaultValue": self.default_value,
            "parameterType": self.parameter_type,
        }


class EntrypointArtifactParameter(models.Model):
    """An input artifact the job chooses; its outputs say what it deserializes to."""

    entrypoint = models.ForeignKey(
        Entrypoint, on_delete=models.CASCADE, related_name="artifact_parameters"
    )
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=NAME_MAX_LENGTH)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["entrypoint", "name"], name="entrypoint_artifact_parameter_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "outputParams": [
                {"name": o.name, "parameterType": o.parameter_type_id} for o in self.outputs.all()
            ],
        }


class EntrypointArtifactOutput(models.Model):
    artifact_parameter = models.ForeignKey(
        EntrypointArtifactParameter, on_delete=models.CASCADE, related_name="outputs"
    )
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    parameter_type = models.ForeignKey(
        PluginParameterType, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class EntrypointPlugin(models.Model):
    """A plugin attached to an entrypoint, pinned at one of its snapshots."""

    entrypoint = models.ForeignKey(
        Entrypoint, on_delete=models.CASCADE, related_name="pinned_plugins"
    )
    plugin = models.ForeignKey(Plugin, on_delete=models.PROTECT, related_name="+")
    plugin_snapshot = models.ForeignKey(Snapshot, on_delete=models.PROTECT, related_name="+")
    is_artifact_plugin = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["entrypoint", "plugin", "is_artifact_plugin"],
                name="entrypoint_plugin_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plugin} @ {self.plugin_snapshot_id}"
