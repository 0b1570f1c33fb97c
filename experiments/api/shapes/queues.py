from django.db.models import QuerySet

from experiments.models import Queue

from .common import resource_fields, with_resource_fields


def queue_rows(user) -> QuerySet[Queue]:
    """Queues the user may read, with what ``queue_shape`` reads."""
    return with_resource_fields(Queue.objects.visible_to(user), user)


def queue_shape(queue: Queue) -> dict:
    return {**resource_fields(queue), "name": queue.name, "description": queue.description}
