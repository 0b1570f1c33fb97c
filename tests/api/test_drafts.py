"""Drafts: private, uncommitted new resources and changes, and committing them."""

import pytest

from experiments.definitions import create_model
from experiments.models import Draft, GroupMembership, Plugin, PluginFile, Queue
from tests.api.conftest import ERROR_KEYS, PAGE_KEYS, QUEUE_KEYS, send
from tests.api.plugin_helpers import NAME_PARAMETER, TASK_GRAPH, image_type, plugin
from tests.conftest import logged_in
from tests.factories import (
    ExperimentFactory,
    GroupFactory,
    PluginFactory,
    PluginParameterTypeFactory,
    QueueFactory,
    UserFactory,
)

__all__ = ["image_type", "plugin"]  # fixtures

API = "/api/v1"
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
STALE_DETAIL_KEYS = {
    "reason",
    "draft",
    "base_snapshot_id",
    "curr_snapshot_id",
    "base_snapshot",
    "curr_snapshot",
}


def commit(client, draft_id: int):
    return send(client, "POST", f"{API}/workflows/draftCommit/{draft_id}")


def new_queue_draft(user, group, name="draft-queue") -> dict:
    response = send(
        logged_in(user), "POST", f"{API}/queues/drafts", {"group": group.pk, "name": name}
    )
    assert response.status_code == 200, response.content
    return response.json()


def change_draft(user, route: str, resource_id: int, body: dict) -> dict:
    response = send(logged_in(user), "POST", f"{API}/{route}/{resource_id}/draft", body)
    assert response.status_code == 200, response.content
    return response.json()


# New-resource drafts -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_writer_starts_a_new_queue_draft(writer, team, suffix):
    body = {"group": team.pk, "name": "tensorflow-cpu", "description": "CPU"}

    response = send(logged_in(writer), "POST", f"{API}/queues/drafts{suffix}", body)

    assert response.status_code == 200
    draft = response.json()
    assert set(draft) == DRAFT_KEYS
    assert draft["group"] == {"id": team.pk, "name": "team", "url": f"{API}/groups/{team.pk}"}
    assert draft["user"]["id"] == writer.pk
    assert draft["resourceType"] == "queue"
    assert draft["payload"] == {"name": "tensorflow-cpu", "description": "CPU"}
    assert draft["resource"] is None and draft["resourceSnapshot"] is None
    assert draft["metadata"] == {}
    assert not Queue.objects.exists()  # nothing is created until the draft is committed


