"""NIST's own client (dioptra-platform) drafting and committing against our live server."""

import json

import pytest
from dioptra.client import connect_json_dioptra_client
from dioptra.client.base import StatusCodeError
from dioptra.client.drafts import DraftFieldsValidationError

from .conftest import PASSWORD


@pytest.fixture
def official(api_address):
    client = connect_json_dioptra_client(api_address)
    client.users.create("alice", "alice@example.org", PASSWORD)
    client.auth.login("alice", PASSWORD)
    yield client
    client.close()


@pytest.fixture
def public_id(official) -> int:
    (group,) = official.users.get_current()["groups"]
    return group["id"]


def test_official_client_drafts_and_commits_a_new_queue(official, public_id):
    drafts = official.queues.new_resource_drafts

    draft = drafts.create(group_id=public_id, name="tensorflow-cpu", description=None)
    changed = drafts.modify(draft_id=draft["id"], name="tensorflow-gpu", description="GPU")
    listed = drafts.get(draft_type="new")
    committed = official.workflows.commit_draft(draft["id"])
    queue = official.queues.get_by_id(*committed["id"])

    assert draft["resourceType"] == "queue"
    assert draft["group"]["id"] == public_id
    assert changed["payload"] == {"name": "tensorflow-gpu", "description": "GPU"}
    assert [d["id"] for d in listed["data"]] == [draft["id"]]
    assert committed["status"] == "Success"
    assert (queue["name"], queue["description"]) == ("tensorflow-gpu", "GPU")
    assert queue["hasDraft"] is False
    assert drafts.get()["totalNumResults"] == 0
    with pytest.raises(DraftFieldsValidationError):
        drafts.create(group_id=public_id, name="no description")


def test_official_client_commits_a_modification_draft_after_rebasing(official, public_id):
    queue = official.queues.create(public_id, "cpu", description="CPU")
    drafts = official.queues.modify_resource_drafts

    draft = drafts.create(queue["id"], name="cpu-renamed", description="CPU")
    fetched = drafts.get_by_id(queue["id"])
    has_draft = official.queues.get_by_id(queue["id"])["hasDraft"]
    official.queues.modify_by_id(queue["id"], "cpu-meanwhile", None)
    with pytest.raises(StatusCodeError) as refused:
        official.workflows.commit_draft(draft["id"])
    error = json.loads(refused.value.message)
    rebased = drafts.modify(
        queue["id"],
        resource_snapshot_id=error["detail"]["curr_snapshot_id"],
        name="cpu-renamed",
        description="CPU",
    )
    committed = official.workflows.commit_draft(draft["id"])
    final = official.queues.get_by_id(*committed["id"])

    assert draft["resource"] == queue["id"]
    assert draft["resourceSnapshot"] == queue["snapshot"]
    assert draft["metadata"] == {"num_other_drafts": 0}
    assert fetched == draft
    assert has_draft is True
    assert refused.value.status_code == 400
    assert error["error"] == "DraftResourceModificationsCommitError"
    assert rebased["resourceSnapshot"] == error["detail"]["curr_snapshot_id"]
    assert committed["id"] == [queue["id"]]
    assert final["name"] == "cpu-renamed"
    assert final["snapshot"] > error["detail"]["curr_snapshot_id"]
    with pytest.raises(StatusCodeError) as gone:
        drafts.get_by_id(queue["id"])
    assert gone.value.status_code == 404


def test_official_client_deletes_drafts(official, public_id):
    plugin = official.plugins.create(public_id, "tools")
    drafts = official.plugins.files.new_resource_drafts

    draft = drafts.create(
        plugin["id"], filename="tools.py", contents="x = 1\n", tasks={}, description=None
    )
    listed = drafts.get(plugin["id"])
    deleted = drafts.delete(plugin["id"], draft_id=draft["id"])

    assert [d["id"] for d in listed["data"]] == [draft["id"]]
    assert deleted == {"status": "Success", "id": [draft["id"]]}
    assert drafts.get(plugin["id"])["data"] == []
