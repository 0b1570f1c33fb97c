from django.db.models import QuerySet

from experiments.models import Queue

from .common import resource_fields, with_resource_fields


def queue_rows(user, *, tags: bool = True) -> QuerySet[Queue]:
    """Queues the user may read, with what ``queue_shape`` reads; with
    ``tags=False`` run ``attach_tag_refs`` on the fetched rows for their tags."""
    return with_resource_fields(Queue.objects.visible_to(user), user, tags=tags)


def queue_shape(queue: Queue) -> dict:
    return {**resource_fields(queue), "name": queue.name, "description": queue.description}
