"""Snapshots in the REST API: ``GET .../{id}/snapshots`` and
``GET .../{id}/snapshots/{snapshotId}`` of every versioned resource."""

import pytest

from experiments import accounts, definitions
from experiments.artifacts import modify_artifact
from experiments.jobs import set_job_status
from experiments.models import Artifact, PluginFile, Tag
from tests.api.conftest import (
    ENTRYPOINT_KEYS,
    EXPERIMENT_KEYS,
    PAGE_KEYS,
    QUEUE_KEYS,
    RESOURCE_KEYS,
    send,
)
from tests.api.plugin_helpers import NAME_PARAMETER, TASK_GRAPH, builtin_types, vision_plugin
from tests.conftest import logged_in
from tests.factories import PluginParameterTypeFactory, QueueFactory
from tests.jobs.conftest import make_workflow

SNAPSHOT_KEYS = RESOURCE_KEYS - {"hasDraft"}


def without(shape: dict, *keys: str) -> dict:
    return {key: value for key, value in shape.items() if key not in keys}


# Each resource type: how to create it and change it through the API, and what
# its snapshots leave out of its shape (besides hasDraft).


def _queue(client, team, writer):
    created = send(client, "POST", "/api/v1/queues", {"group": team.pk, "name": "old"})
    path = f"/api/v1/queues/{created.json()['id']}"
    modified = send(client, "PUT", path, {"name": "new", "description": "Changed."})
    return path, created.json(), modified.json()


def _experiment(client, team, writer):
    created = send(client, "POST", "/api/v1/experiments", {"group": team.pk, "name": "old"})
    path = f"/api/v1/experiments/{created.json()['id']}"
    modified = send(client, "PUT", path, {"name": "new", "description": "Changed."})
    return path, created.json(), modified.json()


def _parameter_type(client, team, writer):
    body = {"group": team.pk, "name": "image", "structure": {"list": "integer"}}
    created = send(client, "POST", "/api/v1/pluginParameterTypes", body)
    path = f"/api/v1/pluginParameterTypes/{created.json()['id']}"
    modified = send(client, "PUT", path, {"name": "picture", "description": "Changed."})
    return path, created.json(), modified.json()


def _model(client, team, writer):
    created = send(client, "POST", "/api/v1/models", {"group": team.pk, "name": "old"})
    path = f"/api/v1/models/{created.json()['id']}"
    modified = send(client, "PUT", path, {"name": "new", "description": "Changed."})
    return path, created.json(), modified.json()


def _plugin(client, team, writer):
    created = send(client, "POST", "/api/v1/plugins", {"group": team.pk, "name": "old"})
    path = f"/api/v1/plugins/{created.json()['id']}"
    modified = send(client, "PUT", path, {"name": "new", "description": "Changed."})
    return path, created.json(), modified.json()


def _plugin_file(client, team, writer):
    string = builtin_types(writer)["string"]
    plugin = send(client, "POST", "/api/v1/plugins", {"group": team.pk, "name": "p"}).json()

    def body(filename, task):
        params = [{"name": "x", "parameterType": string.pk}]
        function = {"name": task, "inputParams": params, "outputParams": params}
        return {"filename": filename, "contents": "# code", "tasks": {"functions": [function]}}

    files = f"/api/v1/plugins/{plugin['id']}/files"
    created = send(client, "POST", files, body("old.py", "first"))
    path = f"{files}/{created.json()['id']}"
    modified = send(client, "PUT", path, body("new.py", "second"))
    return path, created.json(), modified.json()


