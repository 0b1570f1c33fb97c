"""Real jobs in real child processes: plugins, logs, metrics, artifacts, failures, limits."""

import math
import subprocess
import sys
import time
from pathlib import Path

import pytest

from experiments.engine.process import PROJECT_ROOT, Outcome
from tests.engine.conftest import logs, messages, plugin

HELLO = """
import structlog
from dioptra import pyplugs

LOGGER = structlog.get_logger()


@pyplugs.register
def hello_world() -> None:
    LOGGER.info("Hello, World! Welcome to Dioptra.")
"""


def job(tasks, graph, plugins, **extra) -> dict:
    description = {"tasks": tasks, "graph": graph}
    for key in ("types", "parameters", "artifact_outputs", "artifact_inputs"):
        if key in extra:
            description[key] = extra.pop(key)
    return {"job_id": 7, "description": description, "plugins": plugins, **extra}


def hello_job() -> dict:
    return job(
        {"hello_world": {"plugin": "hello_world_plugin.plugin_1.hello_world"}},
        {"hello_step": {"task": "hello_world"}},
        [plugin("hello_world_plugin", {"plugin_1.py": HELLO})],
    )


def failing_job(code: str, **extra) -> dict:
    return job(
        {"boom": {"plugin": "bad.tasks.boom"}},
        {"explode": {"task": "boom"}},
        [plugin("bad", {"tasks.py": code})],
        **extra,
    )


def test_hello_world_with_pyplugs_and_structlog(run_job):
    outcome, events = run_job(hello_job())
    assert isinstance(outcome, Outcome)
    assert (outcome.status, outcome.reason, outcome.returncode) == ("finished", "", 0)
    entries = [(e["severity"], e["logger"], e["message"]) for e in logs(events)]
    assert entries == [
        ("INFO", "dioptra.task_engine.task_engine", "Running step: hello_step"),
        ("INFO", "hello_world_plugin.plugin_1", "Hello, World! Welcome to Dioptra."),
        ("INFO", "dioptra.worker", "=== Run succeeded ==="),
    ]
    assert all(e["time"].endswith("+00:00") for e in logs(events))
    assert outcome.workdir.is_dir()
    outcome.cleanup()
    assert not outcome.workdir.exists()


def test_parameters_references_and_outputs_flow_between_steps(run_job):
    code = """
    import logging
    import os
    import sys
    import warnings

    import dioptra
    import structlog
    from dioptra import pyplugs

    log = structlog.get_logger()


    @pyplugs.register
    def make(n: int, label: str):
        return [label] * n, n * 2


    @pyplugs.register()
    def show(items, total, extra=None):
        log.info("showing", items=items, total=total, extra=extra)
        logging.getLogger("custom.logger").warning("plain %s logging", "stdlib")
        logging.getLogger("custom.logger").debug("not shown at INFO")
        warnings.warn("careful now", RuntimeWarning)
        print("to stdout")
        print("to stderr", file=sys.stderr)
        log.info(
            "environment",
            shim=getattr(dioptra, "IS_COMPAT_SHIM", False),
            job=os.environ["__JOB_ID"],
            database=os.environ.get("DATABASE_URL"),
            cwd_is_job_dir=os.getcwd() == os.path.dirname(os.path.abspath(".dioptra")),
        )
    """
    bundle = job(
        {
            "make": {
                "plugin": "demo.sub.steps.make",
                "inputs": [{"name": "n", "type": "integer"}, {"name": "label", "type": "string"}],
                "outputs": [{"items": "any"}, {"total": "integer"}],
            },
            "show": {
                "plugin": "demo.sub.steps.show",
                "inputs": [
                    {"name": "items", "type": "any"},
                    {"name": "total", "type": "integer"},
                    {"name": "extra", "type": "any", "required": False},
                ],
            },
        },
        {
            "second": {"show": ["$first.items", "$first.total"], "dependencies": "first"},
            "first": {"task": "make", "args": ["$n"], "kwargs": {"label": "$$x"}},
        },
        [plugin("demo", {"sub/steps.py": code})],
        parameters={"n": {"type": "integer", "default": 1}},
    )
    bundle["parameters"] = {"n": 2, "unused": "x"}
    outcome, events = run_job(bundle, env={"DATABASE_URL": "postgres://secret", "PATH": "/usr/bin"})
    assert outcome.status == "finished", messages(events)
    found = {(e["severity"], e["logger"], e["message"].split("\n")[0]) for e in logs(events)}
    assert {
        (
            "WARNING",
            "dioptra.task_engine.task_engine",
            "Some global parameters were unused: unused",
        ),
        ("INFO", "dioptra.task_engine.task_engine", "Running step: first"),
        ("INFO", "demo.sub.steps", "showing items=['$x', '$x'] total=4 extra=None"),
        ("WARNING", "custom.logger", "plain stdlib logging"),
        ("INFO", "stdout", "to stdout"),
        ("WARNING", "stderr", "to stderr"),
        (
            "INFO",
            "demo.sub.steps",
            "environment shim=True job=7 database=None cwd_is_job_dir=True",
        ),
    } <= found
    assert not any("not shown" in m for m in messages(events))
    (warning,) = [e for e in logs(events) if e["logger"] == "py.warnings"]
    assert warning["severity"] == "WARNING"
    assert "RuntimeWarning: careful now" in warning["message"]


