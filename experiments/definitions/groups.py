"""Group members: who may read, write and manage a group."""

from django.db import transaction
from django.utils import timezone

from ..errors import InvalidInputError, NotAllowedError
from ..models import Group, GroupMembership, User

MEMBER_FLAGS = ("read", "write", "share_read", "share_write", "owner", "admin")


def require_manage(user, group: Group) -> None:
    if not group.can_manage(user):
        raise NotAllowedError("Only the group's owners and admins may manage its members.")


@transaction.atomic
def add_member(*, user, group: Group, username: str, **flags: bool) -> GroupMembership:
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
