"""Plugins, their files and registered tasks, and plugin parameter types.

Every change to a file records a snapshot of the file and then of its plugin,
so a plugin snapshot always pins the exact files (and their tasks) it had.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

from ..errors import ConflictError, InvalidInputError, NotAllowedError
from ..models import (
    BUILTIN_PARAMETER_TYPES,
    NAME_MAX_LENGTH,
    Plugin,
    PluginFile,
    PluginParameterType,
    PluginTask,
    PluginTaskParameter,
)
from .common import clean_name, create_named, require_edit, update_named, visible_by_ids

# Dioptra's rules: identifiers for plugin, task and parameter names; relative
# POSIX paths of identifiers ending in .py for files.
IDENTIFIER = re.compile(r"^([A-Za-z]|[A-Za-z_][A-Za-z0-9_]+)$")
FILENAME = re.compile(r"^(?!.*/_)(?!_/)([a-zA-Z][a-zA-Z0-9_]*/)*[a-zA-Z_][a-zA-Z0-9_]*\.py$")


def clean_identifier(value: str | None, *, what: str, field: str) -> str:
    value = clean_name(value, field=field)
    if not IDENTIFIER.match(value):
        raise InvalidInputError(
            f"{value!r} is not a valid {what}: use letters, digits and underscores, "
            "starting with a letter or an underscore.",
            field=field,
        )
    return value


def clean_filename(filename: str | None) -> str:
    filename = (filename or "").strip()
    if len(filename) > NAME_MAX_LENGTH:
        raise InvalidInputError(
            f"Filenames are at most {NAME_MAX_LENGTH} characters long "
            f"(this one has {len(filename)}).",
            field="filename",
        )
    if not FILENAME.match(filename):
        raise InvalidInputError(
            f"{filename!r} is not a valid plugin filename: use a relative path like "
            "'tasks.py' or 'attacks/fgsm.py' (folders start with a letter, nothing after "
            "a '/' starts with '_', and the name ends in lowercase '.py').",
            field="filename",
        )
    return filename


# Plugin parameter types ---------------------------------------------------------


def _clean_type_name(name: str | None) -> str:
    name = clean_name(name)
    if name.strip().lower() in BUILTIN_PARAMETER_TYPES:
        raise InvalidInputError(
            f"{name!r} is the name of a builtin type; choose another name.", field="name"
        )
    return name


def create_parameter_type(
    *, user, group_id: int, name: str, description: str | None = None, structure=None
) -> PluginParameterType:
    return create_named(
        PluginParameterType,
        user=user,
        group_id=group_id,
        name=name,
        clean=_clean_type_name,
        description=description,
        structure=structure,
    )


@transaction.atomic
def update_parameter_type(
    *,
    user,
    parameter_type: PluginParameterType,
    name: str,
    description: str | None = None,
    structure=None,
) -> PluginParameterType:
    if parameter_type.is_builtin:
        raise NotAllowedError(f"The builtin type {parameter_type.name!r} cannot be changed.")
    return update_named(
        parameter_type,
        user=user,
        name=name,
        clean=_clean_type_name,
        description=description,
        structure=structure,
    )


# Plugins -------------------------------------------------------------------------


def _clean_plugin_name(name: str | None) -> str:
    return clean_identifier(name, what="plugin name", field="name")


def create_plugin(*, user, group_id: int, name: str, description: str | None = None) -> Plugin:
    return create_named(
        Plugin,
        user=user,
        group_id=group_id,
        name=name,
        clean=_clean_plugin_name,
        description=description,
    )


@transaction.atomic
def update_plugin(*, user, plugin: Plugin, name: str, description: str | None = None) -> Plugin:
    """Rename or describe the plugin; its files stay as they are."""
    return update_named(
        plugin, user=user, name=name, clean=_clean_plugin_name, description=description
    )


@transaction.atomic
def delete_plugin(*, user, plugin: Plugin) -> None:
    """Soft delete the plugin and its files; pinned snapshots keep their code."""
    require_edit(user, plugin)
    for file in plugin.files.alive():
        file.soft_delete()
    plugin.soft_delete()


# Plugin files and their tasks ------------------------------------------------------


@dataclass
class TaskSpec:
    """A task registration: a function task, or an artifact handler class."""

    name: str
    kind: str = PluginTask.Kind.FUNCTION
    inputs: list[tuple[str, int, bool]] = field(default_factory=list)  # (name, type id, required)
    outputs: list[tuple[str, int]] = field(default_factory=list)  # (name, type id)


def _clean_tasks(user, tasks: Sequence[TaskSpec]) -> list[TaskSpec]:
    seen: set[str] = set()
    type_ids = []
    for task in tasks:
        task.name = clean_identifier(task.name, what="task name", field="tasks")
        if task.name in seen:
            raise InvalidInputError(f"The task name {task.name!r} is used twice.", field="tasks")
        seen.add(task.name)
        if task.kind not in PluginTask.Kind.values:
            raise InvalidInputError(f"{task.kind!r} is not a kind of task.", field="tasks")
        if task.kind == PluginTask.Kind.ARTIFACT and task.inputs:
            raise InvalidInputError(
                f"Artifact task {task.name!r} takes no inputs; declare only its outputs.",
                field="tasks",
            )
        for names in ([i[0] for i in task.inputs], [o[0] for o in task.outputs]):
            for name in names:
                clean_identifier(name, what="task parameter name", field="tasks")
            if len(set(names)) != len(names):
                raise InvalidInputError(
                    f"Task {task.name!r} names a parameter twice.", field="tasks"
                )
        type_ids += [i[1] for i in task.inputs] + [o[1] for o in task.outputs]
    visible_by_ids(PluginParameterType, user, type_ids, field="tasks")
    return list(tasks)


def _replace_tasks(file: PluginFile, tasks: Sequence[TaskSpec]) -> None:
    file.tasks.all().delete()
    parameters = []
    for task in tasks:
        row = PluginTask.objects.create(file=file, name=task.name, kind=task.kind)
        parameters += [
            PluginTaskParameter(
                task=row,
                direction=PluginTaskParameter.Direction.INPUT,
                position=position,
                name=name,
                parameter_type_id=type_id,
                required=required,
            )
            for position, (name, type_id, required) in enumerate(task.inputs)
        ] + [
            PluginTaskParameter(
                task=row,
                direction=PluginTaskParameter.Direction.OUTPUT,
                position=position,
                name=name,
                parameter_type_id=type_id,
            )
            for position, (name, type_id) in enumerate(task.outputs)
        ]
    PluginTaskParameter.objects.bulk_create(parameters)


def _ensure_filename_free(plugin: Plugin, filename: str, exclude_pk: int | None = None) -> None:
    existing = plugin.files.alive().filter(filename=filename).exclude(pk=exclude_pk).first()
    if existing is not None:
        raise ConflictError(
            f"The plugin {plugin.name!r} already has a file named {filename!r}.",
            field="filename",
            detail={
                "entity_type": "plugin_file",
                "existing_id": existing.pk,
                "entity_attributes": {"filename": filename, "plugin_id": plugin.pk},
            },
        )


def _save_file(file: PluginFile, *, user, tasks: Sequence[TaskSpec]) -> None:
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError:
        _ensure_filename_free(file.plugin, file.filename, exclude_pk=file.pk)
        raise
    _replace_tasks(file, tasks)
    file.record_snapshot(user=user)
    file.plugin.record_snapshot(user=user)


@transaction.atomic
def create_plugin_file(
    *,
    user,
    plugin: Plugin,
    filename: str,
    contents: str,
    description: str | None = None,
    tasks: Sequence[TaskSpec] = (),
) -> PluginFile:
    require_edit(user, plugin)
    filename = clean_filename(filename)
    _ensure_filename_free(plugin, filename)
    tasks = _clean_tasks(user, tasks)
    file = PluginFile(
        plugin=plugin,
        group=plugin.group,
        creator=user,
        filename=filename,
        contents=contents or "",
        description=description,
    )
    _save_file(file, user=user, tasks=tasks)
    return file


@transaction.atomic
def update_plugin_file(
    *,
    user,
    file: PluginFile,
    filename: str,
    contents: str,
    description: str | None = None,
    tasks: Sequence[TaskSpec] = (),
) -> PluginFile:
    """Replace the file's name, source and task registrations."""
    require_edit(user, file.plugin)
    file.filename = clean_filename(filename)
    _ensure_filename_free(file.plugin, file.filename, exclude_pk=file.pk)
    tasks = _clean_tasks(user, tasks)
    file.contents = contents or ""
    file.description = description
    _save_file(file, user=user, tasks=tasks)
    return file


@transaction.atomic
def delete_plugin_file(*, user, file: PluginFile) -> None:
    require_edit(user, file.plugin)
    file.soft_delete()
    file.plugin.record_snapshot(user=user)
