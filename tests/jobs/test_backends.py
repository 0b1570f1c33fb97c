"""Jobs go through a real worker on both task backends, for any queue name, and a
job whose worker dies is failed as "worker lost"."""

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command

from experiments.jobs import fail_lost_jobs
from experiments.management.commands.worker import rq_worker, run_db_worker
from experiments.models import Job
from experiments.task_backends import task_queue_name
from tests.jobs.conftest import (
    all_logs,
    database_shared_with_subprocesses,
    database_url,
    make_workflow,
)
from tests.jobs.test_running import SLEEPY, one_task

RQ_TASKS = {"default": {"BACKEND": "experiments.task_backends.AnyQueueRQBackend", "QUEUES": []}}


# The workers close stale connections between tasks, which a test transaction
# would not survive on PostgreSQL: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_database_worker_runs_queued_jobs_of_its_queue_only(
    writer, team, django_capture_on_commit_callbacks, keep_signal_handlers
):
    served = make_workflow(writer, team, queue_name=f"cpu-{uuid.uuid4().hex[:6]}")
    other = make_workflow(writer, team)
    with django_capture_on_commit_callbacks(execute=True):
        jobs = [served.submit(writer, values={"name": f"n{i}"}) for i in range(3)]
        waiting = other.submit(writer)
    run_db_worker([served.queue.name], burst=True, max_tasks=None, interval=0)
    for job in jobs:
        job.refresh_from_db()
        assert job.status == Job.Status.FINISHED, all_logs(job)
        assert job.worker
    waiting.refresh_from_db()
    assert waiting.status == Job.Status.QUEUED


def test_a_long_queue_name_fits_the_database_backend(
    writer, team, django_capture_on_commit_callbacks, keep_signal_handlers
):
    name = "a-very-long-queue-name-for-the-gpu-cluster-in-building-7"
    workflow = make_workflow(writer, team, queue_name=name)
    with django_capture_on_commit_callbacks(execute=True):
        job = workflow.submit(writer)
    assert len(task_queue_name(name)) <= 32
    run_db_worker([task_queue_name(name)], burst=True, max_tasks=None, interval=0)
    job.refresh_from_db()
    assert job.status == Job.Status.FINISHED


def test_rq_runs_jobs_on_a_queue_name_no_setting_declares(
    writer, team, settings, redis_url, django_capture_on_commit_callbacks, keep_signal_handlers
):
    settings.TASKS = RQ_TASKS
    queue_name = f"fresh-{uuid.uuid4().hex}"
    assert queue_name not in settings.RQ_QUEUES
    workflow = make_workflow(writer, team, queue_name=queue_name)
    with django_capture_on_commit_callbacks(execute=True):
        jobs = [workflow.submit(writer, values={"name": f"rq{i}"}) for i in range(2)]
    worker = rq_worker([task_queue_name(queue_name)])
    assert worker.work(burst=True)
    for index, job in enumerate(jobs):
        job.refresh_from_db()
        assert job.status == Job.Status.FINISHED, all_logs(job)
        assert f"Hello, rq{index}!" in all_logs(job)


def test_the_worker_command_says_what_it_serves(
    writer, team, settings, redis_url, capsys, keep_signal_handlers
):
    settings.TASKS = RQ_TASKS
    call_command("worker", "--queue", f"empty-{uuid.uuid4().hex}", "--queue", "b", "--burst")
    out = capsys.readouterr().out
    assert "Worker serving queues empty-" in out
    assert ", b on Redis (RQ)." in out


def test_an_unreachable_queue_fails_the_job_instead_of_raising(
    writer, team, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = RQ_TASKS
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0"}}
    workflow = make_workflow(writer, team)
    with django_capture_on_commit_callbacks(execute=True):
        job = workflow.submit(writer)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.failure_reason.startswith("could not be queued")
    assert "could not be queued" in all_logs(job)


def test_a_silent_started_job_is_failed_as_worker_lost(hello, writer):
    job = hello.submit(writer)
    job.mark_started(worker="gone:1")
    Job.objects.filter(pk=job.pk).update(heartbeat_on=job.heartbeat_on - timedelta(minutes=3))
    fresh = hello.submit(writer)
    fresh.mark_started(worker="alive:2")

    assert fail_lost_jobs(older_than=timedelta(minutes=2)) == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.failure_reason) == (Job.Status.FAILED, "worker lost")
    assert "worker lost" in all_logs(job)
    fresh.refresh_from_db()
    assert fresh.status == Job.Status.STARTED


def test_killing_the_worker_process_leaves_a_job_that_is_failed_as_worker_lost(writer, team):
    if not database_shared_with_subprocesses():
        pytest.skip("the worker subprocess cannot see an in-memory test database")
    workflow = one_task(writer, team, SLEEPY.replace("60", "5"))
    job = workflow.submit(writer)  # committed: transactional test
    env = {**os.environ, "DATABASE_URL": database_url(), "REDIS_URL": ""}
    env.pop("TEST_DATABASE_NAME", None)
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--queue", workflow.queue.name],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while Job.objects.get(pk=job.pk).status != Job.Status.STARTED:
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    time.sleep(1.2)
    assert fail_lost_jobs(older_than=timedelta(seconds=1)) == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.failure_reason) == (Job.Status.FAILED, "worker lost")
