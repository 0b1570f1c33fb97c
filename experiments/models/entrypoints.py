"""Entrypoints: parameterised workflows (a task graph calling plugin tasks)."""

import json

from django.db import models

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


def coerce_parameter_value(parameter_type: str, text: str | None):
    """Turn a parameter's text (as Dioptra stores it) into its typed value.

    Raises ValueError with a message that says what was expected.
    """
    if text is None:
        return None
    match parameter_type:
        case ParameterType.STRING:
            return text
        case ParameterType.FLOAT:
            try:
                return float(text)
            except ValueError:
                raise ValueError(f"{text!r} is not a float") from None
        case ParameterType.INTEGER:
            try:
                return int(text)
            except ValueError:
                raise ValueError(f"{text!r} is not an integer") from None
        case ParameterType.BOOLEAN:
            if text.strip().lower() in {"true", "false"}:
                return text.strip().lower() == "true"
            raise ValueError(f"{text!r} is not a boolean (use true or false)")
        case ParameterType.LIST | ParameterType.MAPPING:
            expected = list if parameter_type == ParameterType.LIST else dict
            try:
                value = json.loads(text)
            except json.JSONDecodeError:
                value = None
            if not isinstance(value, expected):
                what = "a JSON list" if expected is list else "a JSON object"
                raise ValueError(f"{text!r} is not {what}")
            return value
    raise ValueError(f"unknown parameter type {parameter_type!r}")


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
