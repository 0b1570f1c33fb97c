"""NIST's own client (dioptra-platform) against our live server: users can switch to us."""

import pytest
from dioptra.client import connect_json_dioptra_client
from dioptra.client.base import StatusCodeError

from .conftest import (
    HELLO_WORLD_PLUGIN,
    NAME_PARAMETER,
    PASSWORD,
    TASK_GRAPH,
    create_hello_world_plugin,
)


@pytest.fixture
def official(api_address):
    client = connect_json_dioptra_client(api_address)
    yield client
    client.close()


def test_official_client_round_trip(official):
    registered = official.users.create("alice", "alice@example.org", PASSWORD)
    (public,) = registered["groups"]
    login = official.auth.login("alice", PASSWORD)
    current = official.users.get_current()
    plugin_id = create_hello_world_plugin("alice")

    queue = official.queues.create(public["id"], "tensorflow-cpu", description="CPU")
    entrypoint = official.entrypoints.create(
        group_id=public["id"],
        name="hello",
        task_graph=TASK_GRAPH,
        description="Says hello",
        parameters=[NAME_PARAMETER],
        queues=[queue["id"]],
        plugins=[plugin_id],
    )
    created = official.experiments.create(
        public["id"], "mnist", description="Digits", entrypoints=[entrypoint["id"]]
    )
    fetched = official.experiments.get_by_id(created["id"])
    searched = official.experiments.get(search="name:mni*", sort_by="name", descending=True)
    modified = official.experiments.modify_by_id(
        created["id"], "mnist-2", "Handwritten digits", [entrypoint["id"]]
    )
    entrypoints = official.experiments.entrypoints.get(created["id"])
    deleted = official.experiments.delete_by_id(created["id"])

    assert public["name"] == "public"
    assert login == {"username": "alice", "status": "Login successful"}
    assert current["id"] == registered["id"]
    assert queue["name"] == "tensorflow-cpu"
    assert queue["description"] == "CPU"
    assert entrypoint["name"] == "hello"
    assert entrypoint["taskGraph"] == TASK_GRAPH
    assert [q["id"] for q in entrypoint["queues"]] == [queue["id"]]
    assert created["name"] == "mnist"
    assert created["description"] == "Digits"
    assert created["group"] == {"id": public["id"], "name": "public", "url": public["url"]}
    assert created["user"]["username"] == "alice"
    assert created["entrypoints"] == [
        {
            "id": entrypoint["id"],
            "name": "hello",
            "group": created["group"],
            "url": f"/api/v1/entrypoints/{entrypoint['id']}",
        }
    ]
    assert created["hasDraft"] is False
    assert created["latestSnapshot"] is True
    assert fetched == created
    assert searched["totalNumResults"] == 1
    assert searched["data"] == [created]
    assert modified["id"] == created["id"]
    assert modified["name"] == "mnist-2"
    assert modified["description"] == "Handwritten digits"
    assert modified["snapshot"] > created["snapshot"]
    assert entrypoints == created["entrypoints"]
    assert deleted == {"status": "Success", "id": [created["id"]]}
    with pytest.raises(StatusCodeError) as caught:
        official.experiments.get_by_id(created["id"])
    assert caught.value.status_code == 404


def test_official_client_logout(official):
    official.users.create("alice", "alice@example.org", PASSWORD)
    official.auth.login("alice", PASSWORD)

    answer = official.auth.logout(everywhere=True)

    assert answer == {"username": "alice", "everywhere": True, "status": "Logout successful"}
    with pytest.raises(StatusCodeError) as caught:
        official.users.get_current()
    assert caught.value.status_code == 401