def test_a_new_draft_shows_unset_optional_fields_as_null(writer, team):
    draft = new_queue_draft(writer, team, name="q")

    assert draft["payload"] == {"name": "q", "description": None}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "q"}, "group"),
        ({"group": "team", "name": "q"}, "group"),
        ({"group": "TEAM", "description": "no name"}, "name"),
        ({"group": "TEAM", "name": "q", "id": 3}, "id"),
        ({"group": "TEAM", "name": ["q"]}, "name"),
    ],
)
def test_new_drafts_parse_like_the_resources_post(writer, team, body, field):
    body = {key: team.pk if value == "TEAM" else value for key, value in body.items()}

    response = send(logged_in(writer), "POST", f"{API}/queues/drafts", body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert not Draft.objects.exists()


def test_new_draft_permissions(writer, reader, outsider, team, anonymous):
    body = {"group": team.pk, "name": "q"}
    path = f"{API}/queues/drafts"

    response = send(logged_in(reader), "POST", path, body)
    assert response.status_code == 400
    assert response.json()["error"] == "UserNotInGroupError"
    assert send(logged_in(outsider), "POST", path, body).status_code == 404
    assert send(logged_in(writer), "POST", path, {"group": 424242, "name": "q"}).status_code == 404
    assert send(anonymous, "POST", path, body).status_code == 401
    assert anonymous.get(path).status_code == 401
    assert not Draft.objects.exists()


@pytest.mark.parametrize("suffix", ["", "/"])
def test_get_put_delete_a_draft_by_id(writer, team, suffix):
    draft = new_queue_draft(writer, team, name="first")
    path = f"{API}/queues/drafts/{draft['id']}{suffix}"
    client = logged_in(writer)

    fetched = client.get(path)
    changed = send(client, "PUT", path, {"name": "second", "description": "now described"})
    deleted = send(client, "DELETE", path)

    assert fetched.status_code == 200 and fetched.json() == draft
    assert changed.status_code == 200
    assert changed.json()["payload"] == {"name": "second", "description": "now described"}
    assert changed.json()["lastModifiedOn"] > draft["lastModifiedOn"]
    assert changed.json()["createdOn"] == draft["createdOn"]
    assert deleted.json() == {"status": "Success", "id": [draft["id"]]}
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"] == "DraftDoesNotExistError"
    assert set(response.json()) == ERROR_KEYS


def test_put_of_a_new_draft_takes_the_fields_without_the_group(writer, team):
    draft = new_queue_draft(writer, team)
    path = f"{API}/queues/drafts/{draft['id']}"

    response = send(logged_in(writer), "PUT", path, {"group": team.pk, "name": "x"})

    assert response.status_code == 400
    assert response.json() == {"errors": {"group": ["Unknown field."]}}
    assert send(logged_in(writer), "PUT", path, {"description": "x"}).status_code == 400


def test_drafts_are_private_to_their_creator(writer, team):
    draft = new_queue_draft(writer, team)
    colleague = UserFactory()
    GroupMembership.objects.create(group=team, user=colleague, read=True, write=True)
    client = logged_in(colleague)
    path = f"{API}/queues/drafts/{draft['id']}"

    assert client.get(f"{API}/queues/drafts").json()["data"] == []
    assert client.get(path).status_code == 404
    assert send(client, "PUT", path, {"name": "mine now"}).status_code == 404
    assert send(client, "DELETE", path).status_code == 404
    response = commit(client, draft["id"])
    assert response.status_code == 404
    assert response.json()["error"] == "DraftDoesNotExistError"
    assert Draft.objects.get().payload["name"] == "draft-queue"
    assert not Queue.objects.exists()


def test_a_draft_is_found_only_under_its_own_resource_type(writer, team):
    draft = new_queue_draft(writer, team)

    response = logged_in(writer).get(f"{API}/experiments/drafts/{draft['id']}")

    assert response.status_code == 404


@pytest.mark.parametrize("suffix", ["", "/"])
def test_commit_a_new_draft_creates_the_resource(writer, team, suffix):
    draft = new_queue_draft(writer, team, name="from-draft")
    client = logged_in(writer)

    response = send(client, "POST", f"{API}/workflows/draftCommit/{draft['id']}{suffix}")

    assert response.status_code == 200
    queue = Queue.objects.get()
    assert response.json() == {"status": "Success", "id": [queue.pk]}
    created = client.get(f"{API}/queues/{queue.pk}").json()
    assert set(created) == QUEUE_KEYS
    assert created["name"] == "from-draft" and created["group"]["id"] == team.pk
    assert created["user"]["id"] == writer.pk
    assert not Draft.objects.exists()
    assert commit(client, draft["id"]).status_code == 404


def test_commit_a_new_draft_with_a_taken_name_is_409_and_keeps_the_draft(writer, team):
    QueueFactory(group=team, name="taken")
    draft = new_queue_draft(writer, team, name="taken")

    response = commit(logged_in(writer), draft["id"])

    assert response.status_code == 409
    assert response.json()["error"] == "EntityExistsError"
    assert Draft.objects.filter(pk=draft["id"]).exists()
    assert Queue.objects.count() == 1


def test_commit_needs_write_access_to_the_group_now(writer, team):
    draft = new_queue_draft(writer, team)
    GroupMembership.objects.filter(group=team, user=writer).update(write=False)

    response = commit(logged_in(writer), draft["id"])

    assert response.status_code == 400
    assert response.json()["error"] == "UserNotInGroupError"
    assert not Queue.objects.exists()
    assert Draft.objects.filter(pk=draft["id"]).exists()


def test_commit_of_an_unknown_draft_is_404(writer):
    response = commit(logged_in(writer), 424242)

    assert response.status_code == 404
    assert response.json()["error"] == "DraftDoesNotExistError"


# Listing --------------------------------------------------------------------------------


def test_list_drafts_by_type_and_group(writer, team):
    other_group = GroupMembership.objects.create(
        group=PluginFactory().group, user=writer, read=True, write=True
    ).group
    new_here = new_queue_draft(writer, team, name="new-here")
    new_there = new_queue_draft(writer, other_group, name="new-there")
    queue = QueueFactory(group=team)
    change = change_draft(writer, "queues", queue.pk, {"name": "changed"})
    client = logged_in(writer)

    def ids(**params):
        page = client.get(f"{API}/queues/drafts", params).json()
        return [d["id"] for d in page["data"]]

    assert ids() == [new_here["id"], new_there["id"], change["id"]]
    assert ids(draftType="all") == ids()
    assert ids(draftType="new") == [new_here["id"], new_there["id"]]
    assert ids(draftType="existing") == [change["id"]]
    assert ids(groupId=team.pk) == [new_here["id"], change["id"]]
    assert ids(groupId=team.pk, draftType="new") == [new_here["id"]]
    assert client.get(f"{API}/experiments/drafts").json()["data"] == []


@pytest.mark.parametrize("suffix", ["", "/"])
def test_draft_list_pages_carry_the_draft_type_in_snake_case(writer, team, suffix):
    for number in range(3):
        new_queue_draft(writer, team, name=f"q{number}")

    page = logged_in(writer).get(
        f"{API}/queues/drafts{suffix}", {"index": 1, "pageLength": 1, "draftType": "new"}
    )

    assert page.status_code == 200
    body = page.json()
    assert set(body) == PAGE_KEYS | {"prev", "next"}
    assert body["totalNumResults"] == 3 and body["isComplete"] is False
    assert body["first"] == f"{API}/queues/drafts?index=0&pageLength=1&draft_type=new"
    assert body["prev"] == f"{API}/queues/drafts?index=0&pageLength=1&draft_type=new"
    assert body["next"] == f"{API}/queues/drafts?index=2&pageLength=1&draft_type=new"
    assert [d["payload"]["name"] for d in body["data"]] == ["q1"]
    default = logged_in(writer).get(f"{API}/queues/drafts", {"groupId": team.pk}).json()
    assert default["first"] == (
        f"{API}/queues/drafts?index=0&pageLength=10&groupId={team.pk}&draft_type=all"
    )


def test_draft_list_rejects_bad_parameters(writer, team):
    client = logged_in(writer)
    unreadable = GroupFactory()

    response = client.get(f"{API}/queues/drafts", {"draftType": "old"})
    assert response.status_code == 400
    assert "draftType" in response.json()["errors"]
    assert client.get(f"{API}/queues/drafts", {"pageLength": 1001}).status_code == 400
    assert client.get(f"{API}/queues/drafts", {"groupId": 424242}).status_code == 404
    assert client.get(f"{API}/queues/drafts", {"groupId": unreadable.pk}).status_code == 404


@pytest.mark.parametrize("count", [3, 15])
def test_draft_list_query_count_does_not_grow(writer, team, count, django_assert_num_queries):
    for number in range(count):
        new_queue_draft(writer, team, name=f"q{number}")
        change_draft(writer, "queues", QueueFactory(group=team).pk, {"name": f"c{number}"})
    client = logged_in(writer)

    # user, count, rows (with other users' draft counts)
    with django_assert_num_queries(3):
        response = client.get(f"{API}/queues/drafts", {"pageLength": 50})
    assert len(response.json()["data"]) == 2 * count


@pytest.mark.parametrize("count", [2, 12])
def test_plugin_file_draft_list_query_count_does_not_grow(
    writer, team, count, django_assert_num_queries
):
    plugin = PluginFactory(group=team)
    for number in range(count):
        body = {"filename": f"f{number}.py", "contents": "", "tasks": {}}
        assert send(logged_in(writer), "POST", plugin_files(plugin), body).status_code == 200
    client = logged_in(writer)

    # user, plugin, count, rows
    with django_assert_num_queries(4):
        response = client.get(plugin_files(plugin), {"pageLength": 50})
    assert len(response.json()["data"]) == count


# Modification drafts ----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_writer_drafts_changes_to_a_queue(writer, team, suffix):
    queue = QueueFactory(group=team, name="old")
    path = f"{API}/queues/{queue.pk}/draft{suffix}"
    client = logged_in(writer)

    created = send(client, "POST", path, {"name": "new", "description": "changed"})
    fetched = client.get(path)

    assert created.status_code == 200
    draft = created.json()
    assert set(draft) == DRAFT_KEYS
    assert draft["resource"] == queue.pk
    assert draft["resourceSnapshot"] == queue.snapshot_id
    assert draft["resourceType"] == "queue"
    assert draft["payload"] == {"name": "new", "description": "changed"}
    assert draft["metadata"] == {"num_other_drafts": 0}
    assert fetched.json() == draft
    queue.refresh_from_db()
    assert queue.name == "old"


def test_has_draft_turns_true_for_the_owner_of_a_change_draft(writer, reader, team):
    queue = QueueFactory(group=team)
    path = f"{API}/queues/{queue.pk}"
    assert logged_in(writer).get(path).json()["hasDraft"] is False

    change_draft(writer, "queues", queue.pk, {"name": "new"})

    assert logged_in(writer).get(path).json()["hasDraft"] is True
    assert logged_in(writer).get(f"{API}/queues").json()["data"][0]["hasDraft"] is True
    assert logged_in(reader).get(path).json()["hasDraft"] is False


def test_one_change_draft_per_user_and_resource(writer, team):
    queue = QueueFactory(group=team)
    change_draft(writer, "queues", queue.pk, {"name": "first"})
    colleague = UserFactory()
    GroupMembership.objects.create(group=team, user=colleague, read=True, write=True)

    again = send(logged_in(writer), "POST", f"{API}/queues/{queue.pk}/draft", {"name": "x"})
    theirs = change_draft(colleague, "queues", queue.pk, {"name": "theirs"})

    assert again.status_code == 400
    assert again.json()["error"] == "DraftAlreadyExistsError"
    assert theirs["metadata"] == {"num_other_drafts": 1}
    mine = logged_in(writer).get(f"{API}/queues/{queue.pk}/draft").json()
    assert mine["payload"]["name"] == "first"
    assert mine["metadata"] == {"num_other_drafts": 1}


def test_change_draft_errors_and_permissions(writer, reader, outsider, team, anonymous):
    queue = QueueFactory(group=team)
    path = f"{API}/queues/{queue.pk}/draft"

    assert logged_in(writer).get(path).status_code == 404  # no draft yet
    assert send(logged_in(reader), "POST", path, {"name": "x"}).status_code == 403
    assert send(logged_in(outsider), "POST", path, {"name": "x"}).status_code == 404
    assert send(anonymous, "POST", path, {"name": "x"}).status_code == 401
    assert (
        send(logged_in(writer), "POST", f"{API}/queues/424242/draft", {"name": "x"}).status_code
        == 404
    )
    response = send(logged_in(writer), "POST", path, {"group": team.pk, "name": "x"})
    assert response.json() == {"errors": {"group": ["Unknown field."]}}
    assert (
        send(
            logged_in(writer), "PUT", path, {"resourceSnapshot": 1, "resourceData": {"name": "x"}}
        ).status_code
        == 404
    )
    assert send(logged_in(writer), "DELETE", path).status_code == 404
    assert not Draft.objects.exists()


def test_put_and_delete_a_change_draft(writer, team):
    queue = QueueFactory(group=team)
    draft = change_draft(writer, "queues", queue.pk, {"name": "first"})
    path = f"{API}/queues/{queue.pk}/draft"
    client = logged_in(writer)

    changed = send(
        client,
        "PUT",
        path,
        {"resourceSnapshot": queue.snapshot_id, "resourceData": {"name": "second"}},
    )
    bad = send(client, "PUT", path, {"resourceData": {"name": "x", "id": 1}})
    deleted = send(client, "DELETE", path)

    assert changed.status_code == 200
    assert changed.json()["payload"] == {"name": "second", "description": None}
    assert changed.json()["resourceSnapshot"] == queue.snapshot_id
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"resourceSnapshot", "resourceData"}
    assert bad.json()["errors"]["resourceData"] == {"id": ["Unknown field."]}
    assert deleted.json() == {"status": "Success", "id": [draft["id"]]}
    assert client.get(path).status_code == 404