def test_debug_level_shows_args(run_job):
    outcome, events = run_job(hello_job(), log_level="DEBUG")
    assert outcome.status == "finished"
    assert "args: []" in messages(events)


METRICS = """
import math
import os

import structlog
from dioptra import pyplugs
from dioptra.sdk.utilities.auth_client import get_authenticated_worker_client

LOGGER = structlog.get_logger()


@pyplugs.register
def post_metrics() -> None:
    client = get_authenticated_worker_client(LOGGER, "json")
    job_id = os.environ["__JOB_ID"]
    for step, value in enumerate([0.5, float("nan"), math.inf, -math.inf]):
        client.jobs.append_metric_by_id(job_id, "accuracy", value, step)
    client.jobs.append_metric_by_id(
        int(job_id), "loss", 3, timestamp="2024-01-01T00:00:00+00:00"
    )
    for bad in ("1abc", "with space", "", "_"):
        try:
            client.jobs.append_metric_by_id(job_id, bad, 1.0)
        except ValueError as exc:
            LOGGER.warning(str(exc))
    try:
        client.jobs.append_metric_by_id(999, "accuracy", 1.0)
    except ValueError as exc:
        LOGGER.warning(str(exc))
"""


def test_metrics_are_sent_through_the_event_channel_with_special_values(run_job):
    bundle = job(
        {"post_metrics": {"plugin": "metrics.tasks.post_metrics"}},
        {"post": {"task": "post_metrics"}},
        [plugin("metrics", {"tasks.py": METRICS})],
    )
    outcome, events = run_job(bundle)
    assert outcome.status == "finished", messages(events)
    metrics = [e for e in events if e["type"] == "metric"]
    assert [(m["name"], m["value"], m["step"]) for m in metrics] == [
        ("accuracy", 0.5, 0),
        ("accuracy", "nan", 1),
        ("accuracy", "inf", 2),
        ("accuracy", "-inf", 3),
        ("loss", 3.0, 0),
    ]
    assert metrics[-1]["timestamp"] == "2024-01-01T00:00:00+00:00"
    assert metrics[0]["timestamp"].endswith("+00:00")
    rejected = [m for m in messages(events) if "Invalid metric name" in m]
    assert len(rejected) == 4
    assert "job 7 may not post metrics to job 999" in messages(events)
    values = [m["value"] for m in metrics]
    assert math.isnan(float(values[1]))


ARTIFACTS = """
from pathlib import Path

from dioptra import pyplugs
from dioptra.sdk.api.artifact import ArtifactTaskInterface


class TextArtifactTask(ArtifactTaskInterface):
    @staticmethod
    def serialize(working_dir: Path, name: str, contents, **kwargs) -> Path:
        path = working_dir / f"{name}.{kwargs.get('suffix', 'txt')}"
        path.write_bytes(contents if isinstance(contents, bytes) else str(contents).encode())
        return path

    @staticmethod
    def deserialize(working_dir: Path, path: str, **kwargs):
        return (working_dir / path).read_text()

    @staticmethod
    def validation():
        return {"suffix": {"type": "string", "enum": ["txt", "npy"]}}


class DirectoryArtifactTask(ArtifactTaskInterface):
    @staticmethod
    def serialize(working_dir: Path, name: str, contents, **kwargs) -> Path:
        folder = working_dir / name
        folder.mkdir()
        for index, item in enumerate(contents):
            (folder / f"{index}.txt").write_text(str(item))
        return Path(name)


class BrokenArtifactTask(ArtifactTaskInterface):
    @staticmethod
    def serialize(working_dir, name, contents, **kwargs):
        raise OSError("disk full")


@pyplugs.register
def numbers(n: int) -> list:
    return list(range(n))
"""