def _entrypoint(client, team, writer):
    image = PluginParameterTypeFactory(group=team, name="image")
    plugin = vision_plugin(writer, team, image_type=image)
    queue = QueueFactory(group=team)
    body = {
        "group": team.pk,
        "name": "old",
        "taskGraph": TASK_GRAPH,
        "parameters": [NAME_PARAMETER],
        "plugins": [plugin.pk],
        "queues": [queue.pk],
    }
    created = send(client, "POST", "/api/v1/entrypoints", body)
    path = f"/api/v1/entrypoints/{created.json()['id']}"
    changed = {key: body[key] for key in ("taskGraph", "parameters", "queues")}
    modified = send(client, "PUT", path, {**changed, "name": "new", "description": "Changed."})
    return path, created.json(), modified.json()


CHANGED = {
    "queues": (_queue, ()),
    "experiments": (_experiment, ("entrypoints",)),
    "pluginParameterTypes": (_parameter_type, ()),
    "models": (_model, ()),
    "plugins": (_plugin, ()),
    "plugin files": (_plugin_file, ("plugin",)),
    "entrypoints": (_entrypoint, ("queues",)),
}


@pytest.fixture(params=list(CHANGED))
def changed(request, writer, team):
    """(path, create response, modify response, keys snapshots omit) for each type."""
    make, omitted = CHANGED[request.param]
    path, created, modified = make(logged_in(writer), team, writer)
    assert created["snapshot"] < modified["snapshot"], (created, modified)
    return path, created, modified, ("hasDraft", *omitted)


def test_snapshots_show_the_resource_as_it_was(writer, changed):
    path, created, modified, omitted = changed
    client = logged_in(writer)

    response = client.get(f"{path}/snapshots")

    assert response.status_code == 200
    assert set(response.json()) == PAGE_KEYS
    old, new = response.json()["data"]
    assert new == without(modified, *omitted)
    assert old == {
        **without(created, *omitted),
        "latestSnapshot": False,
        "lastModifiedOn": modified["lastModifiedOn"],
    }
    assert client.get(f"{path}/snapshots/{old['snapshot']}").json() == old
    assert client.get(f"{path}/snapshots/{new['snapshot']}/").json() == new


def test_snapshot_key_sets(writer, team):
    client = logged_in(writer)
    path, *_ = _queue(client, team, writer)
    assert set(client.get(f"{path}/snapshots").json()["data"][0]) == QUEUE_KEYS - {"hasDraft"}
    path, *_ = _experiment(client, team, writer)
    assert set(client.get(f"{path}/snapshots").json()["data"][0]) == EXPERIMENT_KEYS - {
        "hasDraft",
        "entrypoints",
    }
    path, *_ = _entrypoint(client, team, writer)
    assert set(client.get(f"{path}/snapshots").json()["data"][0]) == ENTRYPOINT_KEYS - {
        "hasDraft",
        "queues",
    }
    path, *_ = _model(client, team, writer)
    model = client.get(f"{path}/snapshots").json()["data"][0]
    assert set(model) == SNAPSHOT_KEYS | {"name", "description", "versions", "latestVersion"}
    assert model["versions"] == [] and model["latestVersion"] is None


def test_plugin_snapshots_show_their_files_as_they_were(writer, team):
    client = logged_in(writer)
    path, created, modified = _plugin_file(client, team, writer)
    plugin_path = path.rsplit("/files/", 1)[0]

    snapshots = client.get(f"{plugin_path}/snapshots").json()["data"]

    # Created empty, then a file added, then the file changed.
    assert [[f["filename"] for f in s["files"]] for s in snapshots] == [[], ["old.py"], ["new.py"]]
    old_file = snapshots[1]["files"][0]
    assert old_file == {
        "id": created["id"],
        "plugin": created["plugin"]["id"],
        "filename": "old.py",
        "group": created["group"],
        "url": path,
        "tasks": created["tasks"],
    }
    assert snapshots[2]["files"][0]["tasks"] == modified["tasks"]
    assert client.get(plugin_path).json()["files"] == snapshots[2]["files"]


