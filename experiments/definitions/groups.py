"""Groups and their members: who may read, write and manage a group.

Anyone may create a group and becomes its owner and admin. Only a group's
owners and admins (and superusers) rename it, delete it or change its
members. The `public` group every user joins can be neither renamed nor
deleted, and a group that still owns resources is not deleted.
"""

from django.db import models, transaction
from django.utils import timezone

from ..errors import ConflictError, InvalidInputError, NameTakenError, NotAllowedError
from ..models import PUBLIC_GROUP_NAME, Group, GroupMembership, User
from .common import clean_name

MEMBER_FLAGS = ("read", "write", "share_read", "share_write", "owner", "admin")


def require_manage(user, group: Group) -> None:
    if not group.can_manage(user):
        raise NotAllowedError("Only the group's owners and admins may manage its members.")


def _require_manage_group(user, group: Group) -> None:
    if not group.can_manage(user):
        raise NotAllowedError("Only the group's owners and admins may rename or delete it.")


def _require_free_name(name: str, *, group: Group | None = None) -> None:
    taken = Group.objects.filter(name=name).exclude(pk=getattr(group, "pk", None)).first()
    if taken is not None:
        raise NameTakenError("group", name=name, group_id=None, existing_id=taken.pk)


def _refuse_public(group: Group, verb: str) -> None:
    if group.name == PUBLIC_GROUP_NAME:
        raise ConflictError(f"The {PUBLIC_GROUP_NAME} group every user joins cannot be {verb}.")


@transaction.atomic
def create_group(*, user, name: str) -> Group:
    """A new group; its creator is a member with every permission."""
    name = clean_name(name)
    _require_free_name(name)
    group = Group.objects.create(name=name, creator=user)
    GroupMembership.objects.create(group=group, user=user, **dict.fromkeys(MEMBER_FLAGS, True))
    return group


@transaction.atomic
def rename_group(*, user, group: Group, name: str) -> Group:
    _require_manage_group(user, group)
    name = clean_name(name)
    if name == group.name:
        return group
    _refuse_public(group, "renamed")
    _require_free_name(name, group=group)
    group.name = name
    group.last_modified_on = timezone.now()
    group.save(update_fields=["name", "last_modified_on"])
    return group


def _owned_rows(group: Group) -> dict[str, tuple[int, int]]:
    """What keeps the group from being deleted: per kind of row (e.g. "queues"),
    how many are alive and how many are deleted but kept for their history."""
    owned = {}
    for relation in Group._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete):
            continue
        if relation.on_delete is not models.PROTECT:
            continue
        model = relation.related_model
        rows = model._default_manager.filter(**{relation.field.name: group})
        if any(field.name == "deleted_on" for field in model._meta.get_fields()):
            deleted = rows.filter(deleted_on__isnull=False).count()
        else:
            deleted = 0
        alive = rows.count() - deleted
        if alive or deleted:
            owned[str(model._meta.verbose_name_plural)] = (alive, deleted)
    return owned


@transaction.atomic
def delete_group(*, user, group: Group) -> None:
    """Deletes an empty group and its memberships."""
    _require_manage_group(user, group)
    _refuse_public(group, "deleted")
    owned = _owned_rows(group)
    alive = {kind: counts[0] for kind, counts in owned.items() if counts[0]}
    if alive:
        listed = ", ".join(f"{count} {kind}" for kind, count in alive.items())
        raise ConflictError(
            f"The group {group.name!r} still owns resources ({listed}). "
            "Delete them or move them to another group first.",
            detail={"group_id": group.pk, "resources": alive},
        )
    if owned:
        raise ConflictError(
            f"The group {group.name!r} still holds deleted resources, kept for their history; "
            "it cannot be deleted.",
            detail={"group_id": group.pk, "resources": {k: c[1] for k, c in owned.items()}},
        )
    group.delete()


@transaction.atomic
def add_member(*, user, group: Group, username: str, **flags: bool) -> GroupMembership:
    require_manage(user, group)
    member = User.objects.filter(username=username.strip(), is_active=True).first()
    if member is None:
        raise InvalidInputError(f"There is no user named {username.strip()!r}.", field="username")
    if group.memberships.filter(user=member).exists():
        raise ConflictError(
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