def test_a_change_draft_is_also_reachable_by_its_id(writer, team):
    queue = QueueFactory(group=team)
    draft = change_draft(writer, "queues", queue.pk, {"name": "first"})
    path = f"{API}/queues/drafts/{draft['id']}"

    response = send(logged_in(writer), "PUT", path, {"name": "second"})

    assert logged_in(writer).get(path).status_code == 200
    assert response.status_code == 200
    assert response.json()["payload"]["name"] == "second"
    assert response.json()["resourceSnapshot"] == queue.snapshot_id


def test_stale_change_draft_is_refused_then_rebased_and_committed(writer, team):
    queue = QueueFactory(group=team, name="original")
    draft = change_draft(writer, "queues", queue.pk, {"name": "from-draft"})
    client = logged_in(writer)
    send(client, "PUT", f"{API}/queues/{queue.pk}", {"name": "changed-meanwhile"})
    queue.refresh_from_db()

    refused = commit(client, draft["id"])

    assert refused.status_code == 400
    error = refused.json()
    assert error["error"] == "DraftResourceModificationsCommitError"
    assert set(error["detail"]) == STALE_DETAIL_KEYS
    assert error["detail"]["base_snapshot_id"] == draft["resourceSnapshot"]
    assert error["detail"]["curr_snapshot_id"] == queue.snapshot_id
    assert error["detail"]["draft"] == {"name": "from-draft", "description": None}
    assert error["detail"]["curr_snapshot"]["name"] == "changed-meanwhile"
    assert Queue.objects.get().name == "changed-meanwhile"

    older = send(
        client,
        "PUT",
        f"{API}/queues/{queue.pk}/draft",
        {"resourceSnapshot": draft["resourceSnapshot"] - 1, "resourceData": {"name": "x"}},
    )
    assert older.status_code == 400
    assert older.json()["error"] == "InvalidDraftBaseResourceSnapshotError"
    assert older.json()["detail"] == {
        "base_resource_snapshot_id": draft["resourceSnapshot"],
        "provided_resource_snapshot_id": draft["resourceSnapshot"] - 1,
    }

    rebased = send(
        client,
        "PUT",
        f"{API}/queues/{queue.pk}/draft",
        {
            "resourceSnapshot": error["detail"]["curr_snapshot_id"],
            "resourceData": {"name": "from-draft"},
        },
    )
    assert rebased.status_code == 200
    assert rebased.json()["resourceSnapshot"] == error["detail"]["curr_snapshot_id"]

    committed = commit(client, draft["id"])
    assert committed.status_code == 200
    assert committed.json() == {"status": "Success", "id": [queue.pk]}
    fetched = client.get(f"{API}/queues/{queue.pk}").json()
    assert fetched["name"] == "from-draft"
    assert fetched["snapshot"] > queue.snapshot_id
    assert fetched["hasDraft"] is False
    assert not Draft.objects.exists()