def test_job_snapshots_follow_its_status(writer, team):
    accounts.ensure_public_group(creator=writer)
    job = make_workflow(writer, team).submit(writer)
    set_job_status(user=writer, job=job, status="started")
    client = logged_in(writer)
    live = client.get(f"/api/v1/jobs/{job.pk}").json()

    snapshots = client.get(f"/api/v1/jobs/{job.pk}/snapshots").json()["data"]

    assert [s["status"] for s in snapshots] == ["queued", "started"]
    assert set(snapshots[0]) == set(live) - {"hasDraft", "artifacts"}
    assert snapshots[1] == without(live, "hasDraft", "artifacts")
    assert snapshots[0]["latestSnapshot"] is False
    assert snapshots[0]["queue"] == live["queue"]


def test_artifact_snapshots_follow_its_description(writer, team):
    accounts.ensure_public_group(creator=writer)
    job = make_workflow(writer, team).submit(writer)
    artifact = Artifact.objects.create(
        group=team, creator=writer, job=job, uri="file:///runs/a.csv", description="first"
    )
    artifact.record_snapshot(user=writer)
    modify_artifact(
        user=writer, artifact=artifact, description="second", plugin_snapshot_id=None, task_id=None
    )
    client = logged_in(writer)
    live = client.get(f"/api/v1/artifacts/{artifact.pk}").json()

    snapshots = client.get(f"/api/v1/artifacts/{artifact.pk}/snapshots").json()["data"]

    assert [s["description"] for s in snapshots] == ["first", "second"]
    assert snapshots[1] == without(live, "hasDraft")
    assert snapshots[0]["task"] == {} and snapshots[0]["artifactUri"] == "file:///runs/a.csv"


def test_snapshots_carry_the_resources_tags(writer, team):
    client = logged_in(writer)
    path, *_ = _queue(client, team, writer)
    tag = Tag.objects.create(group=team, name="mnist", creator=writer)
    send(client, "POST", f"{path}/tags", {"ids": [tag.pk]})

    snapshots = client.get(f"{path}/snapshots").json()["data"]

    assert [[t["name"] for t in s["tags"]] for s in snapshots] == [["mnist"], ["mnist"]]


def test_snapshot_permissions(writer, reader, outsider, anonymous, team):
    path, created, modified = _queue(logged_in(writer), team, writer)
    one = f"{path}/snapshots/{created['snapshot']}"

    assert logged_in(reader).get(f"{path}/snapshots").status_code == 200
    assert logged_in(reader).get(one).status_code == 200
    for client, status in [(logged_in(outsider), 404), (anonymous, 401)]:
        assert client.get(f"{path}/snapshots").status_code == status
        assert client.get(one).status_code == status
    assert send(logged_in(writer), "POST", f"{path}/snapshots", {}).status_code == 405
    assert send(logged_in(writer), "DELETE", one).status_code == 405


def test_missing_snapshots_and_resources_are_not_found(writer, team):
    client = logged_in(writer)
    path, created, _ = _queue(client, team, writer)
    _, other, _ = _experiment(client, team, writer)

    response = client.get(f"{path}/snapshots/{other['snapshot']}")
    assert response.status_code == 404
    assert response.json()["detail"]["entity_type"] == "queue_snapshot"
    assert client.get(f"{path}/snapshots/424242").status_code == 404
    assert client.get(f"{path}/snapshots/abc").status_code == 404
    assert client.get("/api/v1/queues/424242/snapshots").status_code == 404
    send(client, "DELETE", path)
    assert client.get(f"{path}/snapshots").status_code == 404
    assert client.get(f"{path}/snapshots/{created['snapshot']}").status_code == 404


