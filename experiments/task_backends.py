"""Where jobs wait: Django's Tasks API on the database or on Redis (RQ).

A Dioptra queue name is the task queue name, and queues are created by users
at run time. django-tasks-rq only knows the queue names declared in
``RQ_QUEUES``; two things make any name work without editing settings:

- ``RQ_QUEUES`` (see settings) answers every unknown name with the
  ``default`` connection, so django_rq builds an RQ queue for any name on
  demand, in the web process (enqueue) and in the worker alike;
- :class:`AnyQueueRQBackend` accepts every queue name instead of only the
  declared ones (``"QUEUES": []``, as for the database backend).

The database backend's ``queue_name`` column holds 32 characters, so longer
queue names are shortened the same way on both sides by
:func:`task_queue_name`.
"""

import hashlib

from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_rq.backend import RQBackend

TASK_QUEUE_NAME_LENGTH = 32


class AnyQueueRQBackend(RQBackend):
    """django-tasks-rq's backend, accepting any queue name when ``QUEUES`` is empty."""

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        if not params.get("QUEUES"):
            self.queues = set()


def task_queue_name(queue_name: str) -> str:
    """The task queue a Dioptra queue's jobs wait on (the name, if it fits)."""
    if len(queue_name) <= TASK_QUEUE_NAME_LENGTH:
        return queue_name
    digest = hashlib.sha256(queue_name.encode()).hexdigest()[:8]
    return f"{queue_name[: TASK_QUEUE_NAME_LENGTH - 9]}-{digest}"


def backend_kind(alias: str = DEFAULT_TASK_BACKEND_ALIAS) -> str:
    """``"rq"`` or ``"db"``: which worker serves the task backend."""
    backend = task_backends[alias]
    return "rq" if isinstance(backend, RQBackend) else "db"