def test_a_draft_cannot_be_put_on_another_resources_snapshot(writer, team):
    queue, other = QueueFactory(group=team), QueueFactory(group=team)
    change_draft(writer, "queues", queue.pk, {"name": "x"})

    response = send(
        logged_in(writer),
        "PUT",
        f"{API}/queues/{queue.pk}/draft",
        {"resourceSnapshot": other.snapshot_id, "resourceData": {"name": "y"}},
    )

    assert response.status_code == 400
    assert response.json()["error"] == "InvalidDraftBaseResourceSnapshotError"


def test_commit_of_a_change_draft_needs_write_access(writer, team):
    queue = QueueFactory(group=team, name="kept")
    draft = change_draft(writer, "queues", queue.pk, {"name": "new"})
    GroupMembership.objects.filter(group=team, user=writer).update(write=False)

    response = commit(logged_in(writer), draft["id"])

    assert response.status_code == 403
    assert Queue.objects.get().name == "kept"
    assert Draft.objects.filter(pk=draft["id"]).exists()


def test_a_reader_cannot_draft_changes_or_commit_them(reader, team):
    queue = QueueFactory(group=team)
    Draft.objects.create(
        group=team,
        user=reader,
        resource_type="queue",
        resource_id=queue.pk,
        base_snapshot_id=queue.snapshot_id,
        payload={"name": "hijacked", "description": None},
    )

    response = commit(logged_in(reader), Draft.objects.get().pk)

    assert response.status_code == 403
    assert Queue.objects.get().name == queue.name


