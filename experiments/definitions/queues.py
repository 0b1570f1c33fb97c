"""Queues."""

from django.db import transaction

from ..models import Queue
from .common import (
    clean_name,
    ensure_name_free,
    require_edit,
    save_named,
    writable_group,
)


@transaction.atomic
def create_queue(*, user, group_id: int, name: str, description: str | None = None) -> Queue:
    group = writable_group(user, group_id)
    name = clean_name(name)
    ensure_name_free(Queue, group=group, name=name)
    queue = Queue(group=group, creator=user, name=name, description=description)
    save_named(queue)
    queue.record_snapshot(user=user)
    return queue


@transaction.atomic
def update_queue(*, user, queue: Queue, name: str, description: str | None) -> Queue:
    require_edit(user, queue)
    queue.name = clean_name(name)
    queue.description = description
    ensure_name_free(Queue, group=queue.group, name=queue.name, exclude_pk=queue.pk)
    save_named(queue, update_fields=["name", "description"])
    queue.record_snapshot(user=user)
    return queue
