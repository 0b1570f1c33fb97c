from django.db.models import Prefetch, QuerySet

from experiments.models import GroupMembership, User

from .common import group_ref, timestamp


def user_shape(user: User) -> dict:
    return {"id": user.pk, "username": user.username, "email": user.email}


def current_user_rows() -> QuerySet[User]:
    return User.objects.prefetch_related(
        Prefetch("memberships", queryset=GroupMembership.objects.select_related("group"))
    )


def current_user_shape(user: User) -> dict:
    """The logged-in user as Dioptra's CurrentUser; needs ``current_user_rows``."""
    return {
        **user_shape(user),
        "groups": [group_ref(m.group) for m in user.memberships.all()],
        "createdOn": timestamp(user.date_joined),
        "lastModifiedOn": timestamp(user.date_joined),
        "lastLoginOn": timestamp(user.last_login),
        "passwordExpiresOn": timestamp(user.password_expires_on),
    }