def test_commit_of_a_change_to_a_deleted_resource_is_404(writer, team):
    queue = QueueFactory(group=team)
    draft = change_draft(writer, "queues", queue.pk, {"name": "new"})
    send(logged_in(writer), "DELETE", f"{API}/queues/{queue.pk}")

    response = commit(logged_in(writer), draft["id"])

    assert response.status_code == 404
    assert response.json()["error"] == "EntityDoesNotExistError"


def test_commit_of_a_change_with_a_taken_name_is_409(writer, team):
    QueueFactory(group=team, name="taken")
    queue = QueueFactory(group=team)
    draft = change_draft(writer, "queues", queue.pk, {"name": "taken"})

    response = commit(logged_in(writer), draft["id"])

    assert response.status_code == 409
    assert Draft.objects.filter(pk=draft["id"]).exists()


# Every resource type -------------------------------------------------------------------


def _model(writer, team):
    return create_model(user=writer, group_id=team.pk, name="classifier")


RESOURCES = [
    # route, make one, a draft's fields, resource type
    ("queues", lambda w, t: QueueFactory(group=t), {"name": "n", "description": "d"}, "queue"),
    (
        "experiments",
        lambda w, t: ExperimentFactory(group=t),
        {"name": "n", "description": "d", "entrypoints": []},
        "experiment",
    ),
    ("plugins", lambda w, t: PluginFactory(group=t), {"name": "n_1", "description": "d"}, "plugin"),
    (
        "pluginParameterTypes",
        lambda w, t: PluginParameterTypeFactory(group=t),
        {"name": "n", "description": "d", "structure": {"list": "integer"}},
        "plugin_task_parameter_type",
    ),
    ("models", _model, {"name": "n", "description": "d"}, "ml_model"),
]


