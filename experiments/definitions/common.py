"""Rules every definition shares: names, groups, visibility, edit rights."""

from collections.abc import Iterable
from contextlib import contextmanager

from django.db import IntegrityError, transaction

from ..errors import (
    InvalidInputError,
    NameTakenError,
    NotAllowedError,
    NotFoundError,
    UserNotInGroupError,
)
from ..models import (
    NAME_MAX_LENGTH,
    Artifact,
    Entrypoint,
    Experiment,
    Group,
    GroupMembership,
    MLModel,
    Plugin,
    PluginParameterType,
    Queue,
    Resource,
)
from ..models.resources import NamedResource
from ..prepared import PreparedQuery

READABLE_TYPE_NAMES = {
    Queue: "queue",
    Entrypoint: "entrypoint",
    Experiment: "experiment",
    Plugin: "plugin",
    PluginParameterType: "plugin parameter type",
    MLModel: "model",
    Artifact: "artifact",
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


_GROUP = PreparedQuery(lambda pk: Group.objects.filter(pk=pk))
_MEMBERSHIP_WITH_GROUP = PreparedQuery(
    lambda group_id, user_id: GroupMembership.objects.select_related("group").filter(
        group_id=group_id, user_id=user_id
    )
)


def writable_group(user, group_id: int) -> Group:
    """The group, if the user may create resources in it (one query for a member)."""
    if user.is_superuser:
        group = _GROUP.first(group_id)
        if group is None:
            raise NotFoundError("group", field="group", id=group_id)
        return group
    membership = _MEMBERSHIP_WITH_GROUP.first(group_id, user.pk)
    if membership is None:  # not a member: the group is not readable either
        raise NotFoundError("group", field="group", id=group_id)
    if not membership.write:
        raise UserNotInGroupError(
            f"You may not create resources in the group {membership.group.name!r}: "
            "your membership is read-only."
        )
    return membership.group


def require_edit(user, resource: Resource) -> None:
    if not resource.can_edit(user):
        raise NotAllowedError(
            f"You may read this {resource.resource_type.replace('_', ' ')} but not change it."
        )


def visible_by_ids(model, user, ids: Iterable[int], *, field: str) -> list:
    """The resources with these ids, in the given order, all visible to the user."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInputError(f"{value!r} is not a valid id.", field=field)
    found = model.objects.visible_to(user).in_bulk(ids)
    for value in ids:
        if value not in found:
            raise NotFoundError(READABLE_TYPE_NAMES[model], field=field, id=value)
    return [found[value] for value in ids]


def ensure_name_free(model, *, group: Group, name: str, exclude_pk: int | None = None) -> None:
    existing = model.objects.alive().filter(group=group, name=name).exclude(pk=exclude_pk).first()
    if existing is not None:
        raise NameTakenError(
            READABLE_TYPE_NAMES[model], name=name, group_id=group.pk, existing_id=existing.pk
        )


def save_named(resource, *, update_fields: list[str] | None = None) -> None:
    """Save, turning a lost race for a name into the same error as the check."""
    try:
        with transaction.atomic():
            resource.save(update_fields=update_fields)
    except IntegrityError:
        ensure_name_free(
            type(resource), group=resource.group, name=resource.name, exclude_pk=resource.pk
        )
        raise


@contextmanager
def taking_name(model, *, group: Group, name: str):
    """The transaction creating a resource named ``name``: no check before the
    insert (the unique constraint is the check), no savepoint around it. A
    taken name fails the insert, rolls the whole transaction back and is
    reported as taken, naming the resource that holds it."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        ensure_name_free(model, group=group, name=name)
        raise


def create_named(
    model, *, user, group_id: int, name: str, clean=clean_name, **fields
) -> NamedResource:
    """Create a resource whose only rules are its name's: check the group and
    the name (``clean``), save, record the first snapshot."""
    group = writable_group(user, group_id)
    name = clean(name)
    with taking_name(model, group=group, name=name):
        resource = model.objects.create(group=group, creator=user, name=name, **fields)
        resource.record_snapshot(user=user)
    return resource


def update_named(resource: NamedResource, *, user, name: str, clean=clean_name, **fields):
    """Rename and replace ``fields`` of a resource, then record a snapshot."""
    require_edit(user, resource)
    resource.name = clean(name)
    ensure_name_free(
        type(resource), group=resource.group, name=resource.name, exclude_pk=resource.pk
    )
    for field, value in fields.items():
        setattr(resource, field, value)
    save_named(resource, update_fields=["name", *fields])
    resource.record_snapshot(user=user)
    return resource


@transaction.atomic
def delete_resource(*, user, resource: Resource) -> None:
    """Soft delete: the resource disappears from lists and its name is free
    again, but jobs that ran it keep pointing at it."""
    require_edit(user, resource)
    resource.soft_delete()