def test_official_client_plugins_types_and_workflows(official):
    registered = official.users.create("alice", "alice@example.org", PASSWORD)
    (public,) = registered["groups"]
    official.auth.login("alice", PASSWORD)
    [string] = official.plugin_parameter_types.get(search="name:string")["data"]

    kind = official.plugin_parameter_types.create(
        public["id"], "greeting", description="A greeting", structure={"list": "string"}
    )
    plugin = official.plugins.create(public["id"], "hello_world", description="Greets")
    file = official.plugins.files.create(
        plugin["id"],
        "tasks.py",
        HELLO_WORLD_PLUGIN,
        function_tasks=[
            {
                "name": "hello_world",
                "inputParams": [{"name": "name", "parameterType": string["id"], "required": True}],
                "outputParams": [{"name": "out", "parameterType": kind["id"]}],
            }
        ],
    )
    fields = dict(task_graph=TASK_GRAPH, parameters=[NAME_PARAMETER], plugins=[plugin["id"]])
    checked = official.entrypoints.create(public["id"], "hello", validate_only=True, **fields)
    entrypoint = official.entrypoints.create(public["id"], "hello", **fields)
    pinned = official.entrypoints.plugins.get(entrypoint["id"])
    config = official.entrypoints.snapshots.get_config(entrypoint["id"], entrypoint["snapshot"])
    with pytest.raises(StatusCodeError) as caught:
        official.entrypoints.create(
            public["id"], "broken", "greet:\n  no_such_task: {}\n", plugins=[plugin["id"]]
        )

    assert kind["structure"] == {"list": "string"}
    assert official.plugin_parameter_types.get_by_id(kind["id"]) == kind
    [task] = file["tasks"]["functions"]
    assert task["outputParams"][0]["parameterType"]["id"] == kind["id"]
    assert [f["id"] for f in official.plugins.get_by_id(plugin["id"])["files"]] == [file["id"]]
    assert checked["name"] == "hello" and "id" not in checked
    assert [p["id"] for p in pinned] == [plugin["id"]]
    assert config["tasks"]["hello_world"]["outputs"] == {"out": "greeting"}
    assert config["types"]["greeting"] == {"list": "string"}
    assert caught.value.status_code == 400


def test_official_client_jobs_status_metrics_and_logs(official):
    registered = official.users.create("alice", "alice@example.org", PASSWORD)
    (public,) = registered["groups"]
    official.auth.login("alice", PASSWORD)
    plugin_id = create_hello_world_plugin("alice")
    queue = official.queues.create(public["id"], "tensorflow-cpu")
    entrypoint = official.entrypoints.create(
        public["id"],
        "hello",
        TASK_GRAPH,
        parameters=[NAME_PARAMETER],
        queues=[queue["id"]],
        plugins=[plugin_id],
    )
    experiment = official.experiments.create(public["id"], "mnist", entrypoints=[entrypoint["id"]])

    job = official.experiments.jobs.create(
        experiment["id"], entrypoint["id"], queue["id"], values={"name": "Ada"}, timeout="1h"
    )
    status = official.experiments.jobs.get_status(experiment["id"], job["id"])
    started = official.experiments.jobs.set_status(experiment["id"], job["id"], "started")
    official.jobs.append_metric_by_id(job["id"], "loss", 0.5, metric_step=1)
    official.jobs.append_metric_by_id(job["id"], "gap", float("nan"))
    official.jobs.append_logs_by_id(
        job["id"], [{"severity": "INFO", "loggerName": "hello.tasks", "message": "Hello, Ada!"}]
    )
    metrics = official.jobs.get_metrics_by_id(job["id"])
    history = official.jobs.get_metrics_snapshots_by_id(job["id"], "loss")
    logs = official.jobs.get_logs_by_id(job["id"], severity=["INFO"])
    parameters = official.jobs.get_parameters(job["id"])
    listed = official.jobs.get(search="status:started")

    assert job["status"] == "queued" and job["values"] == {"name": "Ada"}
    assert job["timeout"] == "1h"
    assert status == {"id": job["id"], "status": "queued"}
    assert started == {"id": job["id"], "status": "started"}
    assert official.jobs.get_status(job["id"])["status"] == "started"
    assert sorted(metrics, key=lambda m: m["name"]) == [
        {"name": "gap", "value": "nan"},
        {"name": "loss", "value": 0.5},
    ]
    assert [(m["step"], m["value"]) for m in history["data"]] == [(1, 0.5)]
    assert [r["message"] for r in logs["data"]] == ["Hello, Ada!"]
    assert parameters == {"name": "Ada"}
    assert [j["id"] for j in listed["data"]] == [job["id"]]
