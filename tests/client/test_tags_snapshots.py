"""Tags and snapshots through our client and NIST's own, against a live server."""

import pytest
from dioptra.client import connect_json_dioptra_client as connect_official

from dioptra_client import (
    DioptraConflictError,
    DioptraForbiddenError,
    DioptraNotFoundError,
    DioptraValidationError,
    connect_json_dioptra_client,
)
from experiments.models import GroupMembership

from .conftest import PASSWORD, register

TAG_KEYS = {"id", "name", "group", "user", "createdOn", "lastModifiedOn"}


@pytest.fixture
def plugin(dioptra, public_id):
    return dioptra.plugins.create(public_id, "greeter", description="Greets")


@pytest.fixture
def plugin_file(dioptra, plugin):
    return dioptra.plugins.files.create(plugin["id"], "tasks.py", "# nothing yet")


@pytest.fixture
def job(dioptra, public_id, entrypoint, queue):
    experiment = dioptra.experiments.create(public_id, "greetings", entrypoints=[entrypoint["id"]])
    return dioptra.experiments.jobs.create(experiment["id"], entrypoint["id"], queue["id"])


def names(tags) -> list[str]:
    return [t["name"] for t in tags]


def test_tags_collection_round_trip(alice, dioptra, public_id, queue):
    mnist = dioptra.tags.create(public_id, "mnist")
    dioptra.tags.create(public_id, "cifar")

    assert set(mnist) == TAG_KEYS
    assert dioptra.tags.get_by_id(mnist["id"]) == mnist
    page = dioptra.tags.get(group_id=public_id, sort_by="name", descending=True, page_length=1)
    assert names(page["data"]) == ["mnist"] and page["totalNumResults"] == 2
    assert names(dioptra.tags.get(search="name:c*")["data"]) == ["cifar"]
    renamed = dioptra.tags.modify_by_id(mnist["id"], "mnist-digits")
    assert renamed["name"] == "mnist-digits"
    with pytest.raises(DioptraConflictError):
        dioptra.tags.create(public_id, "cifar")
    with pytest.raises(DioptraConflictError):
        dioptra.tags.modify_by_id(mnist["id"], "cifar")

    dioptra.queues.tags.append(queue["id"], ids=[mnist["id"]])
    resources = dioptra.tags.get_resources(mnist["id"])
    assert resources["data"] == [f"/api/v1/queue/{queue['id']}"]
    assert dioptra.tags.get_resources_for_tag(mnist["id"], resource_type="job")["data"] == []
    with pytest.raises(DioptraValidationError):
        dioptra.tags.get_resources(mnist["id"], resource_type="queues")

    assert dioptra.tags.delete_by_id(mnist["id"]) == {"status": "Success", "id": [mnist["id"]]}
    assert dioptra.queues.tags.get(queue["id"]) == []
    with pytest.raises(DioptraNotFoundError):
        dioptra.tags.get_by_id(mnist["id"])


@pytest.mark.parametrize(
    "resource",
    ["queues", "entrypoints", "experiments", "plugins", "plugin files", "jobs", "models"],
)
def test_every_resource_client_tags_its_resources(
    alice, dioptra, public_id, queue, entrypoint, plugin, plugin_file, job, resource
):
    experiment = job["experiment"]
    model = dioptra.models.create(public_id, "classifier")
    client, ids = {
        "queues": (dioptra.queues, [queue["id"]]),
        "entrypoints": (dioptra.entrypoints, [entrypoint["id"]]),
        "experiments": (dioptra.experiments, [experiment["id"]]),
        "plugins": (dioptra.plugins, [plugin["id"]]),
        "plugin files": (dioptra.plugins.files, [plugin["id"], plugin_file["id"]]),
        "jobs": (dioptra.jobs, [job["id"]]),
        "models": (dioptra.models, [model["id"]]),
    }[resource]
    a, b, c = (dioptra.tags.create(public_id, name)["id"] for name in "abc")

    assert client.tags.get(*ids) == []
    assert names(client.tags.append(*ids, ids=[b, a])) == ["b", "a"]
    assert names(client.tags.append(*ids, ids=[a, c])) == ["b", "a", "c"]
    assert names(client.tags.modify(*ids, ids=[c, b])) == ["c", "b"]
    assert client.tags.remove(*ids, tag_id=c) == {"status": "Success", "id": [c]}
    with pytest.raises(DioptraNotFoundError):
        client.tags.remove(*ids, tag_id=c)
    assert names(client.tags.get(*ids)) == ["b"]
    assert client.tags.remove_all(*ids) == {"status": "Success", "id": [b]}
    assert client.tags.get(*ids) == []


