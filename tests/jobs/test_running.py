"""Jobs running for real in child processes: failures with their cause in the logs,
cancel, timeout, artifacts, metrics and many log lines."""

import math
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from django.db import connection

from experiments import definitions
from experiments.errors import InvalidInputError
from experiments.jobs import cancel_job
from experiments.models import Job, PluginTask
from tests.jobs.conftest import (
    HELLO,
    Workflow,
    all_logs,
    builtin,
    make_plugin,
    make_workflow,
    run_now,
)

STEP_GRAPH = "work_step:\n  work: {}\n"


def one_task(user, group, code: str, *, outputs=(), **kwargs) -> Workflow:
    return make_workflow(
        user,
        group,
        code=code,
        tasks=[definitions.TaskSpec("work", outputs=list(outputs))],
        graph=kwargs.pop("graph", STEP_GRAPH),
        parameters=[],
        **kwargs,
    )


def ran(workflow: Workflow, user, **kwargs) -> Job:
    return run_now(workflow.submit(user, **kwargs))


@pytest.mark.parametrize(
    ("code", "reason", "in_logs"),
    [
        (
            "from dioptra import pyplugs\n\n@pyplugs.register\ndef work():\n"
            "    raise ValueError('bad data in row 3')\n",
            "ValueError: bad data in row 3",
            "Traceback (most recent call last)",
        ),
        ("def work(:\n    pass\n", "SyntaxError", "SyntaxError"),
        (
            "import no_such_module_anywhere\n",
            "No module named 'no_such_module_anywhere'",
            "ModuleNotFoundError",
        ),
    ],
)
def test_a_failing_plugin_fails_the_job_with_its_cause_in_the_logs(
    writer, team, code, reason, in_logs
):
    job = ran(one_task(writer, team, code), writer)
    assert job.status == Job.Status.FAILED
    assert reason in job.failure_reason
    logs = all_logs(job)
    assert "Job failed." in logs
    assert in_logs in logs
    assert job.finished_on is not None


def test_the_wrong_number_of_outputs_fails_the_job(writer, team):
    code = (
        "from dioptra import pyplugs\n\n@pyplugs.register\ndef work():\n    return 1\n\n"
        "@pyplugs.register\ndef use(a, b):\n    return a + b\n"
    )
    number = builtin("number")
    workflow = make_workflow(
        writer,
        team,
        code=code,
        tasks=[
            definitions.TaskSpec("work", outputs=[("a", number), ("b", number)]),
            definitions.TaskSpec("use", inputs=[("a", number, True), ("b", number, True)]),
        ],
        graph="work_step:\n  work: {}\nuse_step:\n  use: [$work_step.a, $work_step.b]\n",
        parameters=[],
    )
    job = ran(workflow, writer)
    assert job.status == Job.Status.FAILED
    assert "work_step" in all_logs(job)


ARTIFACTS = """
from pathlib import Path

import numpy as np
from dioptra.sdk.api.artifact import ArtifactTaskInterface


class NpyArtifactTask(ArtifactTaskInterface):
    @staticmethod
    def serialize(working_dir: Path, name: str, contents, **kwargs) -> Path:
        path = working_dir / f"{name}.npy"
        np.save(path, contents)
        return path

    @staticmethod
    def deserialize(working_dir: Path, path: str, **kwargs):
        return np.load(working_dir / path)


class FolderArtifactTask(ArtifactTaskInterface):
    @staticmethod
    def serialize(working_dir: Path, name: str, contents, **kwargs) -> Path:
        folder = working_dir / name
        folder.mkdir()
        for index, value in enumerate(contents):
            (folder / f"{index}.txt").write_text(str(value))
        return folder

    @staticmethod
    def deserialize(working_dir: Path, path: str, **kwargs):
        folder = working_dir / path
        count = len(list(folder.iterdir()))
        return [float((folder / f"{i}.txt").read_text()) for i in range(count)]


class BrokenArtifactTask(ArtifactTaskInterface):
    @staticmethod
    def serialize(working_dir, name, contents, **kwargs):
        raise OSError("disk full")
"""

MAKE_ARRAY = """
import numpy as np
from dioptra import pyplugs


@pyplugs.register
def work():
    return np.arange(5.0)


@pyplugs.register
def total(array):
    import structlog

    structlog.get_logger().info("total", value=float(sum(array)))
    return float(sum(array))
"""


@pytest.fixture
def savers(writer, team):
    array = definitions.create_parameter_type(user=writer, group_id=team.pk, name="Array")
    plugin = make_plugin(
        writer,
        team,
        name="savers",
        code=ARTIFACTS,
        tasks=[
            definitions.TaskSpec(name, kind=PluginTask.Kind.ARTIFACT, outputs=[("out", array.pk)])
            for name in ("NpyArtifactTask", "FolderArtifactTask", "BrokenArtifactTask")
        ],
    )
    return plugin, array