def artifact_job(artifact_outputs: dict) -> dict:
    return job(
        {
            "numbers": {
                "plugin": "store.savers.numbers",
                "inputs": [{"name": "n", "type": "integer"}],
                "outputs": {"output": "any"},
            }
        },
        {"make": {"numbers": [3]}},
        [plugin("store", {"savers.py": ARTIFACTS})],
        artifact_outputs=artifact_outputs,
        artifact_plugins=[
            plugin(
                "store",
                {"savers.py": ARTIFACTS},
                tasks=[
                    {
                        "name": name,
                        "filename": "savers.py",
                        "task_id": index,
                        "plugin_snapshot_id": 41,
                    }
                    for index, name in enumerate(
                        ["TextArtifactTask", "DirectoryArtifactTask", "BrokenArtifactTask"]
                    )
                ],
            )
        ],
    )


def test_artifact_outputs_are_serialized_and_reported(run_job):
    bundle = artifact_job(
        {
            "numbers_file": {
                "contents": "$make.output",
                "task": {"name": "TextArtifactTask", "args": {"suffix": "npy"}},
            },
            "numbers_dir": {"contents": "$make", "task": {"name": "DirectoryArtifactTask"}},
            "literal": {"contents": "$$5", "task": {"name": "TextArtifactTask"}},
        }
    )
    outcome, events = run_job(bundle)
    assert outcome.status == "finished", messages(events)
    by_name = {a["name"]: a for a in outcome.artifacts}
    assert [e for e in events if e["type"] == "artifact"] == outcome.artifacts
    saved = by_name["numbers_file"]
    assert saved["task"] == "TextArtifactTask"
    assert (saved["task_id"], saved["plugin_snapshot_id"]) == (0, 41)
    assert Path(saved["path"]) == outcome.workdir / "numbers_file.npy"
    assert Path(saved["path"]).read_text() == "[0, 1, 2]"
    assert (saved["is_dir"], saved["size"]) == (False, 9)
    folder = by_name["numbers_dir"]
    assert folder["is_dir"] is True
    assert Path(folder["path"]).is_absolute()
    assert sorted(p.name for p in Path(folder["path"]).iterdir()) == ["0.txt", "1.txt", "2.txt"]
    assert Path(by_name["literal"]["path"]).read_text() == "$5"
    outcome.cleanup()
    assert not Path(saved["path"]).exists()


def test_artifact_args_are_validated_by_the_handler_schema(run_job):
    bundle = artifact_job(
        {"f": {"contents": "$make", "task": {"name": "TextArtifactTask", "args": {"suffix": "x"}}}}
    )
    outcome, events = run_job(bundle)
    assert outcome.status == "failed"
    assert outcome.reason.startswith("ValidationFailedError: Errors found in Job YAML")
    assert "'x' is not one of ['txt', 'npy']" in outcome.reason


def test_a_failing_artifact_handler_fails_the_job(run_job):
    bundle = artifact_job({"f": {"contents": "$make", "task": {"name": "BrokenArtifactTask"}}})
    outcome, events = run_job(bundle)
    assert (outcome.status, outcome.reason) == ("failed", "OSError: disk full")
    assert outcome.artifacts == []
    failure = [e for e in logs(events) if e["message"].startswith("Job failed.")]
    assert failure and failure[0]["severity"] == "ERROR"
    assert 'While saving artifact "f" with BrokenArtifactTask' in failure[0]["message"]


def test_an_unknown_artifact_task_class_fails_the_job(run_job):
    bundle = artifact_job({})
    bundle["artifact_plugins"][0]["tasks"].append({"name": "Ghost", "filename": "savers.py"})
    outcome, _ = run_job(bundle)
    assert outcome.status == "failed"
    assert outcome.reason == (
        'ArtifactTaskNotFoundError: Artifact task "Ghost" not found in module store.savers'
    )


