"""Experiments through our client, with their entrypoints sub-collection."""

import pytest

from dioptra_client import DioptraConflictError, DioptraNotFoundError, DioptraValidationError

from .conftest import create_entrypoint

EXPERIMENT_KEYS = {
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
    "entrypoints",
    "description",
    "tags",
}


@pytest.fixture
def experiment(dioptra, public_id, entrypoint):
    return dioptra.experiments.create(
        public_id, "mnist", description="Digits", entrypoints=[entrypoint["id"]]
    )


def test_create_and_get(alice, dioptra, public_id, entrypoint):
    created = dioptra.experiments.create(
        public_id, "mnist", description="Digits", entrypoints=[entrypoint["id"]]
    )
    fetched = dioptra.experiments.get_by_id(created["id"])

    assert set(created) == EXPERIMENT_KEYS
    assert created["name"] == "mnist"
    assert created["description"] == "Digits"
    assert created["group"]["id"] == public_id
    assert [(e["id"], e["name"]) for e in created["entrypoints"]] == [
        (entrypoint["id"], entrypoint["name"])
    ]
    assert fetched == created


def test_create_with_name_only(alice, dioptra, public_id):
    created = dioptra.experiments.create(public_id, "bare")

    assert created["description"] is None
    assert created["entrypoints"] == []


def test_list_search_sort_and_paging(alice, dioptra, public_id):
    for name in ["mnist", "cifar", "imagenet"]:
        dioptra.experiments.create(public_id, name, description=f"{name} data")

    found = dioptra.experiments.get(search="name:mni*")
    fuzzy = dioptra.experiments.get(search="cifar")
    page = dioptra.experiments.get(page_length=2, sort_by="name", descending=True)

    assert [e["name"] for e in found["data"]] == ["mnist"]
    assert [e["name"] for e in fuzzy["data"]] == ["cifar"]
    assert [e["name"] for e in page["data"]] == ["mnist", "imagenet"]
    assert page["isComplete"] is False
    assert page["totalNumResults"] == 3


def test_modify_replaces_everything(alice, dioptra, experiment):
    modified = dioptra.experiments.modify_by_id(experiment["id"], "mnist-2", None, None)

    assert modified["name"] == "mnist-2"
    assert modified["description"] is None
    assert modified["entrypoints"] == []
    assert modified["snapshot"] > experiment["snapshot"]


def test_entrypoints_sub_collection(alice, dioptra, public_id, plugin_id, entrypoint, experiment):
    second = create_entrypoint(dioptra, public_id, "second", plugin_id)
    third = create_entrypoint(dioptra, public_id, "third", plugin_id)
    ex = experiment["id"]

    assert [e["id"] for e in dioptra.experiments.entrypoints.get(ex)] == [entrypoint["id"]]
    appended = dioptra.experiments.entrypoints.create(ex, [second["id"]])
    assert [e["id"] for e in appended] == [entrypoint["id"], second["id"]]
    replaced = dioptra.experiments.entrypoints.modify(ex, [third["id"]])
    assert [e["id"] for e in replaced] == [third["id"]]
    replaced = dioptra.experiments.entrypoints.modify_by_id(ex, [second["id"], third["id"]])
    assert [e["id"] for e in replaced] == [second["id"], third["id"]]
    removed = dioptra.experiments.entrypoints.delete_by_id(ex, second["id"])
    assert removed["id"] == [second["id"]]
    cleared = dioptra.experiments.entrypoints.delete(ex)
    assert cleared["id"] == [third["id"]]
    assert dioptra.experiments.entrypoints.get(ex) == []


def test_delete_then_not_found(alice, dioptra, experiment):
    answer = dioptra.experiments.delete_by_id(experiment["id"])

    assert answer == {"status": "Success", "id": [experiment["id"]]}
    with pytest.raises(DioptraNotFoundError) as caught:
        dioptra.experiments.get_by_id(experiment["id"])
    assert caught.value.message == caught.value.body["message"]
    with pytest.raises(DioptraNotFoundError):
        dioptra.experiments.entrypoints.get(experiment["id"])


def test_duplicate_name_is_a_conflict(alice, dioptra, public_id, experiment):
    with pytest.raises(DioptraConflictError) as caught:
        dioptra.experiments.create(public_id, experiment["name"])

    assert caught.value.status_code == 409
    assert experiment["name"] in caught.value.message


def test_unknown_entrypoint_is_not_found(alice, dioptra, public_id):
    with pytest.raises(DioptraNotFoundError):
        dioptra.experiments.create(public_id, "lost", entrypoints=[999_999])


def test_missing_name_is_a_validation_error(alice, dioptra, public_id):
    with pytest.raises(DioptraValidationError) as caught:
        dioptra.experiments.create(public_id, None)

    assert caught.value.status_code == 400
    assert "name" in caught.value.message
