"""Drafts through our client: new-resource drafts, change drafts, committing."""

import pytest

from dioptra_client import (
    DioptraConflictError,
    DioptraForbiddenError,
    DioptraNotFoundError,
    DioptraValidationError,
    DraftFieldsValidationError,
)

from .conftest import NAME_PARAMETER, PASSWORD, TASK_GRAPH, register

DRAFT_KEYS = {
    "id",
    "group",
    "user",
    "createdOn",
    "lastModifiedOn",
    "resourceType",
    "payload",
    "resource",
    "resourceSnapshot",
    "metadata",
}


def test_new_queue_draft_round_trip(alice, dioptra, public_id):
    drafts = dioptra.queues.new_resource_drafts

    draft = drafts.create(group_id=public_id, name="tensorflow-cpu", description=None)
    fetched = drafts.get_by_id(draft_id=draft["id"])
    changed = drafts.modify(draft_id=draft["id"], name="tensorflow-gpu", description="GPU")
    page = drafts.get(draft_type="new", group_id=public_id)
    committed = dioptra.workflows.commit_draft(draft["id"])
    queue = dioptra.queues.get_by_id(*committed["id"])

    assert set(draft) == DRAFT_KEYS
    assert draft["payload"] == {"name": "tensorflow-cpu", "description": None}
    assert draft["resource"] is None and draft["metadata"] == {}
    assert fetched == draft
    assert changed["payload"] == {"name": "tensorflow-gpu", "description": "GPU"}
    assert [d["id"] for d in page["data"]] == [draft["id"]]
    assert page["first"].endswith(f"&groupId={public_id}&draft_type=new")
    assert committed["status"] == "Success"
    assert (queue["name"], queue["description"]) == ("tensorflow-gpu", "GPU")
    assert drafts.get()["data"] == []
    with pytest.raises(DioptraNotFoundError):
        drafts.get_by_id(draft_id=draft["id"])


def test_delete_a_new_draft(alice, dioptra, public_id):
    drafts = dioptra.plugin_parameter_types.new_resource_drafts
    draft = drafts.create(group_id=public_id, name="image", description=None, structure=None)

    assert drafts.delete(draft_id=draft["id"]) == {"status": "Success", "id": [draft["id"]]}
    assert drafts.get()["totalNumResults"] == 0


def test_the_client_sends_exactly_the_draft_fields(alice, dioptra, public_id):
    drafts = dioptra.queues.new_resource_drafts

    with pytest.raises(DraftFieldsValidationError, match="missing"):
        drafts.create(group_id=public_id, name="q")
    with pytest.raises(DraftFieldsValidationError, match="invalid"):
        drafts.create(group_id=public_id, name="q", description=None, colour="red")
    with pytest.raises(DraftFieldsValidationError):
        drafts.create(group=public_id, name="q", description=None)
    with pytest.raises(DraftFieldsValidationError, match="group_id"):
        drafts.create(name="q", description=None)
    with pytest.raises(TypeError):
        dioptra.plugins.files.new_resource_drafts.get()  # needs the plugin id
    assert drafts.get()["data"] == []


def test_server_errors_arrive_as_exceptions(alice, dioptra, public_id):
    dioptra.queues.create(public_id, "taken")
    drafts = dioptra.queues.new_resource_drafts

    with pytest.raises(DioptraValidationError):
        drafts.create(group_id=public_id, name=" ", description=None)
    with pytest.raises(DioptraNotFoundError):
        drafts.create(group_id=424242, name="q", description=None)
    draft = drafts.create(group_id=public_id, name="taken", description=None)
    with pytest.raises(DioptraConflictError):
        dioptra.workflows.commit_draft(draft["id"])
    with pytest.raises(DioptraNotFoundError):
        dioptra.workflows.commit_draft(424242)


def test_entrypoint_drafts_take_snake_case_names(alice, dioptra, public_id, plugin_id, queue):
    drafts = dioptra.entrypoints.new_resource_drafts

    draft = drafts.create(
        group_id=public_id,
        name="hello",
        description=None,
        task_graph=TASK_GRAPH,
        artifact_graph="",
        parameters=[NAME_PARAMETER],
        artifact_parameters=[],
        queues=[queue["id"]],
        plugins=[plugin_id],
        artifact_plugins=[],
    )
    (entrypoint_id,) = dioptra.workflows.commit_draft(draft["id"])["id"]
    entrypoint = dioptra.entrypoints.get_by_id(entrypoint_id)

    assert draft["resourceType"] == "entry_point"
    assert draft["payload"]["taskGraph"] == TASK_GRAPH
    assert entrypoint["taskGraph"] == TASK_GRAPH
    assert [p["id"] for p in entrypoint["plugins"]] == [plugin_id]
    with pytest.raises(DraftFieldsValidationError, match="plugins"):
        # A change keeps the pinned plugins, so its draft does not take them.
        dioptra.entrypoints.modify_resource_drafts.create(entrypoint_id, **draft["payload"])