@pytest.mark.parametrize("route, make, fields, resource_type", RESOURCES)
def test_new_drafts_of_every_resource_type_commit(writer, team, route, make, fields, resource_type):
    client = logged_in(writer)
    draft = send(client, "POST", f"{API}/{route}/drafts", {"group": team.pk, **fields}).json()

    response = commit(client, draft["id"])

    assert draft["resourceType"] == resource_type
    assert draft["payload"] == fields
    assert response.status_code == 200, response.content
    (resource_id,) = response.json()["id"]
    created = client.get(f"{API}/{route}/{resource_id}").json()
    assert {key: created[key] for key in fields if key != "entrypoints"} == {
        key: value for key, value in fields.items() if key != "entrypoints"
    }


@pytest.mark.parametrize("route, make, fields, resource_type", RESOURCES)
def test_change_drafts_of_every_resource_type_commit(
    writer, team, route, make, fields, resource_type
):
    resource = make(writer, team)
    client = logged_in(writer)
    draft = change_draft(writer, route, resource.pk, fields)
    assert client.get(f"{API}/{route}/{resource.pk}").json()["hasDraft"] is True

    response = commit(client, draft["id"])

    assert draft["resourceType"] == resource_type
    assert draft["resourceSnapshot"] == resource.snapshot_id
    assert response.json() == {"status": "Success", "id": [resource.pk]}
    changed = client.get(f"{API}/{route}/{resource.pk}").json()
    assert changed["name"] == fields["name"] and changed["description"] == "d"
    assert changed["snapshot"] > resource.snapshot_id
    assert changed["hasDraft"] is False