def saving(writer, team, savers, handler: str) -> Workflow:
    plugin, array = savers
    return make_workflow(
        writer,
        team,
        code=MAKE_ARRAY,
        tasks=[
            definitions.TaskSpec("work", outputs=[("output", array.pk)]),
            definitions.TaskSpec("total", inputs=[("array", array.pk, True)]),
        ],
        graph=STEP_GRAPH,
        parameters=[],
        artifact_graph=f"saved:\n  contents: $work_step\n  task:\n    name: {handler}\n",
        artifact_plugins=[plugin],
    )


def test_artifacts_are_stored_and_feed_a_later_job(writer, team, savers):
    first = ran(saving(writer, team, savers, "NpyArtifactTask"), writer)
    assert first.status == Job.Status.FINISHED, all_logs(first)
    (artifact,) = first.artifacts.all()
    assert (artifact.is_dir, artifact.task.name) == (False, "NpyArtifactTask")
    assert artifact.group_id == team.pk
    assert artifact.plugin_snapshot_id == savers[0].snapshot_id
    assert artifact.uri.startswith("file://") and artifact.uri.endswith("/saved.npy")
    with artifact.file.open("rb") as handle:
        assert np.load(handle).tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert artifact.file_size == artifact.file.size

    plugin, array = savers
    consumer = make_workflow(
        writer,
        team,
        code=MAKE_ARRAY,
        tasks=[definitions.TaskSpec("total", inputs=[("array", array.pk, True)])],
        graph="sum_step:\n  total:\n    array: $numbers\n",
        parameters=[],
        artifact_parameters=[definitions.ArtifactParameterSpec("numbers", [("out", array.pk)])],
    )
    with pytest.raises(InvalidInputError, match="artifact parameter 'numbers' needs an artifact"):
        consumer.submit(writer)
    with pytest.raises(InvalidInputError, match="unknown artifact parameter 'other'"):
        consumer.submit(writer, artifact_values={"numbers": {"id": artifact.pk}, "other": {}})
    second = ran(
        consumer,
        writer,
        artifact_values={"numbers": {"id": artifact.pk, "snapshotId": artifact.snapshot_id}},
    )
    assert second.status == Job.Status.FINISHED, all_logs(second)
    assert "total value=10.0" in all_logs(second)
    assert second.artifact_values == {
        "numbers": {"id": artifact.pk, "snapshotId": artifact.snapshot_id}
    }


def test_an_artifact_of_another_type_is_refused(writer, team, savers):
    first = ran(saving(writer, team, savers, "NpyArtifactTask"), writer)
    other = definitions.create_parameter_type(user=writer, group_id=team.pk, name="Other")
    consumer = make_workflow(
        writer,
        team,
        code=MAKE_ARRAY,
        tasks=[definitions.TaskSpec("total", inputs=[("array", other.pk, True)])],
        graph="sum_step:\n  total:\n    array: $numbers\n",
        parameters=[],
        artifact_parameters=[definitions.ArtifactParameterSpec("numbers", [("out", other.pk)])],
    )
    artifact = first.artifacts.get()
    with pytest.raises(InvalidInputError, match=r"types \(Array\).*expects \(Other\)"):
        consumer.submit(writer, artifact_values={"numbers": {"id": artifact.pk}})


def test_a_directory_artifact_is_stored_as_an_archive(writer, team, savers):
    job = ran(saving(writer, team, savers, "FolderArtifactTask"), writer)
    assert job.status == Job.Status.FINISHED, all_logs(job)
    artifact = job.artifacts.get()
    assert artifact.is_dir
    assert artifact.file.name.endswith("saved.tar.gz")


def test_a_failing_artifact_handler_fails_the_job_and_stores_nothing(writer, team, savers):
    job = ran(saving(writer, team, savers, "BrokenArtifactTask"), writer)
    assert job.status == Job.Status.FAILED
    assert "disk full" in job.failure_reason
    assert 'While saving artifact "saved" with BrokenArtifactTask' in all_logs(job)
    assert not job.artifacts.exists()


METRICS = """
import os

from dioptra import pyplugs
from dioptra.sdk.utilities.auth_client import get_authenticated_worker_client


@pyplugs.register
def work():
    jobs = get_authenticated_worker_client(None, "json").jobs
    job = os.environ["__JOB_ID"]
    jobs.append_metric_by_id(job, "loss", float("nan"))
    jobs.append_metric_by_id(job, "gain", float("inf"))
    jobs.append_metric_by_id(job, "drop", float("-inf"))
    for step in range(3):
        jobs.append_metric_by_id(job, "accuracy", 0.5 + step / 10, metric_step=step)
    jobs.append_metric_by_id(job, "accuracy", 0.99, metric_step=2)
"""


