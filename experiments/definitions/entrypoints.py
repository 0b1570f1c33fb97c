"""Entrypoints: parameters, artifact parameters, pinned plugins, queues."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from ..errors import (
    InvalidInputError,
    NotFoundError,
    ParameterTypeMismatchError,
    WorkflowInvalidError,
)
from ..models import (
    Entrypoint,
    EntrypointArtifactOutput,
    EntrypointArtifactParameter,
    EntrypointParameter,
    EntrypointPlugin,
    ParameterType,
    Plugin,
    PluginParameterType,
    Queue,
    Snapshot,
    coerce_parameter_value,
)
from ..workflows import entrypoint_issues
from .common import (
    clean_name,
    ensure_name_free,
    require_edit,
    save_named,
    visible_by_ids,
    writable_group,
)


@dataclass
class ParameterSpec:
    name: str
    parameter_type: str
    default_value: str | None = None


@dataclass
class ArtifactParameterSpec:
    name: str
    outputs: list[tuple[str, int]]  # (output name, plugin parameter type id)


def _clean_parameters(parameters: Sequence[ParameterSpec]) -> list[ParameterSpec]:
    seen: set[str] = set()
    for spec in parameters:
        spec.name = clean_name(spec.name, field="parameters")
        if spec.name in seen:
            raise InvalidInputError(
                f"The parameter name {spec.name!r} is used twice.", field="parameters"
            )
        seen.add(spec.name)
        if spec.parameter_type not in ParameterType.values:
            raise InvalidInputError(
                f"Parameter {spec.name!r} has the unknown type {spec.parameter_type!r}; "
                f"use one of {', '.join(ParameterType.values)}.",
                field="parameters",
            )
        try:
            coerce_parameter_value(spec.parameter_type, spec.default_value)
        except ValueError as error:
            raise ParameterTypeMismatchError(
                f"The default of parameter {spec.name!r} does not fit its type: {error}.",
                field="parameters",
            ) from None
    return list(parameters)


def _replace_parameters(entrypoint: Entrypoint, parameters: Sequence[ParameterSpec]) -> None:
    entrypoint.parameters.all().delete()
    EntrypointParameter.objects.bulk_create(
        EntrypointParameter(
            entrypoint=entrypoint,
            position=position,
            name=spec.name,
            parameter_type=spec.parameter_type,
            default_value=spec.default_value,
        )
        for position, spec in enumerate(parameters)
    )


def _replace_artifact_parameters(
    user, entrypoint: Entrypoint, artifact_parameters: Sequence[ArtifactParameterSpec]
) -> None:
    entrypoint.artifact_parameters.all().delete()
    seen: set[str] = set()
    for position, spec in enumerate(artifact_parameters):
        name = clean_name(spec.name, field="artifactParameters")
        if name in seen:
            raise InvalidInputError(
                f"The artifact parameter name {name!r} is used twice.", field="artifactParameters"
            )
        seen.add(name)
        parameter = EntrypointArtifactParameter.objects.create(
            entrypoint=entrypoint, position=position, name=name
        )
        types = visible_by_ids(
            PluginParameterType, user, [t for _, t in spec.outputs], field="artifactParameters"
        )
        by_id = {t.pk: t for t in types}
        outputs = [(_clean_output_name(name, output), type_id) for output, type_id in spec.outputs]
        output_names = [output for output, _ in outputs]
        if len(set(output_names)) != len(output_names):
            raise InvalidInputError(
                f"Artifact parameter {name!r} names an output twice.", field="artifactParameters"
            )
        EntrypointArtifactOutput.objects.bulk_create(
            EntrypointArtifactOutput(
                artifact_parameter=parameter,
                position=index,
                name=output_name,
                parameter_type=by_id[type_id],
            )
            for index, (output_name, type_id) in enumerate(outputs)
        )


def _clean_output_name(parameter: str, name: str) -> str:
    try:
        return clean_name(name, field="artifactParameters")
    except InvalidInputError as error:
        raise InvalidInputError(
            f"An output of artifact parameter {parameter!r}: "
            f"{error.message[:1].lower()}{error.message[1:]}",
            field="artifactParameters",
        ) from None


def _pin_plugins(
    entrypoint: Entrypoint, plugins: Sequence[Plugin], *, is_artifact_plugin: bool
) -> None:
    entrypoint.pinned_plugins.filter(is_artifact_plugin=is_artifact_plugin).delete()
    EntrypointPlugin.objects.bulk_create(
        EntrypointPlugin(
            entrypoint=entrypoint,
            plugin=plugin,
            plugin_snapshot_id=plugin.snapshot_id,
            is_artifact_plugin=is_artifact_plugin,
        )
        for plugin in plugins
    )


def _ensure_valid_workflow(entrypoint: Entrypoint) -> None:
    """Refuse to save a workflow with errors (the caller's transaction rolls back)."""
    issues = entrypoint_issues(entrypoint.snapshot_data(), group_id=entrypoint.group_id)
    errors = [issue for issue in issues if issue.severity == "ERROR"]
    if errors:
        raise WorkflowInvalidError(errors)


@transaction.atomic
def create_entrypoint(
    *,
    user,
    group_id: int,
    name: str,
    task_graph: str,
    description: str | None = None,
    artifact_graph: str = "",
    parameters: Sequence[ParameterSpec] = (),
    artifact_parameters: Sequence[ArtifactParameterSpec] = (),
    queue_ids: Iterable[int] = (),
    plugin_ids: Iterable[int] = (),
    artifact_plugin_ids: Iterable[int] = (),
) -> Entrypoint:
    group = writable_group(user, group_id)
    name = clean_name(name)
    ensure_name_free(Entrypoint, group=group, name=name)
    queues = visible_by_ids(Queue, user, queue_ids, field="queues")
    plugins = visible_by_ids(Plugin, user, plugin_ids, field="plugins")
    artifact_plugins = visible_by_ids(Plugin, user, artifact_plugin_ids, field="artifactPlugins")
    parameters = _clean_parameters(parameters)
    entrypoint = Entrypoint(
        group=group,
        creator=user,
        name=name,
        description=description,
        task_graph=task_graph or "",
        artifact_graph=artifact_graph or "",
    )
    save_named(entrypoint)
    _replace_parameters(entrypoint, parameters)
    _replace_artifact_parameters(user, entrypoint, artifact_parameters)
    entrypoint.queues.set(queues)
    _pin_plugins(entrypoint, plugins, is_artifact_plugin=False)
    _pin_plugins(entrypoint, artifact_plugins, is_artifact_plugin=True)
    _ensure_valid_workflow(entrypoint)
    entrypoint.record_snapshot(user=user)
    return entrypoint


@transaction.atomic
def update_entrypoint(
    *,
    user,
    entrypoint: Entrypoint,
    name: str,
    task_graph: str,
    description: str | None = None,
    artifact_graph: str = "",
    parameters: Sequence[ParameterSpec] = (),
    artifact_parameters: Sequence[ArtifactParameterSpec] = (),
    queue_ids: Iterable[int] = (),
    plugin_ids: Iterable[int] | None = None,
    artifact_plugin_ids: Iterable[int] | None = None,
) -> Entrypoint:
    """Replace the entrypoint's definition. Plugins left as None stay pinned as they are."""
    require_edit(user, entrypoint)
    entrypoint.name = clean_name(name)
    ensure_name_free(
        Entrypoint, group=entrypoint.group, name=entrypoint.name, exclude_pk=entrypoint.pk
    )
    queues = visible_by_ids(Queue, user, queue_ids, field="queues")
    parameters = _clean_parameters(parameters)
    entrypoint.description = description
    entrypoint.task_graph = task_graph or ""
    entrypoint.artifact_graph = artifact_graph or ""
    save_named(entrypoint, update_fields=["name", "description", "task_graph", "artifact_graph"])
    _replace_parameters(entrypoint, parameters)
    _replace_artifact_parameters(user, entrypoint, artifact_parameters)
    entrypoint.queues.set(queues)
    if plugin_ids is not None:
        plugins = visible_by_ids(Plugin, user, plugin_ids, field="plugins")
        _pin_plugins(entrypoint, plugins, is_artifact_plugin=False)
    if artifact_plugin_ids is not None:
        plugins = visible_by_ids(Plugin, user, artifact_plugin_ids, field="artifactPlugins")
        _pin_plugins(entrypoint, plugins, is_artifact_plugin=True)
    _ensure_valid_workflow(entrypoint)
    entrypoint.record_snapshot(user=user)
    return entrypoint


@transaction.atomic
def set_entrypoint_queues(*, user, entrypoint: Entrypoint, queue_ids: Iterable[int]) -> None:
    """Replace the queues; as in Dioptra this makes no new snapshot."""
    require_edit(user, entrypoint)
    entrypoint.queues.set(visible_by_ids(Queue, user, queue_ids, field="ids"))


@transaction.atomic
def pin_entrypoint_plugins(
    *,
    user,
    entrypoint: Entrypoint,
    pins: Sequence[tuple[int, int | None]],
    is_artifact_plugin: bool = False,
) -> Entrypoint:
    """Replace the entrypoint's (artifact) plugins with these ``(plugin id,
    snapshot id)`` pins, None meaning the plugin's latest snapshot; a new
    entrypoint snapshot, if the workflow stays valid."""
    require_edit(user, entrypoint)
    field = "artifactPlugins" if is_artifact_plugin else "plugins"
    plugins = visible_by_ids(Plugin, user, [plugin_id for plugin_id, _ in pins], field=field)
    by_id = {plugin.pk: plugin for plugin in plugins}
    given = [snapshot_id for _, snapshot_id in pins if snapshot_id is not None]
    snapshots_of = set(
        Snapshot.objects.filter(pk__in=given, resource_type="plugin").values_list(
            "pk", "resource_id"
        )
    )
    for plugin_id, snapshot_id in pins:
        if snapshot_id is not None and (snapshot_id, plugin_id) not in snapshots_of:
            raise NotFoundError("plugin snapshot", field=field, id=snapshot_id)
    entrypoint.pinned_plugins.filter(is_artifact_plugin=is_artifact_plugin).delete()
    EntrypointPlugin.objects.bulk_create(
        EntrypointPlugin(
            entrypoint=entrypoint,
            plugin=by_id[plugin_id],
            plugin_snapshot_id=snapshot_id or by_id[plugin_id].snapshot_id,
            is_artifact_plugin=is_artifact_plugin,
        )
        for plugin_id, snapshot_id in dict(pins).items()
    )
    _ensure_valid_workflow(entrypoint)
    entrypoint.record_snapshot(user=user)
    return entrypoint
