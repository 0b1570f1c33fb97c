from django.db import models

from .entrypoints import Entrypoint
from .resources import NamedResource


class Experiment(NamedResource):
    """A named container of jobs, declaring which entrypoints may run in it."""

    resource_type = "experiment"

    entrypoints = models.ManyToManyField(Entrypoint, blank=True, related_name="experiments")

    class Meta(NamedResource.Meta):
        pass

    def snapshot_data(self, *, entrypoint_ids: list[int] | None = None) -> dict:
        if entrypoint_ids is None:
            entrypoint_ids = [e.pk for e in self.entrypoints.all()]
        return {"name": self.name, "description": self.description, "entrypoints": entrypoint_ids}
