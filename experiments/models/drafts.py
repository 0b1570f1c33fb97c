from django.conf import settings
from django.db import models
from django.utils import timezone

from .resources import Snapshot
from .users import Group


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

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"draft {self.pk} of {self.resource_type}"