def test_experiment_draft_entrypoints_are_checked_when_committing(writer, team):
    experiment = ExperimentFactory(group=team)
    body = {"name": "e", "description": None, "entrypoints": [424242]}

    draft = change_draft(writer, "experiments", experiment.pk, body)
    response = commit(logged_in(writer), draft["id"])

    assert draft["payload"]["entrypoints"] == [424242]
    assert response.status_code == 404
    assert Draft.objects.filter(pk=draft["id"]).exists()


def test_entrypoint_drafts(writer, team, plugin):
    client = logged_in(writer)
    queue = QueueFactory(group=team)
    new = {
        "group": team.pk,
        "name": "hello",
        "description": None,
        "taskGraph": TASK_GRAPH,
        "artifactGraph": "",
        "parameters": [NAME_PARAMETER],
        "artifactParameters": [],
        "queues": [queue.pk],
        "plugins": [plugin.pk],
        "artifactPlugins": [],
    }

    draft = send(client, "POST", f"{API}/entrypoints/drafts", new).json()
    created = commit(client, draft["id"])
    (entrypoint_id,) = created.json()["id"]
    change = {
        key: value
        for key, value in new.items()
        if key not in {"group", "plugins", "artifactPlugins"}
    }
    change_with_plugins = send(
        client, "POST", f"{API}/entrypoints/{entrypoint_id}/draft", {**change, "plugins": []}
    )
    changed_draft = change_draft(writer, "entrypoints", entrypoint_id, {**change, "name": "hi"})
    changed = commit(client, changed_draft["id"])

    assert draft["resourceType"] == "entry_point"
    assert draft["payload"] == {key: value for key, value in new.items() if key != "group"}
    assert created.status_code == 200
    assert change_with_plugins.status_code == 400  # a change keeps the pinned plugins
    assert changed.status_code == 200
    entrypoint = client.get(f"{API}/entrypoints/{entrypoint_id}").json()
    assert entrypoint["name"] == "hi"
    assert [p["id"] for p in entrypoint["plugins"]] == [plugin.pk]
    assert [q["id"] for q in entrypoint["queues"]] == [queue.pk]


def test_entrypoint_draft_with_workflow_errors_is_refused_on_commit(writer, team):
    client = logged_in(writer)
    body = {"group": team.pk, "name": "broken", "taskGraph": "step:\n  nowhere: {}\n"}
    draft = send(client, "POST", f"{API}/entrypoints/drafts", body).json()

    response = commit(client, draft["id"])

    assert response.status_code == 400
    assert response.json()["error"] == "EntrypointValidationError"
    assert response.json()["detail"]["issues"]
    assert Draft.objects.filter(pk=draft["id"]).exists()


# Plugin files (nested under their plugin) -------------------------------------------------


