"""Registering users and the bootstrap every installation starts from."""

from datetime import timedelta

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from .errors import ConflictError, DomainError, InvalidInputError, NameTakenError
from .models import (
    BUILTIN_PARAMETER_TYPES,
    PUBLIC_GROUP_NAME,
    Group,
    GroupMembership,
    PluginParameterType,
    User,
)
from .prepared import PreparedQuery

PASSWORD_LIFETIME = timedelta(days=365)
ALL_FLAGS = dict(read=True, write=True, share_read=True, share_write=True, owner=True, admin=True)


@transaction.atomic
def ensure_public_group(*, creator: User) -> Group:
    """The `public` group and the builtin parameter types; created once, by
    the first user, as Dioptra does."""
    group, created = Group.objects.get_or_create(
        name=PUBLIC_GROUP_NAME, defaults={"creator": creator}
    )
    if created:
        GroupMembership.objects.create(group=group, user=creator, **ALL_FLAGS)
    existing = set(
        PluginParameterType.objects.filter(is_builtin=True).values_list("name", flat=True)
    )
    for name in BUILTIN_PARAMETER_TYPES:
        if name not in existing:
            builtin = PluginParameterType.objects.create(
                group=group, creator=creator, name=name, is_builtin=True
            )
            builtin.record_snapshot(user=creator)
    return group


@transaction.atomic
def register_user(*, username: str, email: str, password: str) -> User:
    """Create a user and add them to `public` with read and write."""
    username = (username or "").strip()
    email = (email or "").strip()
    if not username:
        raise InvalidInputError("A username is required.", field="username")
    if len(username) > 150:
        raise InvalidInputError("Usernames are at most 150 characters long.", field="username")
    if not password:
        raise InvalidInputError("A password is required.", field="password")
    taken = User.objects.filter(username=username).first()
    if taken is not None:
        raise NameTakenError("user", name=username, group_id=None, existing_id=taken.pk)
    if email and User.objects.filter(email=email).exists():
        raise ConflictError(f"The email {email!r} is already registered.", field="email")
    user = User.objects.create_user(
        username=username,
        email=email,
        password=password,
        password_expires_on=timezone.now() + PASSWORD_LIFETIME,
    )
    public = ensure_public_group(creator=user)
    GroupMembership.objects.get_or_create(
        group=public, user=user, defaults={"read": True, "write": True}
    )
    return user


class UserPasswordChangeError(DomainError):
    """A password change with a wrong old password, or a new one that is
    unconfirmed or unchanged (Dioptra's name; answered with 403)."""

    status = 403


@transaction.atomic
def update_profile(*, user: User, username: str, email: str) -> User:
    """Change a user's username and email; both stay unique."""
    username = (username or "").strip()
    email = (email or "").strip()
    if not username:
        raise InvalidInputError("A username is required.", field="username")
    if len(username) > 150:
        raise InvalidInputError("Usernames are at most 150 characters long.", field="username")
    taken = User.objects.filter(username=username).exclude(pk=user.pk).first()
    if taken is not None:
        raise NameTakenError("user", name=username, group_id=None, existing_id=taken.pk)
    if email and User.objects.filter(email=email).exclude(pk=user.pk).exists():
        raise ConflictError(f"The email {email!r} is already registered.", field="email")
    user.username, user.email = username, email
    user.save(update_fields=["username", "email"])
    return user


@transaction.atomic
def change_password(*, user: User, old_password: str, new_password: str, confirmation: str) -> None:
    """Set a new password for another year and end every session of the user,
    including the one that asked (as Dioptra does)."""
    if not user.check_password(old_password):
        raise UserPasswordChangeError("The old password is not correct.", field="oldPassword")
    if new_password != confirmation:
        raise UserPasswordChangeError(
            "The new password and its confirmation do not match.", field="confirmNewPassword"
        )
    if not new_password:
        raise UserPasswordChangeError("A new password is required.", field="newPassword")
    if new_password == old_password:
        raise UserPasswordChangeError(
            "The new password must differ from the old one.", field="newPassword"
        )
    user.set_password(new_password)
    user.password_expires_on = timezone.now() + PASSWORD_LIFETIME
    user.save(update_fields=["password", "password_expires_on"])
    user.end_all_sessions()


@transaction.atomic
def deactivate_user(*, user: User) -> None:
    """Delete an account softly: it can no longer log in or use its tokens;
    what it made, and its username, stay."""
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.end_all_sessions()


_USER_BY_ID = PreparedQuery(lambda pk: User.objects.filter(pk=pk))


class UserBackend(ModelBackend):
    """Django's password backend, reading the session's user (once per request)
    through a prepared query."""

    def get_user(self, user_id):
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = _USER_BY_ID.first(pk)
        return user if self.user_can_authenticate(user) else None
