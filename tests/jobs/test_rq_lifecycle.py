"""Cancel, timeout and a killed worker on the RQ (Redis) backend, as
tests/jobs/test_running.py and test_backends.py cover them on the database.

Each test serves a fresh queue name no setting declares and empties it from
Redis afterwards. A worker that must run beside the test (cancel while
running, kill) is ``manage.py worker`` in a subprocess, which needs a database
it can see: on an in-memory SQLite test database the running-cancel test
serves the queue in this process instead, and the kill test is skipped."""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta

import django_rq
import pytest
from django.conf import settings as django_settings
from django.db import connection
from rq.exceptions import NoSuchJobError
from rq.job import Job as RQJob
from rq.worker import Worker as RQWorker

from experiments.jobs import cancel_job, fail_lost_jobs
from experiments.management.commands.worker import rq_worker
from experiments.models import Job
from tests.jobs.conftest import (
    all_logs,
    database_shared_with_subprocesses,
    database_url,
)
from tests.jobs.test_running import SLEEPY, one_task

RQ_TASKS = {"default": {"BACKEND": "experiments.task_backends.AnyQueueRQBackend", "QUEUES": []}}

# Workers close stale connections between tasks and a subprocess worker must
# see the jobs: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def rq_queue(settings, redis_url):
    """A fresh RQ queue name for the test's jobs, removed from Redis afterwards."""
    settings.TASKS = RQ_TASKS
    name = f"rq-life-{uuid.uuid4().hex[:12]}"
    assert name not in django_settings.RQ_QUEUES
    yield name
    _remove_from_redis(name)


def _remove_from_redis(name: str) -> None:
    queue = django_rq.get_queue(name)
    redis = queue.connection
    registries = [
        queue.started_job_registry,
        queue.finished_job_registry,
        queue.failed_job_registry,
        queue.deferred_job_registry,
        queue.scheduled_job_registry,
        queue.canceled_job_registry,
    ]
    job_ids = set(queue.get_job_ids())
    for registry in registries:
        job_ids.update(registry.get_job_ids())
    for job_id in job_ids:
        with contextlib.suppress(NoSuchJobError):
            RQJob.fetch(job_id, connection=redis).delete()
    for key in RQWorker.all_keys(connection=redis, queue=queue):
        redis.srem("rq:workers", key)
        redis.delete(key)
    queue.delete(delete_jobs=True)
    for key in redis.scan_iter(f"*{name}*"):
        redis.delete(key)


def sleeping_workflow(writer, team, queue_name: str, seconds: int = 60):
    return one_task(writer, team, SLEEPY.replace("60", str(seconds)), queue_name=queue_name)


def start_worker(queue_name: str, redis_url: str, tmp_path, *extra: str) -> subprocess.Popen:
    """``manage.py worker`` on Redis, in a subprocess seeing the test database."""
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": redis_url}
    env.pop("TEST_DATABASE_NAME", None)
    output = open(tmp_path / "worker.log", "wb")  # noqa: SIM115 - the subprocess keeps it
    with output:
        return subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--queue", queue_name, *extra],
            cwd=django_settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def worker_output(tmp_path) -> str:
    return (tmp_path / "worker.log").read_text(errors="replace")


