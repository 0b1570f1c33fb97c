"""Users, groups and group memberships: who may read, write and share what."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from .loading import QuickLoad

PUBLIC_GROUP_NAME = "public"


class User(QuickLoad, AbstractUser):
    email = models.EmailField("email address", blank=True)
    # Rotated by "log out everywhere" and by a password change: every session
    # whose auth hash was built from the old value stops being valid.
    session_generation = models.UUIDField(default=uuid.uuid4, editable=False)
    password_expires_on = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email"], condition=~Q(email=""), name="user_email_unique"
            ),
        ]

    def _get_session_auth_hash(self, secret=None):
        return salted_hmac(
            "experiments.User.session_auth_hash",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def end_all_sessions(self) -> None:
        self.session_generation = uuid.uuid4()
        self.save(update_fields=["session_generation"])


def in_groups_where(rows: models.QuerySet, user, flag: str) -> models.QuerySet:
    """``rows`` (with a ``group`` foreign key) in the groups where the user's
    membership has ``flag``: one flat ``group_id IN (memberships)`` condition,
    which every database plans as a cheap semi-join."""
    if not user.is_authenticated:
        return rows.none()
    if user.is_superuser:
        return rows
    memberships = GroupMembership.objects.filter(user_id=user.pk, **{flag: True})
    return rows.filter(group_id__in=memberships.values("group_id"))


class GroupQuerySet(models.QuerySet):
    def _with_membership(self, user, **flags):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            pk__in=GroupMembership.objects.filter(user=user, **flags).values("group_id")
        )

    def readable_by(self, user):
        return self._with_membership(user, read=True)

    def writable_by(self, user):
        return self._with_membership(user, write=True)

    def managed_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            pk__in=GroupMembership.objects.filter(user=user)
            .filter(Q(owner=True) | Q(admin=True))
            .values("group_id")
        )


class Group(QuickLoad, models.Model):
    """Owns resources; its memberships decide who may read, write and share them."""

    name = models.CharField(max_length=255, unique=True)
    creator = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(User, through="GroupMembership", related_name="dioptra_groups")
    created_on = models.DateTimeField(default=timezone.now)
    last_modified_on = models.DateTimeField(default=timezone.now)

    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name

    def membership_of(self, user) -> "GroupMembership | None":
        if not user.is_authenticated:
            return None
        return self.memberships.filter(user=user).first()

    def can_manage(self, user) -> bool:
        if user.is_superuser:
            return True
        membership = self.membership_of(user)
        return membership is not None and (membership.owner or membership.admin)


class GroupMembership(QuickLoad, models.Model):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    read = models.BooleanField(default=True)
    write = models.BooleanField(default=False)
    share_read = models.BooleanField(default=False)
    share_write = models.BooleanField(default=False)
    owner = models.BooleanField(default=False)
    admin = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"