def plugin_files(plugin: Plugin) -> str:
    return f"{API}/plugins/{plugin.pk}/files/drafts"


FILE = {"filename": "tasks.py", "contents": "x = 1\n", "description": None, "tasks": {}}


@pytest.mark.parametrize("suffix", ["", "/"])
def test_plugin_file_drafts_live_in_their_plugin(writer, team, suffix):
    plugin = PluginFactory(group=team)
    other = PluginFactory(group=team)
    client = logged_in(writer)

    response = send(client, "POST", plugin_files(plugin) + suffix, FILE)

    assert response.status_code == 200
    draft = response.json()
    assert set(draft) == DRAFT_KEYS
    assert draft["resourceType"] == "plugin_file"
    assert draft["group"]["id"] == team.pk
    assert draft["payload"] == {**FILE, "tasks": {"functions": [], "artifacts": []}}
    assert draft["resource"] is None and draft["resourceSnapshot"] is None
    page = client.get(plugin_files(plugin) + suffix).json()
    assert [d["id"] for d in page["data"]] == [draft["id"]]
    assert page["first"] == (
        f"{API}/plugins/{plugin.pk}/files/drafts?index=0&pageLength=10&draft_type=all"
    )
    assert client.get(plugin_files(other)).json()["data"] == []
    assert client.get(f"{plugin_files(plugin)}/{draft['id']}{suffix}").status_code == 200
    assert client.get(f"{plugin_files(other)}/{draft['id']}").status_code == 404


def test_plugin_file_draft_errors(writer, reader, outsider, team):
    plugin = PluginFactory(group=team)

    with_group = send(logged_in(writer), "POST", plugin_files(plugin), {**FILE, "group": team.pk})
    no_contents = send(logged_in(writer), "POST", plugin_files(plugin), {"filename": "a.py"})

    assert with_group.json() == {"errors": {"group": ["Unknown field."]}}
    assert set(no_contents.json()["errors"]) == {"contents"}
    assert send(logged_in(reader), "POST", plugin_files(plugin), FILE).status_code == 403
    assert send(logged_in(outsider), "POST", plugin_files(plugin), FILE).status_code == 404
    assert logged_in(outsider).get(plugin_files(plugin)).status_code == 404


def test_commit_plugin_file_drafts(writer, team):
    plugin = PluginFactory(group=team)
    client = logged_in(writer)
    new = send(client, "POST", plugin_files(plugin), FILE).json()

    created = commit(client, new["id"])

    assert created.status_code == 200
    plugin_id, file_id = created.json()["id"]
    assert plugin_id == plugin.pk
    file = PluginFile.objects.get(pk=file_id)
    assert (file.plugin_id, file.filename, file.contents) == (plugin.pk, "tasks.py", "x = 1\n")

    path = f"{API}/plugins/{plugin.pk}/files/{file_id}/draft"
    change = send(client, "POST", path, {**FILE, "filename": "renamed.py"}).json()
    assert change["resource"] == file_id
    assert client.get(path + "/").json() == change
    listed = client.get(plugin_files(plugin), {"draftType": "existing"}).json()["data"]
    assert [d["id"] for d in listed] == [change["id"]]
    assert client.get(f"{API}/plugins/{plugin.pk}/files/{file_id}").json()["hasDraft"] is True

    changed = commit(client, change["id"])

    assert changed.json() == {"status": "Success", "id": [plugin.pk, file_id]}
    file.refresh_from_db()
    assert file.filename == "renamed.py"


def test_commit_of_a_file_draft_whose_plugin_was_deleted_is_404(writer, team):
    plugin = PluginFactory(group=team)
    client = logged_in(writer)
    draft = send(client, "POST", plugin_files(plugin), FILE).json()
    send(client, "DELETE", f"{API}/plugins/{plugin.pk}")

    response = commit(client, draft["id"])

    assert response.status_code == 404
    assert not PluginFile.objects.exists()
