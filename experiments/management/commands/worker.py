"""Serve Dioptra queues: ``manage.py worker --queue default [--queue gpu ...]``.

Works on the configured task backend: the database (django-tasks-db's worker
loop) or Redis (an RQ worker with django-tasks-rq's job class). Each job runs
in its own child process, so the RQ worker runs tasks in-process (no fork).
Every worker also fails jobs whose worker stopped reporting ("worker lost").
"""

import logging
import threading

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.crypto import get_random_string

from experiments.jobs import LOST_AFTER, fail_lost_jobs
from experiments.task_backends import backend_kind, task_queue_name

SWEEP_SECONDS = 30.0
PERSISTENT_CONNECTION = {"CONN_MAX_AGE": None, "CONN_HEALTH_CHECKS": True}
LOG = logging.getLogger("experiments.worker")


class Command(BaseCommand):
    help = "Run jobs from the given queues (on the database or on Redis, as configured)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--queue",
            action="append",
            dest="queues",
            metavar="NAME",
            help="A queue to serve (repeat for several). Default: default.",
        )
        parser.add_argument("--burst", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument(
            "--max-tasks", type=int, default=None, help="Exit after running this many jobs."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=None,
            help="Seconds between polls of an empty queue (database backend).",
        )

    def handle(self, *args, queues=None, burst=False, max_tasks=None, interval=None, **options):
        names = queues or ["default"]
        if max_tasks is not None and max_tasks <= 0:
            raise CommandError("--max-tasks must be more than zero.")
        kind = backend_kind()
        where = "Redis (RQ)" if kind == "rq" else "the database"
        self.stdout.write(f"Worker serving queues {', '.join(names)} on {where}.")
        self.stdout.flush()
        sweeper = Sweeper()
        sweeper.start()
        # A worker is long-lived: keep its database connection between jobs (checked
        # before reuse) instead of reconnecting for each one.
        saved = {k: connection.settings_dict.get(k) for k in PERSISTENT_CONNECTION}
        connection.close()
        connection.settings_dict.update(PERSISTENT_CONNECTION)
        try:
            task_queues = [task_queue_name(name) for name in names]
            if kind == "rq":
                run_rq_worker(task_queues, burst=burst, max_tasks=max_tasks)
            else:
                run_db_worker(
                    task_queues,
                    burst=burst,
                    max_tasks=max_tasks,
                    interval=settings.WORKER_POLL_INTERVAL if interval is None else interval,
                )
        finally:
            sweeper.stop()
            connection.close()
            connection.settings_dict.update(saved)


class Sweeper(threading.Thread):
    """Every half minute, fail started jobs whose worker went silent."""

    def __init__(self):
        super().__init__(name="lost-job-sweeper", daemon=True)
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                lost = fail_lost_jobs(older_than=LOST_AFTER)
                if lost:
                    LOG.warning("Failed jobs whose worker was lost: %s", lost)
            except Exception:
                LOG.exception("Could not check for lost jobs")
            finally:
                connection.close()  # this thread's own; it sleeps half a minute
            self.stopping.wait(SWEEP_SECONDS)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)


def run_db_worker(
    queue_names: list[str], *, burst: bool, max_tasks: int | None, interval: float
) -> None:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=queue_names,
        interval=interval,
        batch=burst,
        backend_name=DEFAULT_TASK_BACKEND_ALIAS,
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=get_random_string(32),
        excluded_queue_names=[],
    )
    worker.configure_signals()
    worker.run()


def rq_worker(queue_names: list[str]):
    """An in-process RQ worker for these queues, with django-tasks-rq's job class."""
    import django_rq
    from django_tasks_rq.backend import Job
    from rq import SimpleWorker

    queues = [django_rq.get_queue(name, job_class=Job) for name in queue_names]
    return SimpleWorker(queues, connection=queues[0].connection, job_class=Job)


def run_rq_worker(queue_names: list[str], *, burst: bool, max_tasks: int | None) -> None:
    rq_worker(queue_names).work(burst=burst, max_jobs=max_tasks, logging_level="INFO")