def test_tags_respect_group_permissions(alice, dioptra, public_id, queue, api_address):
    tag = dioptra.tags.create(public_id, "mnist")

    with connect_json_dioptra_client(api_address) as bob:
        register(bob, "bob")
        bob.auth.login("bob", PASSWORD)
        # bob reads and writes `public`, as every user does
        assert names(bob.queues.tags.append(queue["id"], ids=[tag["id"]])) == ["mnist"]
        GroupMembership.objects.filter(user__username="bob").update(write=False)
        with pytest.raises(DioptraForbiddenError):
            bob.queues.tags.remove_all(queue["id"])
        with pytest.raises(DioptraForbiddenError):
            bob.tags.modify_by_id(tag["id"], "renamed")
        assert names(bob.queues.tags.get(queue["id"])) == ["mnist"]


def test_snapshots_of_a_queue(alice, dioptra, queue):
    modified = dioptra.queues.modify_by_id(queue["id"], "tensorflow-gpu", "GPU workers")

    page = dioptra.queues.snapshots.get(queue["id"])
    old = dioptra.queues.snapshots.get_by_id(queue["id"], snapshot_id=queue["snapshot"])

    assert [s["name"] for s in page["data"]] == ["tensorflow-cpu", "tensorflow-gpu"]
    assert page["data"][1] == {k: v for k, v in modified.items() if k != "hasDraft"}
    assert old == page["data"][0] and old["latestSnapshot"] is False
    assert dioptra.queues.snapshots.get(queue["id"], search="name:*gpu")["totalNumResults"] == 1
    assert dioptra.queues.snapshots.get(queue["id"], index=1, page_length=1)["data"] == [
        page["data"][1]
    ]
    with pytest.raises(DioptraNotFoundError):
        dioptra.queues.snapshots.get_by_id(queue["id"], snapshot_id=modified["snapshot"] + 1000)


def test_snapshots_of_plugin_files_entrypoints_and_jobs(
    alice, dioptra, plugin, plugin_file, entrypoint, job
):
    changed = dioptra.plugins.files.modify_by_id(
        plugin["id"], plugin_file["id"], "renamed.py", "# changed"
    )
    file_snapshots = dioptra.plugins.files.snapshots.get(plugin["id"], plugin_file["id"])
    assert [s["filename"] for s in file_snapshots["data"]] == ["tasks.py", "renamed.py"]
    assert (
        dioptra.plugins.files.snapshots.get_by_id(
            plugin["id"], plugin_file["id"], snapshot_id=changed["snapshot"]
        )["contents"]
        == "# changed"
    )
    plugin_snapshots = dioptra.plugins.snapshots.get(plugin["id"])["data"]
    assert [[f["filename"] for f in s["files"]] for s in plugin_snapshots] == [
        [],
        ["tasks.py"],
        ["renamed.py"],
    ]

    [snapshot] = dioptra.entrypoints.snapshots.get(entrypoint["id"])["data"]
    assert snapshot["name"] == "hello" and "queues" not in snapshot
    assert dioptra.entrypoints.snapshots.get_config(entrypoint["id"], snapshot["snapshot"])
    [queued] = dioptra.jobs.snapshots.get(job["id"])["data"]
    assert queued["status"] == "queued" and "artifacts" not in queued


def test_official_client_tags_and_snapshots(api_address):
    official = connect_official(api_address)
    try:
        registered = official.users.create("alice", "alice@example.org", PASSWORD)
        [public] = [g for g in registered["groups"] if g["name"] == "public"]
        official.auth.login("alice", PASSWORD)
        tag = official.tags.create(public["id"], "mnist")
        queue = official.queues.create(public["id"], "tensorflow-cpu")
        plugin = official.plugins.create(public["id"], "greeter")
        file = official.plugins.files.create(plugin["id"], "tasks.py", "# code")

        assert names(official.queues.tags.append(queue["id"], ids=[tag["id"]])) == ["mnist"]
        assert names(official.plugins.files.tags.modify(plugin["id"], file["id"], ids=[tag["id"]]))
        assert official.tags.get_resources_for_tag(tag["id"])["totalNumResults"] == 2
        official.queues.modify_by_id(queue["id"], "tensorflow-gpu", None)
        snapshots = official.queues.snapshots.get(queue["id"])["data"]
        assert [s["name"] for s in snapshots] == ["tensorflow-cpu", "tensorflow-gpu"]
        assert official.queues.snapshots.get_by_id(queue["id"], snapshot_id=queue["snapshot"])[
            "tags"
        ] == [{k: tag[k] for k in ("id", "name", "group")} | {"url": f"/api/v1/tags/{tag['id']}"}]
        assert (
            official.plugins.files.snapshots.get(plugin["id"], file["id"])["data"][0]["filename"]
            == "tasks.py"
        )
        assert official.queues.tags.remove_all(queue["id"])["id"] == [tag["id"]]
        assert official.tags.delete_by_id(tag["id"])["id"] == [tag["id"]]
    finally:
        official.close()