def test_change_draft_goes_stale_is_rebased_and_committed(alice, dioptra, public_id, queue):
    drafts = dioptra.queues.modify_resource_drafts

    draft = drafts.create(queue["id"], name="renamed", description="CPU workers")
    assert dioptra.queues.get_by_id(queue["id"])["hasDraft"] is True
    with pytest.raises(DioptraValidationError):
        drafts.create(queue["id"], name="again", description=None)  # one per user
    dioptra.queues.modify_by_id(queue["id"], "changed-meanwhile", None)
    with pytest.raises(DioptraValidationError) as refused:
        dioptra.workflows.commit_draft(draft["id"])
    current = refused.value.detail["curr_snapshot_id"]
    with pytest.raises(DioptraValidationError):
        drafts.modify(queue["id"], resource_snapshot_id=current - 100, name="x", description=None)
    rebased = drafts.modify(
        queue["id"], resource_snapshot_id=current, name="renamed", description=None
    )
    committed = dioptra.workflows.commit_draft(draft["id"])

    assert draft["resource"] == queue["id"]
    assert draft["resourceSnapshot"] == queue["snapshot"]
    assert draft["metadata"] == {"num_other_drafts": 0}
    assert refused.value.error == "DraftResourceModificationsCommitError"
    assert rebased["resourceSnapshot"] == current
    assert committed == {"status": "Success", "id": [queue["id"]]}
    assert dioptra.queues.get_by_id(queue["id"])["name"] == "renamed"
    with pytest.raises(DioptraNotFoundError):
        drafts.get_by_id(queue["id"])


def test_get_and_delete_a_change_draft(alice, dioptra, public_id):
    experiment = dioptra.experiments.create(public_id, "mnist")
    drafts = dioptra.experiments.modify_resource_drafts
    draft = drafts.create(experiment["id"], name="mnist-2", description=None, entrypoints=[])

    fetched = drafts.get_by_id(experiment["id"])
    listed = dioptra.experiments.new_resource_drafts.get(draft_type="existing")
    deleted = drafts.delete(experiment["id"])

    assert fetched == draft
    assert [d["id"] for d in listed["data"]] == [draft["id"]]
    assert deleted == {"status": "Success", "id": [draft["id"]]}
    assert dioptra.experiments.get_by_id(experiment["id"])["hasDraft"] is False


def test_plugin_file_drafts_are_nested_in_their_plugin(alice, dioptra, public_id):
    plugin = dioptra.plugins.create(public_id, "tools")
    drafts = dioptra.plugins.files.new_resource_drafts

    draft = drafts.create(
        plugin["id"], filename="tools.py", contents="x = 1\n", tasks={}, description=None
    )
    listed = drafts.get(plugin["id"])
    plugin_id, file_id = dioptra.workflows.commit_draft(draft["id"])["id"]
    file = dioptra.plugins.files.get_by_id(plugin_id, file_id)
    change = dioptra.plugins.files.modify_resource_drafts.create(
        plugin_id, file_id, filename="renamed.py", contents="x = 2\n", tasks={}, description=None
    )
    committed = dioptra.workflows.commit_draft(change["id"])

    assert draft["group"]["id"] == public_id
    assert [d["id"] for d in listed["data"]] == [draft["id"]]
    assert plugin_id == plugin["id"]
    assert file["filename"] == "tools.py"
    assert change["resource"] == file_id
    assert committed["id"] == [plugin_id, file_id]
    assert dioptra.plugins.files.get_by_id(plugin_id, file_id)["contents"] == "x = 2\n"


def test_drafts_are_private_and_commits_need_write_access(alice, dioptra, public_id, queue):
    draft = dioptra.queues.modify_resource_drafts.create(queue["id"], name="mine", description=None)
    register(dioptra, "bob")
    dioptra.auth.login("bob", PASSWORD)

    with pytest.raises(DioptraNotFoundError):
        dioptra.workflows.commit_draft(draft["id"])
    with pytest.raises(DioptraNotFoundError):
        dioptra.queues.new_resource_drafts.get_by_id(draft_id=draft["id"])
    other = dioptra.queues.modify_resource_drafts.create(queue["id"], name="b", description=None)
    assert other["metadata"] == {"num_other_drafts": 1}

    from experiments.models import GroupMembership

    GroupMembership.objects.filter(user__username="bob").update(write=False)
    with pytest.raises(DioptraForbiddenError):
        dioptra.workflows.commit_draft(other["id"])
