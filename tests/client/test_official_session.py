"""One realistic session of NIST's own client (dioptra-platform) against our live
server, as a Dioptra user would work: register, build a workflow, run a job on
a real worker, read what it did, tag, look back at versions, draft a queue.

The worker is our database worker, run in this process for the job's queue; the
live server shares the test's database.
"""

import tarfile

import pytest
import requests
from dioptra.client import connect_json_dioptra_client
from dioptra.client.base import StatusCodeError
from dioptra.client.utils import FileTypes

from experiments.management.commands.worker import run_db_worker
from experiments.task_backends import task_queue_name
from tests.jobs.conftest import keep_signal_handlers  # noqa: F401 (a fixture)

from .conftest import PASSWORD

GREETINGS = """\
import os

import structlog
from dioptra import pyplugs
from dioptra.sdk.utilities.auth_client import get_authenticated_worker_client

LOGGER = structlog.get_logger()


@pyplugs.register
def greet(name: str, times: int) -> str:
    message = " ".join([f"Hello, {name}!"] * times)
    LOGGER.info("greeting made", message=message)
    client = get_authenticated_worker_client(LOGGER, "json")
    client.jobs.append_metric_by_id(
        int(os.environ["__JOB_ID"]), "greeting_length", len(message), metric_step=1
    )
    return message


@pyplugs.register
def shout(text: str) -> str:
    loud = text.upper()
    LOGGER.info("shouted", loud=loud)
    return loud
"""
GRAPH = """\
greet_step:
  greet:
    name: $name
    times: $times
shout_step:
  shout:
    text: $greet_step
"""
PARAMETERS = [
    {"name": "name", "defaultValue": "World", "parameterType": "string"},
    {"name": "times", "defaultValue": "1", "parameterType": "integer"},
]


@pytest.fixture
def official(api_address):
    client = connect_json_dioptra_client(api_address)
    yield client
    client.close()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def type_id(official, name: str) -> int:
    (found,) = official.plugin_parameter_types.get(search=f"name:{name}")["data"]
    return found["id"]


