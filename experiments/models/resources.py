"""What every Dioptra resource shares: owning group, creator, times, soft
deletion, tags, and a history of snapshots.

Permission reads live here once: ``Model.objects.visible_to(user)`` and
``editable_by(user)`` for querysets, ``obj.can_read(user)`` and
``obj.can_edit(user)`` for one object.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, FilteredRelation, Q
from django.utils import timezone

from experiments.prepared import PreparedQuery

from .loading import QuickLoad
from .users import Group, GroupMembership, in_groups_where

NAME_MAX_LENGTH = 255

# (read, write) of a user's membership in a group: asked on every change.
MEMBERSHIP_FLAGS = PreparedQuery(
    lambda group_id, user_id: GroupMembership.objects.filter(
        group_id=group_id, user_id=user_id
    ).values_list("read", "write")
)


class Snapshot(QuickLoad, models.Model):
    """One saved state of a resource. Ids come from one sequence for every
    resource type, as in Dioptra, so a newer snapshot always has a larger id."""

    resource_type = models.CharField(max_length=40)
    resource_id = models.BigIntegerField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_on = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["resource_type", "resource_id", "id"])]

    def __str__(self) -> str:
        return f"{self.resource_type} {self.resource_id} snapshot {self.pk}"


class TagQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Tags the user may read: those of groups where they have `read`."""
        return in_groups_where(self, user, "read")

    def editable_by(self, user):
        """Tags the user may rename, delete: those of groups where they have `write`."""
        return in_groups_where(self, user, "write")


class Tag(QuickLoad, models.Model):
    """A label a group keeps; any resource the user may change can carry it."""

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="tags")
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_on = models.DateTimeField(default=timezone.now)
    last_modified_on = models.DateTimeField(default=timezone.now)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "name"], name="tag_name_unique_in_group"),
        ]

    def __str__(self) -> str:
        return self.name

    def can_edit(self, user) -> bool:
        return Tag.objects.editable_by(user).filter(pk=self.pk).exists()


class ResourceQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_on__isnull=True)

    def visible_to(self, user):
        """Resources the user may read: alive, in a group where they have `read`."""
        return in_groups_where(self.alive(), user, "read")

    def editable_by(self, user):
        """Resources the user may change: alive, in a group where they have `write`."""
        return in_groups_where(self.alive(), user, "write")

    def in_group(self, group_id: int | None):
        return self if group_id is None else self.filter(group_id=group_id)

    def with_access(self, user):
        """Reads the user's membership in each row's group along with the row
        (one join), so that ``access_of(user)`` on it needs no query."""
        if user.is_superuser:
            return self  # a superuser may do anything: nothing to read
        membership = FilteredRelation(
            "group__memberships", condition=Q(group__memberships__user_id=user.pk)
        )
        return self.annotate(membership=membership).annotate(
            member_id=F("membership__user_id"),
            member_reads=F("membership__read"),
            member_writes=F("membership__write"),
        )


class Resource(QuickLoad, models.Model):
    resource_type: ClassVar[str]  # Dioptra's internal type name, e.g. "entry_point"

    group = models.ForeignKey(Group, on_delete=models.PROTECT, related_name="+")
    creator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_on = models.DateTimeField(default=timezone.now)
    last_modified_on = models.DateTimeField(default=timezone.now)
    snapshot = models.ForeignKey(
        Snapshot,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest snapshot of this resource.",
    )
    deleted_on = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="tagged_%(class)ss")

    objects = ResourceQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["id"]

    def snapshot_data(self, **known) -> dict:
        """The definition fields a snapshot keeps (camelCase, as the API shows
        them). ``known`` holds parts the caller has at hand, saving a query."""
        raise NotImplementedError

    def record_snapshot(self, *, user, **known) -> Snapshot:
        snapshot = Snapshot.objects.create(
            resource_type=self.resource_type,
            resource_id=self.pk,
            user=user,
            data=self.snapshot_data(**known),
        )
        self.snapshot = snapshot
        self.last_modified_on = snapshot.created_on
        self.save(update_fields=["snapshot", "last_modified_on"])
        return snapshot

    def snapshots(self):
        return Snapshot.objects.filter(resource_type=self.resource_type, resource_id=self.pk)

    def soft_delete(self) -> None:
        self.deleted_on = timezone.now()
        self.save(update_fields=["deleted_on"])

    def access_of(self, user) -> tuple[bool, bool]:
        """(may read, may change) this resource, from one membership query."""
        if not user.is_authenticated or self.deleted_on is not None:
            return False, False
        if user.is_superuser:
            return True, True
        if getattr(self, "member_id", None) == user.pk:  # read along: ``with_access``
            return bool(self.member_reads), bool(self.member_writes)
        found = MEMBERSHIP_FLAGS(self.group_id, user.pk)
        return (bool(found[0][0]), bool(found[0][1])) if found else (False, False)

    def can_read(self, user) -> bool:
        return self.access_of(user)[0]

    def can_edit(self, user) -> bool:
        return self.access_of(user)[1]


class NamedResource(Resource):
    """A resource whose name is unique among the alive resources of its group."""

    name = models.CharField(max_length=NAME_MAX_LENGTH)
    description = models.TextField(null=True, blank=True)

    class Meta(Resource.Meta):
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["group", "name"],
                condition=Q(deleted_on__isnull=True),
                name="%(class)s_name_unique_in_group",
            ),
        ]

    def __str__(self) -> str:
        return self.name
