"""Entrypoints through our client, with their queues sub-collection."""

import pytest

from dioptra_client import DioptraConflictError, DioptraNotFoundError, DioptraValidationError

from .conftest import NAME_PARAMETER, TASK_GRAPH, create_entrypoint

ENTRYPOINT_KEYS = {
    "id",
    "snapshot",
    "group",
    "user",
    "createdOn",
    "snapshotCreatedOn",
    "lastModifiedOn",
    "latestSnapshot",
    "hasDraft",
    "name",
    "description",
    "taskGraph",
    "artifactGraph",
    "parameters",
    "artifactParameters",
    "plugins",
    "artifactPlugins",
    "queues",
    "tags",
}


def test_create_and_get(alice, dioptra, public_id, queue, plugin_id):
    created = dioptra.entrypoints.create(
        public_id,
        "hello",
        TASK_GRAPH,
        description="Says hello",
        parameters=[
            NAME_PARAMETER,
            {"name": "rate", "defaultValue": "0.5", "parameterType": "float"},
        ],
        queues=[queue["id"]],
        plugins=[plugin_id],
    )
    fetched = dioptra.entrypoints.get_by_id(created["id"])

    assert set(created) == ENTRYPOINT_KEYS
    assert created["name"] == "hello"
    assert created["taskGraph"] == TASK_GRAPH
    assert created["artifactGraph"] == ""
    assert [(p["name"], p["defaultValue"]) for p in created["parameters"]] == [
        ("name", "World"),
        ("rate", "0.5"),
    ]
    assert [q["id"] for q in created["queues"]] == [queue["id"]]
    assert [p["id"] for p in created["plugins"]] == [plugin_id]
    assert fetched == created


def test_list_search_and_paging(alice, dioptra, public_id, plugin_id):
    for name in ["train", "evaluate", "attack"]:
        create_entrypoint(dioptra, public_id, name, plugin_id)

    found = dioptra.entrypoints.get(search="name:tr*")
    page = dioptra.entrypoints.get(index=1, page_length=1, sort_by="name")

    assert [e["name"] for e in found["data"]] == ["train"]
    assert [e["name"] for e in page["data"]] == ["evaluate"]
    assert page["totalNumResults"] == 3


def test_modify_replaces_the_definition(alice, dioptra, entrypoint):
    modified = dioptra.entrypoints.modify_by_id(
        entrypoint["id"],
        name="hello-2",
        task_graph=TASK_GRAPH,
        artifact_graph=None,
        description=None,
        parameters=[{"name": "name", "defaultValue": "Moon", "parameterType": "string"}],
        artifact_parameters=None,
        queues=[],
    )

    assert modified["name"] == "hello-2"
    assert modified["description"] is None
    assert modified["parameters"][0]["defaultValue"] == "Moon"
    assert modified["queues"] == []
    assert modified["snapshot"] > entrypoint["snapshot"]


def test_queues_sub_collection(alice, dioptra, public_id, entrypoint, queue):
    second = dioptra.queues.create(public_id, "second")
    third = dioptra.queues.create(public_id, "third")
    ep = entrypoint["id"]

    assert [q["id"] for q in dioptra.entrypoints.queues.get(ep)] == [queue["id"]]
    appended = dioptra.entrypoints.queues.create(ep, [second["id"]])
    assert [q["id"] for q in appended] == [queue["id"], second["id"]]
    replaced = dioptra.entrypoints.queues.modify_by_id(ep, [third["id"], queue["id"]])
    assert {q["id"] for q in replaced} == {third["id"], queue["id"]}
    removed = dioptra.entrypoints.queues.delete_by_id(ep, third["id"])
    assert removed["id"] == [third["id"]]
    assert [q["id"] for q in dioptra.entrypoints.queues.get(ep)] == [queue["id"]]
    cleared = dioptra.entrypoints.queues.delete(ep)
    assert cleared["id"] == [queue["id"]]
    assert dioptra.entrypoints.queues.get(ep) == []


def test_removing_an_unattached_queue_is_not_found(alice, dioptra, public_id, entrypoint):
    other = dioptra.queues.create(public_id, "other")

    with pytest.raises(DioptraNotFoundError):
        dioptra.entrypoints.queues.delete_by_id(entrypoint["id"], other["id"])


def test_delete_then_not_found(alice, dioptra, entrypoint):
    answer = dioptra.entrypoints.delete_by_id(entrypoint["id"])

    assert answer == {"status": "Success", "id": [entrypoint["id"]]}
    with pytest.raises(DioptraNotFoundError):
        dioptra.entrypoints.get_by_id(entrypoint["id"])


def test_duplicate_name_is_a_conflict(alice, dioptra, public_id, entrypoint, plugin_id):
    with pytest.raises(DioptraConflictError) as caught:
        create_entrypoint(dioptra, public_id, entrypoint["name"], plugin_id)

    assert caught.value.message == caught.value.body["message"]
    assert entrypoint["name"] in caught.value.message


def test_unknown_queue_is_not_found(alice, dioptra, public_id, plugin_id):
    with pytest.raises(DioptraNotFoundError):
        create_entrypoint(dioptra, public_id, "lost", plugin_id, queues=[999_999])


def test_broken_task_graph_is_a_validation_error(alice, dioptra, public_id, plugin_id):
    with pytest.raises(DioptraValidationError) as caught:
        dioptra.entrypoints.create(
            public_id, "broken", "greet:\n  no_such_task: {}\n", plugins=[plugin_id]
        )

    assert caught.value.status_code == 400
    assert caught.value.message == caught.value.body["message"]


def test_default_not_matching_its_type_is_a_validation_error(alice, dioptra, public_id, plugin_id):
    with pytest.raises(DioptraValidationError) as caught:
        create_entrypoint(
            dioptra,
            public_id,
            "bad",
            plugin_id,
            parameters=[
                NAME_PARAMETER,
                {"name": "n", "defaultValue": "many", "parameterType": "integer"},
            ],
        )

    assert caught.value.status_code == 400
    assert caught.value.error == "EntrypointParameterTypeMismatchError"
    assert caught.value.message == caught.value.body["message"]
    assert "many" in caught.value.message