def test_artifact_inputs_are_deserialized_with_their_plugin(run_job, tmp_path):
    stored = tmp_path / "stored" / "numbers_file.npy"
    stored.parent.mkdir()
    stored.write_text("[0, 1, 2]")
    code = """
    import structlog
    from dioptra import pyplugs

    @pyplugs.register
    def show(value):
        structlog.get_logger().info("got", value=value)
    """
    bundle = job(
        {"show": {"plugin": "viewer.tasks.show", "inputs": [{"name": "value", "type": "any"}]}},
        {"look": {"show": ["$previous"]}, "again": {"show": ["$previous.text"]}},
        [plugin("viewer", {"tasks.py": code})],
        artifact_inputs={"previous": {"text": "string"}},
    )
    bundle["artifact_inputs"] = {
        "previous": {
            "path": str(stored),
            "plugin": plugin("store", {"savers.py": ARTIFACTS}),
            "task": {"name": "TextArtifactTask", "filename": "savers.py"},
        }
    }
    outcome, events = run_job(bundle)
    assert outcome.status == "finished", messages(events)
    assert messages(events).count("got value=[0, 1, 2]") == 2
    assert stored.read_text() == "[0, 1, 2]"


def test_a_plugin_that_raises(run_job):
    code = """
    from dioptra import pyplugs

    @pyplugs.register
    def boom():
        raise ValueError("boom")
    """
    outcome, events = run_job(failing_job(code))
    assert (outcome.status, outcome.reason, outcome.returncode) == ("failed", "ValueError: boom", 1)
    (failure,) = [e for e in logs(events) if e["message"].startswith("Job failed.")]
    assert failure["severity"] == "ERROR"
    assert "Traceback (most recent call last)" in failure["message"]
    assert 'raise ValueError("boom")' in failure["message"]
    assert 'In step "explode"' in failure["message"]


def test_a_syntax_error_in_a_plugin(run_job):
    outcome, events = run_job(failing_job("def boom(:\n    pass\n"))
    assert outcome.status == "failed"
    assert outcome.reason.startswith("SyntaxError: ")
    assert any("tasks.py" in m and "SyntaxError" in m for m in messages(events))


def test_an_import_of_a_missing_module(run_job):
    code = "import not_a_real_module_xyz\n"
    outcome, _ = run_job(failing_job(code))
    assert outcome.status == "failed"
    assert outcome.reason == "ModuleNotFoundError: No module named 'not_a_real_module_xyz'"


def test_an_undecorated_task(run_job):
    outcome, _ = run_job(failing_job("def boom():\n    return 1\n"))
    assert outcome.status == "failed"
    assert outcome.reason.startswith("UnknownPluginError: Could not find any plug-in named 'tasks'")


def test_wrong_number_of_outputs_warns_then_a_missing_output_fails(run_job):
    code = """
    from dioptra import pyplugs

    @pyplugs.register
    def pair():
        return 1, 2

    @pyplugs.register
    def show(value):
        print(value)
    """
    bundle = job(
        {
            "pair": {
                "plugin": "p.tasks.pair",
                "outputs": [{"a": "any"}, {"b": "any"}, {"c": "any"}],
            },
            "show": {"plugin": "p.tasks.show", "inputs": [{"name": "value", "type": "any"}]},
        },
        {"make": {"task": "pair"}, "use_b": {"show": ["$make.b"]}, "use_c": {"show": ["$make.c"]}},
        [plugin("p", {"tasks.py": code})],
    )
    outcome, events = run_job(bundle)
    assert outcome.status == "failed"
    assert (
        outcome.reason
        == 'OutputNotFoundError: In step "use_c": Unrecognized output of step "make": c'
    )
    assert 'Different numbers of outputs and output definitions for step "make": 2 != 3' in (
        messages(events)
    )
    assert "2" in messages(events), "use_b ran before use_c failed"


def test_validation_errors_and_missing_parameters_fail_the_job(run_job):
    bundle = hello_job()
    bundle["description"]["graph"]["other"] = {"ghost_task": []}
    outcome, _ = run_job(bundle)
    assert outcome.status == "failed"
    assert "unrecognized task plugin: ghost_task" in outcome.reason
    bundle = hello_job()
    bundle["description"]["parameters"] = {"needed": {"type": "string"}, "also": {"type": "number"}}
    outcome, _ = run_job(bundle)
    assert outcome.reason == (
        "MissingGlobalParametersError: Missing values for global parameters: also, needed"
    )


