"""Plugins (packages of Python files), their registered tasks, and the types
that name the tasks' inputs and outputs."""

from django.db import models
from django.db.models import Q

from .resources import NAME_MAX_LENGTH, NamedResource, Resource

BUILTIN_PARAMETER_TYPES = ["any", "string", "integer", "number", "boolean", "null"]


class PluginParameterType(NamedResource):
    resource_type = "plugin_task_parameter_type"

    structure = models.JSONField(null=True, blank=True)
    is_builtin = models.BooleanField(default=False, editable=False)

    class Meta(NamedResource.Meta):
        pass

    def can_edit(self, user) -> bool:
        return not self.is_builtin and super().can_edit(user)

    def snapshot_data(self) -> dict:
        return {"name": self.name, "description": self.description, "structure": self.structure}


class Plugin(NamedResource):
    resource_type = "plugin"

    class Meta(NamedResource.Meta):
        pass

    def snapshot_data(self) -> dict:
        files = self.files.alive().select_related("snapshot").order_by("id")
        return {
            "name": self.name,
            "description": self.description,
            "files": [{"id": f.pk, "snapshotId": f.snapshot_id} for f in files],
        }


class PluginFile(Resource):
    """One Python file of a plugin; ``filename`` is a relative POSIX path."""

    resource_type = "plugin_file"

    plugin = models.ForeignKey(Plugin, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(max_length=NAME_MAX_LENGTH)
    contents = models.TextField(blank=True, default="")
    description = models.TextField(null=True, blank=True)

    class Meta(Resource.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["plugin", "filename"],
                condition=Q(deleted_on__isnull=True),
                name="plugin_file_name_unique_in_plugin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plugin.name}/{self.filename}"

    def snapshot_data(self) -> dict:
        return {
            "filename": self.filename,
            "description": self.description,
            "contents": self.contents,
            # Task ids too: a file's tasks are replaced on every change, and a
            # snapshot shows the ids its tasks had.
            "tasks": [{**task.as_registration(), "id": task.pk} for task in self.tasks.all()],
        }


class PluginTask(models.Model):
    class Kind(models.TextChoices):
        FUNCTION = "function"
        ARTIFACT = "artifact"

    file = models.ForeignKey(PluginFile, on_delete=models.CASCADE, related_name="tasks")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FUNCTION)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["file", "name"], name="task_name_unique_in_file"),
        ]

    def __str__(self) -> str:
        return self.name

    def as_registration(self) -> dict:
        params = list(self.parameters.all())
        return {
            "name": self.name,
            "kind": self.kind,
            "inputParams": [
                {"name": p.name, "parameterType": p.parameter_type_id, "required": p.required}
                for p in params
                if p.direction == PluginTaskParameter.Direction.INPUT
            ],
            "outputParams": [
                {"name": p.name, "parameterType": p.parameter_type_id}
                for p in params
                if p.direction == PluginTaskParameter.Direction.OUTPUT
            ],
        }


class PluginTaskParameter(models.Model):
    class Direction(models.TextChoices):
        INPUT = "input"
        OUTPUT = "output"

    task = models.ForeignKey(PluginTask, on_delete=models.CASCADE, related_name="parameters")
    direction = models.CharField(max_length=6, choices=Direction.choices)
    position = models.PositiveIntegerField()
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    parameter_type = models.ForeignKey(
        PluginParameterType, on_delete=models.PROTECT, related_name="+"
    )
    required = models.BooleanField(default=True)

    class Meta:
        ordering = ["direction", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "direction", "name"], name="task_parameter_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name
