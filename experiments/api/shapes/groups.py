from django.db.models import Prefetch, QuerySet

from experiments.models import Group, GroupMembership

from .common import group_ref, timestamp, user_ref


def group_rows(user) -> QuerySet[Group]:
    members = GroupMembership.objects.select_related("user")
    return (
        Group.objects.readable_by(user)
        .select_related("creator")
        .prefetch_related(Prefetch("memberships", queryset=members))
    )


def member_shape(membership: GroupMembership, group: Group) -> dict:
    return {
        "user": user_ref(membership.user),
        "group": group_ref(group),
        "permissions": {
            "read": membership.read,
            "write": membership.write,
            "shareRead": membership.share_read,
            "shareWrite": membership.share_write,
            "owner": membership.owner,
            "admin": membership.admin,
        },
    }


def group_shape(group: Group) -> dict:
    return {
        "id": group.pk,
        "name": group.name,
        "user": user_ref(group.creator),
        "members": [member_shape(m, group) for m in group.memberships.all()],
        "createdOn": timestamp(group.created_on),
        "lastModifiedOn": timestamp(group.last_modified_on),
    }