def test_a_dioptra_users_session(
    official,
    api_address,
    tmp_path,
    media,
    keep_signal_handlers,  # noqa: F811
):
    # Register and log in; the first user creates `public`.
    registered = official.users.create("ada", "ada@example.org", PASSWORD)
    (public,) = registered["groups"]
    login = official.auth.login("ada", PASSWORD)
    group = public["id"]
    assert login == {"username": "ada", "status": "Login successful"}
    assert official.users.get_current()["username"] == "ada"

    # A queue, a plugin with one file registering two tasks, an entrypoint, an experiment.
    queue = official.queues.create(group, "ada-cpu", description="Ada's CPU workers")
    string, integer = type_id(official, "string"), type_id(official, "integer")
    plugin = official.plugins.create(group, "greetings", description="Says hello")
    file = official.plugins.files.create(
        plugin["id"],
        "tasks.py",
        GREETINGS,
        function_tasks=[
            {
                "name": "greet",
                "inputParams": [
                    {"name": "name", "parameterType": string, "required": True},
                    {"name": "times", "parameterType": integer, "required": True},
                ],
                "outputParams": [{"name": "message", "parameterType": string}],
            },
            {
                "name": "shout",
                "inputParams": [{"name": "text", "parameterType": string, "required": True}],
                "outputParams": [{"name": "loud", "parameterType": string}],
            },
        ],
        description="The greeting tasks",
    )
    entrypoint = official.entrypoints.create(
        group,
        "hello",
        GRAPH,
        description="Greets, then shouts",
        parameters=PARAMETERS,
        queues=[queue["id"]],
        plugins=[plugin["id"]],
    )
    experiment = official.experiments.create(
        group, "greetings-study", description="How loud?", entrypoints=[entrypoint["id"]]
    )
    assert [t["name"] for t in file["tasks"]["functions"]] == ["greet", "shout"]
    assert official.plugins.get_by_id(plugin["id"])["files"][0]["filename"] == "tasks.py"
    assert entrypoint["parameters"] == PARAMETERS
    assert [p["name"] for p in entrypoint["plugins"]] == ["greetings"]
    assert [q["name"] for q in entrypoint["queues"]] == ["ada-cpu"]
    assert [e["name"] for e in experiment["entrypoints"]] == ["hello"]

    # Submit a job; it waits on the queue until a worker serves that queue.
    job = official.experiments.jobs.create(
        experiment["id"],
        entrypoint["id"],
        queue["id"],
        values={"name": "Ada", "times": "2"},
        timeout="10m",
        description="First run",
    )
    assert job["status"] == "queued"
    assert job["values"] == {"name": "Ada", "times": "2"}
    assert job["entrypoint"]["snapshotId"] == entrypoint["snapshot"]
    assert official.jobs.get_parameters(job["id"]) == {"name": "Ada", "times": 2}

    run_db_worker([task_queue_name(queue["name"])], burst=True, max_tasks=None, interval=0)

    # What the user sees afterwards: finished, its logs and the metric its plugin posted.
    finished = official.jobs.get_by_id(job["id"])
    logs = official.jobs.get_logs_by_id(job["id"], page_length=1000)
    messages = "\n".join(record["message"] for record in logs["data"])
    assert finished["status"] == "finished", messages
    assert official.experiments.jobs.get_status(experiment["id"], job["id"]) == {
        "id": job["id"],
        "status": "finished",
    }
    assert "Running step: greet_step" in messages
    assert "HELLO, ADA! HELLO, ADA!" in messages
    assert official.jobs.get_metrics_by_id(job["id"]) == [
        {"name": "greeting_length", "value": len("Hello, Ada! Hello, Ada!")}
    ]
    history = official.jobs.get_metrics_snapshots_by_id(job["id"], "greeting_length")
    assert [(m["step"], m["value"]) for m in history["data"]] == [(1, 23)]
    per_job = official.experiments.get_metrics_by_id(experiment["id"])["data"]
    assert per_job == [{"id": job["id"], "metrics": [{"name": "greeting_length", "value": 23}]}]
    assert official.jobs.get_artifact_parameters(job["id"]) == {}

    # Record where the job's result went (a shared disk), as Dioptra's worker registers it.
    artifact = official.artifacts.create(
        group, job["id"], "file:///shared/greetings/first-run.txt", description="The greeting"
    )
    assert official.jobs.get_by_id(job["id"])["artifacts"] == [
        {
            "id": artifact["id"],
            "group": artifact["group"],
            "url": f"/api/v1/artifacts/{artifact['id']}",
        }
    ]

    # Tag the experiment and the job.
    baseline = official.tags.create(group, "baseline")
    reviewed = official.tags.create(group, "reviewed")
    official.experiments.tags.append(experiment["id"], ids=[baseline["id"]])
    job_tags = official.jobs.tags.modify(job["id"], ids=[reviewed["id"], baseline["id"]])
    assert [t["name"] for t in official.experiments.get_by_id(experiment["id"])["tags"]] == [
        "baseline"
    ]
    assert [t["name"] for t in job_tags] == ["reviewed", "baseline"]
    assert [j["id"] for j in official.jobs.get(search="tag:reviewed")["data"]] == [job["id"]]

    # Change the entrypoint, then look back at its snapshots and what the job ran.
    changed = official.entrypoints.modify_by_id(
        entrypoint["id"],
        "hello",
        GRAPH,
        None,
        "Greets twice by default",
        [PARAMETERS[0], {**PARAMETERS[1], "defaultValue": "2"}],
        None,
        [queue["id"]],
        None,
        None,
    )
    snapshots = official.entrypoints.snapshots.get(entrypoint["id"])["data"]
    first = official.entrypoints.snapshots.get_by_id(
        entrypoint["id"], snapshot_id=entrypoint["snapshot"]
    )
    config = official.entrypoints.snapshots.get_config(entrypoint["id"], entrypoint["snapshot"])
    bundle = official.entrypoints.snapshots.get_plugins_bundle(
        entrypoint["id"], job["entrypoint"]["snapshotId"], FileTypes.TAR_GZ, output_dir=tmp_path
    )
    assert [s["snapshot"] for s in snapshots] == [entrypoint["snapshot"], changed["snapshot"]]
    assert [s["latestSnapshot"] for s in snapshots] == [False, True]
    assert first["description"] == "Greets, then shouts"
    assert first["parameters"] == PARAMETERS
    assert config["parameters"]["times"] == {"default": 1, "type": "integer"}
    assert set(config["tasks"]) == {"greet", "shout"}
    with tarfile.open(bundle, "r:gz") as archive:
        assert archive.extractfile("greetings/tasks.py").read().decode() == GREETINGS
        assert "manifest.json" in archive.getnames()
    assert official.jobs.get_by_id(job["id"])["entrypoint"]["snapshotId"] == entrypoint["snapshot"]

    # Draft a queue, then commit it.
    draft = official.queues.new_resource_drafts.create(
        group_id=group, name="ada-gpu", description="Not bought yet"
    )
    committed = official.workflows.commit_draft(draft["id"])
    gpu = official.queues.get_by_id(*committed["id"])
    assert committed["status"] == "Success"
    assert (gpu["name"], gpu["description"]) == ("ada-gpu", "Not bought yet")
    assert sorted(q["name"] for q in official.queues.get()["data"]) == ["ada-cpu", "ada-gpu"]
    with pytest.raises(StatusCodeError) as gone:
        official.queues.new_resource_drafts.get_by_id(draft_id=draft["id"])
    assert gone.value.status_code == 404

    # The server says it is healthy, to anyone.
    health = requests.get(f"{api_address}/health", timeout=10)
    assert health.status_code == 200 and health.json()["status"] == "healthy"
