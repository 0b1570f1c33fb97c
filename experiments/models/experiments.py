from django.db import models

from .entrypoints import Entrypoint
from .resources import NamedResource


class Experiment(NamedResource):
    """A named container of jobs, declaring which entrypoints may run in it."""

    resource_type = "experiment"

    entrypoints = models.ManyToManyField(Entrypoint, blank=True, related_name="experiments")

    class Meta(NamedResource.Meta):
        pass

    def snapshot_data(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "entrypoints": [e.pk for e in self.entrypoints.all()],
        }