def test_snapshot_lists_page_and_search(writer, team):
    client = logged_in(writer)
    path, created, modified = _queue(client, team, writer)
    send(client, "PUT", path, {"name": "newest"})

    page = client.get(f"{path}/snapshots", {"index": 1, "pageLength": 1}).json()
    assert [s["name"] for s in page["data"]] == ["new"]
    assert page["totalNumResults"] == 3 and page["isComplete"] is False
    assert page["first"] == f"{path}/snapshots?index=0&pageLength=1"
    assert page["prev"] == f"{path}/snapshots?index=0&pageLength=1"
    assert page["next"] == f"{path}/snapshots?index=2&pageLength=1"
    search = client.get(f"{path}/snapshots", {"search": "name:new*"}).json()
    assert [s["name"] for s in search["data"]] == ["new", "newest"]
    search = client.get(f"{path}/snapshots", {"search": "changed"}).json()
    assert [s["name"] for s in search["data"]] == ["new"]
    assert client.get(f"{path}/snapshots", {"search": "colour:red"}).status_code == 422
    assert client.get(f"{path}/snapshots", {"pageLength": 1001}).status_code == 400
    assert client.get(f"{path}/snapshots", {"index": "x"}).status_code == 400


def test_entrypoint_snapshot_search_by_task_graph_and_tag(writer, team):
    client = logged_in(writer)
    path, *_ = _entrypoint(client, team, writer)
    rows = client.get(f"{path}/snapshots", {"search": "task_graph:*hello*"}).json()["data"]
    assert len(rows) == 2
    assert client.get(f"{path}/snapshots", {"search": "tag:mnist"}).json()["data"] == []


# Query counts --------------------------------------------------------------------------------


def _grow(kind: str, writer, team, extra: int):
    """A resource of ``kind`` with ``extra`` more snapshots; returns its URL."""
    client = logged_in(writer)
    if kind == "jobs":
        accounts.ensure_public_group(creator=writer)
        job = make_workflow(writer, team).submit(writer)
        for _ in range(extra):
            job.record_snapshot(user=writer)
        return f"/api/v1/jobs/{job.pk}"
    if kind == "artifacts":
        accounts.ensure_public_group(creator=writer)
        job = make_workflow(writer, team).submit(writer)
        artifact = Artifact.objects.create(group=team, creator=writer, job=job, uri="file:///a")
        for n in range(extra + 1):
            modify_artifact(
                user=writer,
                artifact=artifact,
                description=f"v{n}",
                plugin_snapshot_id=None,
                task_id=None,
            )
        return f"/api/v1/artifacts/{artifact.pk}"
    if kind in {"plugins", "plugin files"}:
        path, created, _ = _plugin_file(client, team, writer)
        for n in range(extra):
            definitions.update_plugin_file(
                user=writer,
                file=PluginFile.objects.select_related("plugin").get(pk=created["id"]),
                filename=f"f{n}.py",
                contents="",
            )
        return path if kind == "plugin files" else path.rsplit("/files/", 1)[0]
    make, _ = CHANGED[kind]
    path, created, modified = make(client, team, writer)
    for n in range(extra):
        send(client, "PUT", path, {**_put_body(kind, modified), "name": f"n{n}"})
    return path


def _put_body(kind: str, modified: dict) -> dict:
    if kind == "entrypoints":
        return {
            "taskGraph": modified["taskGraph"],
            "parameters": modified["parameters"],
            "queues": [q["id"] for q in modified["queues"]],
        }
    return {}


@pytest.mark.parametrize(
    "kind, queries",
    [
        ("queues", 5),
        ("experiments", 5),
        ("pluginParameterTypes", 5),
        ("models", 5),
        ("plugins", 7),
        ("plugin files", 7),
        ("entrypoints", 10),
        ("jobs", 7),
        ("artifacts", 6),
    ],
)
@pytest.mark.parametrize("extra", [0, 4])
def test_snapshot_list_query_count_does_not_grow(
    writer, team, kind, queries, extra, django_assert_num_queries
):
    path = _grow(kind, writer, team, extra)
    client = logged_in(writer)
    client.get(path)  # the session is loaded once, as in any later request

    with django_assert_num_queries(queries):
        response = client.get(f"{path}/snapshots", {"pageLength": 100})

    assert response.status_code == 200
    assert response.json()["totalNumResults"] >= extra + 1
