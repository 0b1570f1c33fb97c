"""Creating, changing and deleting definitions (queues, entrypoints,
experiments) with their permission checks, name rules and snapshots.

Pages and the API both call these functions, so a rule and its message exist
once. Each takes ids for the resources it refers to and resolves them through
the user's visible querysets, so an id the user may not read is "not found".
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from .errors import (
    InvalidInputError,
    NameTakenError,
    NotAllowedError,
    NotFoundError,
    ParameterTypeMismatchError,
    UserNotInGroupError,
)
from .models import (
    NAME_MAX_LENGTH,
    Entrypoint,
    EntrypointArtifactOutput,
    EntrypointArtifactParameter,
    EntrypointParameter,
    EntrypointPlugin,
    Experiment,
    Group,
    GroupMembership,
    ParameterType,
    Plugin,
    PluginParameterType,
    Queue,
    Resource,
    coerce_parameter_value,
)

READABLE_TYPE_NAMES = {
    Queue: "queue",
    Entrypoint: "entrypoint",
    Experiment: "experiment",
    Plugin: "plugin",
    PluginParameterType: "plugin parameter type",
}


def clean_name(name: str | None, *, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise InvalidInputError("A name is required.", field=field)
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidInputError(
            f"Names are at most {NAME_MAX_LENGTH} characters long (this one has {len(name)}).",
            field=field,
        )
    return name


def writable_group(user, group_id: int) -> Group:
    """The group, if the user may create resources in it."""
    group = Group.objects.filter(pk=group_id).first()
    membership = group.membership_of(user) if group else None
    if group is None or (membership is None and not user.is_superuser):
        if group is not None and Group.objects.readable_by(user).filter(pk=group.pk).exists():
            raise UserNotInGroupError(f"You are not a member of the group {group.name!r}.")
        raise NotFoundError("group", field="group", id=group_id)
    if not user.is_superuser and not membership.write:
        raise UserNotInGroupError(
            f"You may not create resources in the group {group.name!r}: "
            "your membership is read-only."
        )
    return group


def require_edit(user, resource: Resource) -> None:
    if not resource.can_edit(user):
        raise NotAllowedError(
            f"You may read this {resource.resource_type.replace('_', ' ')} but not change it."
        )


def _visible_by_ids(model, user, ids: Iterable[int], *, field: str) -> list:
    """The resources with these ids, in the given order, all visible to the user."""
    ids = list(dict.fromkeys(ids))
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInputError(f"{value!r} is not a valid id.", field=field)
    found = model.objects.visible_to(user).in_bulk(ids)
    for value in ids:
        if value not in found:
            raise NotFoundError(READABLE_TYPE_NAMES[model], field=field, id=value)
    return [found[value] for value in ids]


def _ensure_name_free(model, *, group: Group, name: str, exclude_pk: int | None = None) -> None:
    existing = model.objects.alive().filter(group=group, name=name).exclude(pk=exclude_pk).first()
    if existing is not None:
        raise NameTakenError(
            READABLE_TYPE_NAMES[model], name=name, group_id=group.pk, existing_id=existing.pk
        )


def _save_named(resource, *, update_fields: list[str] | None = None) -> None:
    """Save, turning a lost race for a name into the same error as the check."""
    try:
        with transaction.atomic():
            resource.save(update_fields=update_fields)
    except IntegrityError:
        _ensure_name_free(
            type(resource), group=resource.group, name=resource.name, exclude_pk=resource.pk
        )
        raise


# Queues ---------------------------------------------------------------------


@transaction.atomic
def create_queue(*, user, group_id: int, name: str, description: str | None = None) -> Queue:
    group = writable_group(user, group_id)
    name = clean_name(name)
    _ensure_name_free(Queue, group=group, name=name)
    queue = Queue(group=group, creator=user, name=name, description=description)
    _save_named(queue)
    queue.record_snapshot(user=user)
    return queue


@transaction.atomic
def update_queue(*, user, queue: Queue, name: str, description: str | None) -> Queue:
    require_edit(user, queue)
    queue.name = clean_name(name)
    queue.description = description
    _ensure_name_free(Queue, group=queue.group, name=queue.name, exclude_pk=queue.pk)
    _save_named(queue, update_fields=["name", "description"])
    queue.record_snapshot(user=user)
    return queue


# Entrypoints ----------------------------------------------------------------


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
        types = _visible_by_ids(
            PluginParameterType, user, [t for _, t in spec.outputs], field="artifactParameters"
        )
        by_id = {t.pk: t for t in types}
        output_names = [output_name for output_name, _ in spec.outputs]
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
            for index, (output_name, type_id) in enumerate(spec.outputs)
        )


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
    _ensure_name_free(Entrypoint, group=group, name=name)
    queues = _visible_by_ids(Queue, user, queue_ids, field="queues")
    plugins = _visible_by_ids(Plugin, user, plugin_ids, field="plugins")
    artifact_plugins = _visible_by_ids(Plugin, user, artifact_plugin_ids, field="artifactPlugins")
    parameters = _clean_parameters(parameters)
    entrypoint = Entrypoint(
        group=group,
        creator=user,
        name=name,
        description=description,
        task_graph=task_graph or "",
        artifact_graph=artifact_graph or "",
    )
    _save_named(entrypoint)
    _replace_parameters(entrypoint, parameters)
    _replace_artifact_parameters(user, entrypoint, artifact_parameters)
    entrypoint.queues.set(queues)
    _pin_plugins(entrypoint, plugins, is_artifact_plugin=False)
    _pin_plugins(entrypoint, artifact_plugins, is_artifact_plugin=True)
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
    _ensure_name_free(
        Entrypoint, group=entrypoint.group, name=entrypoint.name, exclude_pk=entrypoint.pk
    )
    queues = _visible_by_ids(Queue, user, queue_ids, field="queues")
    parameters = _clean_parameters(parameters)
    entrypoint.description = description
    entrypoint.task_graph = task_graph or ""
    entrypoint.artifact_graph = artifact_graph or ""
    _save_named(entrypoint, update_fields=["name", "description", "task_graph", "artifact_graph"])
    _replace_parameters(entrypoint, parameters)
    _replace_artifact_parameters(user, entrypoint, artifact_parameters)
    entrypoint.queues.set(queues)
    if plugin_ids is not None:
        plugins = _visible_by_ids(Plugin, user, plugin_ids, field="plugins")
        _pin_plugins(entrypoint, plugins, is_artifact_plugin=False)
    if artifact_plugin_ids is not None:
        plugins = _visible_by_ids(Plugin, user, artifact_plugin_ids, field="artifactPlugins")
        _pin_plugins(entrypoint, plugins, is_artifact_plugin=True)
    entrypoint.record_snapshot(user=user)
    return entrypoint


@transaction.atomic
def set_entrypoint_queues(*, user, entrypoint: Entrypoint, queue_ids: Iterable[int]) -> None:
    """Replace the queues; as in Dioptra this makes no new snapshot."""
    require_edit(user, entrypoint)
    entrypoint.queues.set(_visible_by_ids(Queue, user, queue_ids, field="ids"))


# Experiments ----------------------------------------------------------------


@transaction.atomic
def create_experiment(
    *,
    user,
    group_id: int,
    name: str,
    description: str | None = "",
    entrypoint_ids: Iterable[int] = (),
) -> Experiment:
    group = writable_group(user, group_id)
    name = clean_name(name)
    _ensure_name_free(Experiment, group=group, name=name)
    entrypoints = _visible_by_ids(Entrypoint, user, entrypoint_ids, field="entrypoints")
    experiment = Experiment(group=group, creator=user, name=name, description=description)
    _save_named(experiment)
    experiment.entrypoints.set(entrypoints)
    experiment.record_snapshot(user=user)
    return experiment


@transaction.atomic
def update_experiment(
    *,
    user,
    experiment: Experiment,
    name: str,
    description: str | None = "",
    entrypoint_ids: Iterable[int] = (),
) -> Experiment:
    require_edit(user, experiment)
    experiment.name = clean_name(name)
    experiment.description = description
    _ensure_name_free(
        Experiment, group=experiment.group, name=experiment.name, exclude_pk=experiment.pk
    )
    entrypoints = _visible_by_ids(Entrypoint, user, entrypoint_ids, field="entrypoints")
    _save_named(experiment, update_fields=["name", "description"])
    experiment.entrypoints.set(entrypoints)
    experiment.record_snapshot(user=user)
    return experiment


@transaction.atomic
def set_experiment_entrypoints(
    *, user, experiment: Experiment, entrypoint_ids: Iterable[int]
) -> None:
    require_edit(user, experiment)
    entrypoints = _visible_by_ids(Entrypoint, user, entrypoint_ids, field="ids")
    experiment.entrypoints.set(entrypoints)
    experiment.record_snapshot(user=user)


# Any resource ----------------------------------------------------------------


@transaction.atomic
def delete_resource(*, user, resource: Resource) -> None:
    """Soft delete: the resource disappears from lists and its name is free
    again, but jobs that ran it keep pointing at it."""
    require_edit(user, resource)
    resource.soft_delete()


# Groups ----------------------------------------------------------------------

MEMBER_FLAGS = ("read", "write", "share_read", "share_write", "owner", "admin")


def require_manage(user, group: Group) -> None:
    if not group.can_manage(user):
        raise NotAllowedError("Only the group's owners and admins may manage its members.")


@transaction.atomic
def add_member(*, user, group: Group, username: str, **flags: bool) -> GroupMembership:
    from .models import User

    require_manage(user, group)
    member = User.objects.filter(username=username.strip(), is_active=True).first()
    if member is None:
        raise InvalidInputError(f"There is no user named {username.strip()!r}.", field="username")
    if group.memberships.filter(user=member).exists():
        raise InvalidInputError(
            f"{member.username} is already a member of {group.name}.", field="username"
        )
    membership = GroupMembership.objects.create(
        group=group, user=member, **{flag: flags.get(flag, flag == "read") for flag in MEMBER_FLAGS}
    )
    group.last_modified_on = timezone.now()
    group.save(update_fields=["last_modified_on"])
    return membership


def _ensure_another_owner(membership: GroupMembership) -> None:
    if not membership.group.memberships.exclude(pk=membership.pk).filter(owner=True).exists():
        raise InvalidInputError("A group must keep at least one owner.", field="owner")


@transaction.atomic
def change_member(*, user, membership: GroupMembership, **flags: bool) -> GroupMembership:
    require_manage(user, membership.group)
    if membership.owner and "owner" in flags and not flags["owner"]:
        _ensure_another_owner(membership)
    for flag in MEMBER_FLAGS:
        if flag in flags:
            setattr(membership, flag, bool(flags[flag]))
    membership.save(update_fields=[flag for flag in MEMBER_FLAGS if flag in flags])
    return membership


@transaction.atomic
def remove_member(*, user, membership: GroupMembership) -> None:
    require_manage(user, membership.group)
    if membership.owner:
        _ensure_another_owner(membership)
    membership.delete()