def wait_until_started(job: Job, tmp_path=None, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while Job.objects.get(pk=job.pk).status != Job.Status.STARTED:
        output = worker_output(tmp_path) if tmp_path else ""
        assert time.monotonic() < deadline, f"the worker never started the job\n{output}"
        time.sleep(0.1)


def test_a_job_cancelled_while_queued_is_skipped_by_the_rq_worker(
    writer, team, rq_queue, django_capture_on_commit_callbacks, keep_signal_handlers
):
    workflow = one_task(writer, team, SLEEPY, queue_name=rq_queue)
    with django_capture_on_commit_callbacks(execute=True):
        job = workflow.submit(writer)
    assert django_rq.get_queue(rq_queue).count == 1
    cancel_job(user=writer, job=job)

    assert rq_worker([rq_queue]).work(burst=True)  # it took the job off the queue

    job.refresh_from_db()
    assert (job.status, job.cancelled_by) == (Job.Status.CANCELLED, writer)
    assert job.started_on is None and job.worker == ""
    assert not job.logs.exists()
    assert django_rq.get_queue(rq_queue).count == 0


def test_a_running_job_on_an_rq_worker_is_stopped_when_cancelled(
    writer, team, rq_queue, redis_url, tmp_path, django_capture_on_commit_callbacks
):
    workflow = sleeping_workflow(writer, team, rq_queue)
    with django_capture_on_commit_callbacks(execute=True):
        job = workflow.submit(writer)
    started = time.monotonic()
    if database_shared_with_subprocesses():
        worker = start_worker(rq_queue, redis_url, tmp_path, "--burst")
        try:
            wait_until_started(job, tmp_path)
            cancel_job(user=writer, job=Job.objects.get(pk=job.pk))
            # --burst: the worker exits once the cancelled job has stopped.
            assert worker.wait(timeout=20) == 0, worker_output(tmp_path)
        finally:
            worker.kill()
            worker.wait()
    else:
        _serve_in_process_and_cancel(rq_queue, job, writer)
    assert time.monotonic() - started < 30  # not the plugin's 60 seconds

    job.refresh_from_db()
    assert (job.status, job.cancelled_by) == (Job.Status.CANCELLED, writer)
    assert job.worker  # it did run on the worker
    assert "Job cancelled; stopping its process." in all_logs(job)
    assert job.failure_reason == ""


def _serve_in_process_and_cancel(queue_name: str, job: Job, user) -> None:
    """The RQ worker in this (main) thread; the user cancels from another."""

    def cancel_once_started():
        try:
            wait_until_started(job)
            cancel_job(user=user, job=Job.objects.get(pk=job.pk))
        finally:
            connection.close()  # the thread's own connection

    canceller = threading.Thread(target=cancel_once_started)
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    canceller.start()
    try:
        assert rq_worker([queue_name]).work(burst=True)
    finally:
        canceller.join(timeout=30)
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_a_job_over_its_timeout_on_rq_is_failed_as_timed_out(
    writer, team, rq_queue, django_capture_on_commit_callbacks, keep_signal_handlers
):
    workflow = sleeping_workflow(writer, team, rq_queue)
    with django_capture_on_commit_callbacks(execute=True):
        job = workflow.submit(writer, timeout="1s")
    started = time.monotonic()

    assert rq_worker([rq_queue]).work(burst=True)

    assert time.monotonic() - started < 20
    job.refresh_from_db()
    assert (job.status, job.failure_reason) == (Job.Status.FAILED, "timed out after 1s")
    assert "Job timed out after 1s." in all_logs(job)
    # The job failed, not the RQ task: RQ sets no time limit of its own (its default
    # 180 s would kill longer jobs' tasks and leave them started), the job's rules.
    queue = django_rq.get_queue(rq_queue)
    assert queue.failed_job_registry.count == 0
    (task_id,) = queue.finished_job_registry.get_job_ids()
    assert RQJob.fetch(task_id, connection=queue.connection).timeout == -1


def test_killing_the_rq_worker_leaves_the_job_started_until_it_is_failed_as_worker_lost(
    writer, team, rq_queue, redis_url, tmp_path, django_capture_on_commit_callbacks
):
    if not database_shared_with_subprocesses():
        pytest.skip("the worker subprocess cannot see an in-memory test database")
    workflow = sleeping_workflow(writer, team, rq_queue, seconds=5)
    with django_capture_on_commit_callbacks(execute=True):
        job = workflow.submit(writer)
    worker = start_worker(rq_queue, redis_url, tmp_path)
    try:
        wait_until_started(job, tmp_path)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()

    time.sleep(1.2)  # its heartbeat has stopped: nothing reports on the job any more
    job.refresh_from_db()
    assert job.status == Job.Status.STARTED
    assert fail_lost_jobs(older_than=timedelta(seconds=1)) == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.failure_reason) == (Job.Status.FAILED, "worker lost")
    assert job.finished_on is not None
    assert f"stopped reporting for over {1 / 60:g} minutes" in all_logs(job)
    assert "the job is marked failed: worker lost." in all_logs(job)
