"""Queues."""

from django.db import transaction

from ..models import Queue
from .common import create_named, update_named


def create_queue(*, user, group_id: int, name: str, description: str | None = None) -> Queue:
    return create_named(Queue, user=user, group_id=group_id, name=name, description=description)


@transaction.atomic
def update_queue(*, user, queue: Queue, name: str, description: str | None) -> Queue:
    return update_named(queue, user=user, name=name, description=description)
