from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .resources import Snapshot
from .users import Group


class DraftQuerySet(models.QuerySet):
    def owned_by(self, user):
        """Drafts are private: only the user who started one sees it."""
        return self.filter(user_id=user.pk)

    def of_new_resources(self):
        return self.filter(resource_id__isnull=True)

    def of_changes(self):
        return self.filter(resource_id__isnull=False)

    def of_resource(self, resource):
        return self.filter(resource_type=resource.resource_type, resource_id=resource.pk)

    def with_other_draft_counts(self):
        """Annotates ``num_other_drafts``: other users' drafts of the same resource."""
        others = (
            Draft.objects.filter(
                resource_type=OuterRef("resource_type"), resource_id=OuterRef("resource_id")
            )
            .exclude(user_id=OuterRef("user_id"))
            .order_by()
            .values("resource_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(num_other_drafts=Coalesce(Subquery(others), 0))


class Draft(models.Model):
    """Unsaved work on a resource, private to its creator: either a new
    resource (``resource_id`` empty) or changes to an existing one, based on
    the snapshot it was started from."""

    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    resource_type = models.CharField(max_length=40)
    resource_id = models.BigIntegerField(null=True, blank=True)
    base_snapshot = models.ForeignKey(
        Snapshot, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(default=dict)
    created_on = models.DateTimeField(default=timezone.now)
    last_modified_on = models.DateTimeField(default=timezone.now)

    objects = DraftQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"draft {self.pk} of {self.resource_type}"
