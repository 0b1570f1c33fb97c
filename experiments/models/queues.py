from .resources import NamedResource


class Queue(NamedResource):
    """A named lane that workers listen on; its name is the task queue name."""

    resource_type = "queue"

    class Meta(NamedResource.Meta):
        pass

    def snapshot_data(self) -> dict:
        return {"name": self.name, "description": self.description}