def test_timeout_kills_the_job(run_job):
    code = """
    import subprocess, sys, time
    from dioptra import pyplugs

    @pyplugs.register
    def boom():
        # A grandchild holding the pipes open must not keep the supervisor waiting.
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        print("sleeping", flush=True)
        time.sleep(60)
    """
    started = time.monotonic()
    outcome, events = run_job(failing_job(code), timeout_seconds=1)
    assert time.monotonic() - started < 10
    assert (outcome.status, outcome.reason) == ("failed", "timed out after 1s")
    assert "sleeping" in messages(events)
    assert "Job timed out after 1s." in messages(events)


def test_cancel_kills_the_job(run_job):
    code = """
    import time
    from dioptra import pyplugs

    @pyplugs.register
    def boom():
        print("working", flush=True)
        time.sleep(60)
    """
    seen: list[dict] = []

    def should_cancel():
        return "working" in messages(seen)

    started = time.monotonic()
    outcome, _ = run_job(
        failing_job(code),
        on_events=seen.extend,
        should_cancel=should_cancel,
        cancel_interval=0.05,
        batch_interval=0.05,
    )
    assert time.monotonic() - started < 10
    assert (outcome.status, outcome.reason) == ("cancelled", "cancelled")
    assert "Job cancelled; stopping its process." in messages(seen)


def test_a_child_killed_by_sigkill(run_job):
    code = """
    import os, signal
    from dioptra import pyplugs

    @pyplugs.register
    def boom():
        os.kill(os.getpid(), signal.SIGKILL)
    """
    outcome, events = run_job(failing_job(code))
    assert (outcome.status, outcome.reason) == ("failed", "the job process was killed by SIGKILL")
    assert outcome.returncode == -9
    assert "Running step: explode" in messages(events)


def test_a_child_that_exits_without_a_result(run_job):
    code = """
    import os
    from dioptra import pyplugs

    @pyplugs.register
    def boom():
        print("bye")
        os._exit(3)
    """
    outcome, events = run_job(failing_job(code))
    assert outcome.status == "failed"
    assert outcome.reason == "the job process exited with code 3 without reporting a result"
    assert "bye" in messages(events)


def test_heartbeat_is_called_while_the_job_runs(run_job):
    code = """
    import time
    from dioptra import pyplugs

    @pyplugs.register
    def boom():
        time.sleep(0.6)
    """
    beats = []
    outcome, _ = run_job(
        failing_job(code), heartbeat=lambda: beats.append(time.monotonic()), heartbeat_interval=0.1
    )
    assert outcome.status == "finished"
    assert len(beats) >= 3


def test_fifty_thousand_log_lines_all_arrive_in_order(run_job):
    code = """
    import logging
    import sys
    from dioptra import pyplugs

    @pyplugs.register
    def boom():
        log = logging.getLogger("flood")
        for index in range(50_000):
            log.info("line %d", index)
            if index % 5 == 0:
                print(f"out {index}")
            if index % 10 == 0:
                print(f"err {index}", file=sys.stderr)
    """
    batches: list[list[dict]] = []
    started = time.monotonic()
    outcome, _ = run_job(failing_job(code), on_events=batches.append, batch_size=500)
    elapsed = time.monotonic() - started
    assert outcome.status == "finished"
    events = [e for batch in batches for e in batch]
    assert max(len(batch) for batch in batches) <= 500
    flood = [e["message"] for e in events if e.get("logger") == "flood"]
    assert flood == [f"line {i}" for i in range(50_000)]
    stdout = [e["message"] for e in events if e.get("logger") == "stdout"]
    assert stdout == [f"out {i}" for i in range(0, 50_000, 5)]
    stderr = [e["message"] for e in events if e.get("logger") == "stderr"]
    assert stderr == [f"err {i}" for i in range(0, 50_000, 10)]
    print(f"{len(events)} events in {elapsed:.2f}s ({len(events) / elapsed:,.0f}/s)")


def test_the_engine_does_not_load_django():
    code = (
        "import sys\n"
        "import experiments.engine.validation, experiments.engine.process\n"
        "import experiments.engine.runner, experiments.engine.signatures\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'django', 'dioptra'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_a_failing_event_consumer_stops_the_job_and_removes_its_folder(run_job, tmp_path):
    def broken(events):
        raise RuntimeError("database is down")

    with pytest.raises(RuntimeError, match="database is down"):
        run_job(hello_job(), on_events=broken, temp_root=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_log_level_falls_back_to_info(run_job):
    outcome, events = run_job(hello_job(), log_level="LOUD")
    assert outcome.status == "finished"
    assert "Running step: hello_step" in messages(events)
