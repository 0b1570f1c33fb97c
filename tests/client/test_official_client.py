"""NIST's own client (dioptra-platform) against our live server: users can switch to us."""

import pytest
from dioptra.client import connect_json_dioptra_client
from dioptra.client.base import StatusCodeError

from .conftest import NAME_PARAMETER, PASSWORD, TASK_GRAPH, create_hello_world_plugin


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