def test_metrics_keep_nan_and_infinity_and_a_step_posted_twice_overwrites(writer, team):
    job = ran(one_task(writer, team, METRICS), writer)
    assert job.status == Job.Status.FINISHED, all_logs(job)
    values = {(m.name, m.step): m.value for m in job.metrics.all()}
    assert values[("loss", 0)] is None  # NaN
    assert values[("gain", 0)] == math.inf
    assert values[("drop", 0)] == -math.inf
    assert [values[("accuracy", s)] for s in range(3)] == [0.5, 0.6, 0.99]


MANY_LINES = """
import logging

from dioptra import pyplugs


@pyplugs.register
def work():
    log = logging.getLogger("chatty")
    for index in range(50_000):
        log.info("line %d", index)
"""


def test_fifty_thousand_log_lines_are_all_stored_in_order(writer, team):
    job = ran(one_task(writer, team, MANY_LINES), writer)
    assert job.status == Job.Status.FINISHED
    lines = list(job.logs.filter(logger_name="chatty").values_list("message", flat=True))
    assert len(lines) == 50_000
    assert lines[0] == "line 0" and lines[-1] == "line 49999"
    assert lines == [f"line {i}" for i in range(50_000)]


SLEEPY = """
import time

from dioptra import pyplugs


@pyplugs.register
def work():
    time.sleep(60)
"""


def test_a_job_over_its_timeout_is_stopped_and_failed(writer, team):
    started = time.monotonic()
    job = ran(one_task(writer, team, SLEEPY), writer, timeout="1s")
    assert time.monotonic() - started < 20
    assert job.status == Job.Status.FAILED
    assert job.failure_reason == "timed out after 1s"
    assert "Job timed out after 1s." in all_logs(job)


def test_a_queued_job_can_be_cancelled_and_then_never_runs(hello, writer):
    job = hello.submit(writer)
    cancel_job(user=writer, job=job)
    job.refresh_from_db()
    assert (job.status, job.cancelled_by) == (Job.Status.CANCELLED, writer)
    job = run_now(job)
    assert job.status == Job.Status.CANCELLED
    assert not job.logs.exists()
    with pytest.raises(InvalidInputError, match=f"Job {job.pk} is already cancelled"):
        cancel_job(user=writer, job=job)


def test_a_finished_job_cannot_be_cancelled(hello, writer):
    job = run_now(hello.submit(writer))
    with pytest.raises(InvalidInputError, match=f"Job {job.pk} is already finished"):
        cancel_job(user=writer, job=job)


@pytest.mark.django_db(transaction=True)
def test_a_running_job_is_stopped_when_cancelled(writer, team):
    workflow = one_task(writer, team, SLEEPY)
    job = workflow.submit(writer)

    def run_and_close():
        run_now(job)
        connection.close()  # the thread's own connection

    runner = threading.Thread(target=run_and_close)
    runner.start()
    deadline = time.monotonic() + 20
    while Job.objects.get(pk=job.pk).status != Job.Status.STARTED:
        assert time.monotonic() < deadline, "the job never started"
        time.sleep(0.05)
    cancel_job(user=writer, job=Job.objects.get(pk=job.pk))
    runner.join(timeout=20)
    assert not runner.is_alive()
    job.refresh_from_db()
    assert job.status == Job.Status.CANCELLED
    assert job.cancelled_by == writer
    assert "Job cancelled; stopping its process." in all_logs(job)


def test_hello_reads_parameters(writer, team):
    job = ran(make_workflow(writer, team, code=HELLO), writer, values={"name": "Grace"})
    assert job.status == Job.Status.FINISHED
    assert [s.data["status"] for s in job.snapshots()] == ["queued", "started", "finished"]


def test_lines_already_read_are_kept_when_storing_is_slower_than_the_job(writer, team):
    """The job exits long before its backlog is written; nothing may be dropped."""
    from experiments.engine.process import run_in_child
    from experiments.tasks import build_bundle

    job = one_task(writer, team, MANY_LINES.replace("50_000", "5_000")).submit(writer)
    received: list[dict] = []

    def slow_sink(events):
        time.sleep(0.1)  # 50 batches of 100: five seconds, past the exit grace period
        received.extend(events)

    with run_in_child(
        build_bundle(job, Path("/nonexistent")),
        timeout_seconds=60,
        on_events=slow_sink,
        batch_size=100,
    ) as outcome:
        assert outcome.status == "finished"
    chatty = [e["message"] for e in received if e.get("logger") == "chatty"]
    assert chatty == [f"line {i}" for i in range(5_000)]
