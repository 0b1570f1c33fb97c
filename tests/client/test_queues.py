"""Queues through our client: create, list (paging, sorting, search), get, modify, delete."""

import pytest

from dioptra_client import DioptraConflictError, DioptraNotFoundError, DioptraValidationError

QUEUE_KEYS = {
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
    "tags",
}


def test_create_and_get(alice, dioptra, public_id):
    created = dioptra.queues.create(public_id, "tensorflow-cpu", description="CPU workers")
    fetched = dioptra.queues.get_by_id(created["id"])

    assert set(created) == QUEUE_KEYS
    assert created["name"] == "tensorflow-cpu"
    assert created["description"] == "CPU workers"
    assert created["group"]["id"] == public_id
    assert created["user"]["username"] == "alice"
    assert fetched == created


def test_description_is_optional(alice, dioptra, public_id):
    created = dioptra.queues.create(public_id, "bare")

    assert created["description"] is None


def test_list_pages_through_the_queues(alice, dioptra, public_id):
    for name in ["q-a", "q-b", "q-c"]:
        dioptra.queues.create(public_id, name)

    first = dioptra.queues.get(page_length=2, sort_by="name")
    second = dioptra.queues.get(index=2, page_length=2, sort_by="name")

    assert [q["name"] for q in first["data"]] == ["q-a", "q-b"]
    assert first["totalNumResults"] == 3
    assert first["isComplete"] is False
    assert "next" in first
    assert [q["name"] for q in second["data"]] == ["q-c"]
    assert second["isComplete"] is True
    assert second["index"] == 2


def test_list_sorts_descending(alice, dioptra, public_id):
    for name in ["q-a", "q-c", "q-b"]:
        dioptra.queues.create(public_id, name)

    page = dioptra.queues.get(sort_by="name", descending=True)

    assert [q["name"] for q in page["data"]] == ["q-c", "q-b", "q-a"]


def test_list_search_and_group_filter(alice, dioptra, public_id):
    dioptra.queues.create(public_id, "tensorflow-cpu")
    dioptra.queues.create(public_id, "pytorch-gpu", description="GPU box")

    by_name = dioptra.queues.get(search="name:tensorflow*")
    fuzzy = dioptra.queues.get(search="gpu")
    in_group = dioptra.queues.get(group_id=public_id)

    assert [q["name"] for q in by_name["data"]] == ["tensorflow-cpu"]
    assert [q["name"] for q in fuzzy["data"]] == ["pytorch-gpu"]
    assert in_group["totalNumResults"] == 2


def test_bad_search_is_a_validation_error(alice, dioptra):
    with pytest.raises(DioptraValidationError) as caught:
        dioptra.queues.get(search="colour:red")

    assert caught.value.status_code == 422
    assert caught.value.message == caught.value.body["message"]


def test_modify_replaces_name_and_description(alice, dioptra, queue):
    modified = dioptra.queues.modify_by_id(queue["id"], "tensorflow-gpu", None)

    assert modified["id"] == queue["id"]
    assert modified["name"] == "tensorflow-gpu"
    assert modified["description"] is None
    assert modified["snapshot"] > queue["snapshot"]
    assert dioptra.queues.get_by_id(queue["id"])["name"] == "tensorflow-gpu"


def test_delete_then_not_found(alice, dioptra, queue):
    answer = dioptra.queues.delete_by_id(queue["id"])

    assert answer["status"] == "Success"
    with pytest.raises(DioptraNotFoundError) as caught:
        dioptra.queues.get_by_id(queue["id"])
    assert caught.value.status_code == 404
    assert caught.value.message == caught.value.body["message"]
    assert dioptra.queues.get()["data"] == []


def test_duplicate_name_is_a_conflict(alice, dioptra, public_id, queue):
    with pytest.raises(DioptraConflictError) as caught:
        dioptra.queues.create(public_id, queue["name"])

    assert caught.value.status_code == 409
    assert caught.value.message == caught.value.body["message"]
    assert queue["name"] in caught.value.message


def test_rename_onto_a_taken_name_is_a_conflict(alice, dioptra, public_id, queue):
    other = dioptra.queues.create(public_id, "other")

    with pytest.raises(DioptraConflictError):
        dioptra.queues.modify_by_id(other["id"], queue["name"], None)


def test_unknown_id_is_not_found(alice, dioptra):
    with pytest.raises(DioptraNotFoundError):
        dioptra.queues.get_by_id(999_999)
    with pytest.raises(DioptraNotFoundError):
        dioptra.queues.modify_by_id(999_999, "x", None)
    with pytest.raises(DioptraNotFoundError):
        dioptra.queues.delete_by_id(999_999)


def test_malformed_group_is_a_validation_error(alice, dioptra):
    with pytest.raises(DioptraValidationError) as caught:
        dioptra.queues.create("not-a-number", "q")

    assert caught.value.status_code == 400
    assert "group" in caught.value.message
