"""The plugins an entrypoint pins, and the description each snapshot runs."""

import json
import math

import pytest

from experiments import definitions
from tests.api.conftest import ERROR_KEYS, send
from tests.api.plugin_helpers import (
    TASK_GRAPH,
    builtin_types,
    image_type,
    plugin,
    vision_plugin,
)
from tests.conftest import logged_in

__all__ = ["image_type", "plugin"]  # fixtures

URL = "/api/v1/entrypoints"
ENTRYPOINT_PLUGIN_KEYS = {"id", "name", "snapshotId", "latestSnapshot", "url", "files"}
PINNED_FILE_KEYS = {"id", "snapshotId", "filename", "url", "tasks"}


@pytest.fixture
def entrypoint(writer, team, plugin):
    return definitions.create_entrypoint(
        user=writer,
        group_id=team.pk,
        name="greet",
        task_graph=TASK_GRAPH,
        parameters=[definitions.ParameterSpec("name", "string", "World")],
        plugin_ids=[plugin.pk],
    )


def other_plugin(writer, team, image_type, name="other"):
    return vision_plugin(writer, team, image_type=image_type, name=name)


@pytest.mark.parametrize("suffix", ["", "/"])
def test_list_the_pinned_plugins(reader, outsider, anonymous, entrypoint, plugin, suffix):
    path = f"{URL}/{entrypoint.pk}/plugins{suffix}"

    response = logged_in(reader).get(path)

    assert response.status_code == 200
    [pinned] = response.json()
    assert set(pinned) == ENTRYPOINT_PLUGIN_KEYS
    assert (pinned["id"], pinned["name"], pinned["snapshotId"]) == (
        plugin.pk,
        "vision",
        plugin.snapshot_id,
    )
    assert pinned["latestSnapshot"] is True
    [file] = pinned["files"]
    assert set(file) == PINNED_FILE_KEYS
    assert [t["name"] for t in file["tasks"]["functions"]] == ["hello", "load"]
    assert logged_in(reader).get(f"{URL}/{entrypoint.pk}/artifactPlugins{suffix}").json() == []
    assert logged_in(outsider).get(path).status_code == 404
    assert anonymous.get(path).status_code == 401


def test_get_one_pinned_plugin(reader, entrypoint, plugin, team, writer, image_type):
    unattached = other_plugin(writer, team, image_type)
    path = f"{URL}/{entrypoint.pk}/plugins"

    response = logged_in(reader).get(f"{path}/{plugin.pk}")

    assert response.status_code == 200
    assert response.json()["id"] == plugin.pk
    assert logged_in(reader).get(f"{path}/{unattached.pk}").status_code == 404
    assert (
        logged_in(reader).get(f"{URL}/{entrypoint.pk}/artifactPlugins/{plugin.pk}").status_code
        == 404
    )


def test_attaching_keeps_other_pins_and_updates_the_named_ones(
    writer, team, entrypoint, plugin, image_type
):
    old_snapshot = plugin.snapshot_id
    definitions.update_plugin(user=writer, plugin=plugin, name="vision", description="newer")
    plugin.refresh_from_db()
    extra = other_plugin(writer, team, image_type)
    client = logged_in(writer)
    path = f"{URL}/{entrypoint.pk}/plugins"

    response = send(client, "POST", path, {"plugins": [extra.pk]})

    assert response.status_code == 200, response.json()
    assert [(p["id"], p["snapshotId"], p["latestSnapshot"]) for p in response.json()] == [
        (plugin.pk, old_snapshot, False),
        (extra.pk, extra.snapshot_id, True),
    ]
    response = send(client, "POST", path + "/", {"plugins": [plugin.pk]})
    assert [(p["id"], p["snapshotId"]) for p in response.json()] == [
        (plugin.pk, plugin.snapshot_id),
        (extra.pk, extra.snapshot_id),
    ]
    entrypoint_after = client.get(f"{URL}/{entrypoint.pk}").json()
    assert entrypoint_after["snapshot"] > entrypoint.snapshot_id
    assert [p["snapshotId"] for p in entrypoint_after["plugins"]] == [
        plugin.snapshot_id,
        extra.snapshot_id,
    ]


def test_attach_artifact_plugins(writer, team, entrypoint, image_type):
    handler = other_plugin(writer, team, image_type, name="handlers")
    path = f"{URL}/{entrypoint.pk}/artifactPlugins"

    response = send(logged_in(writer), "POST", path, {"artifactPlugins": [handler.pk]})

    assert response.status_code == 200, response.json()
    assert [p["id"] for p in response.json()] == [handler.pk]
    assert logged_in(writer).get(f"{path}/{handler.pk}").json()["id"] == handler.pk
    removed = send(logged_in(writer), "DELETE", f"{path}/{handler.pk}")
    assert removed.json() == {"status": "Success", "id": [handler.pk]}
    assert logged_in(writer).get(path).json() == []


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"plugins": [424242]}, 404),
        ({"plugins": ["1"]}, 400),
        ({"plugins": 1}, 400),
        ({"ids": [1]}, 400),
        ({}, 400),
        ({"artifactPlugins": [1]}, 400),
    ],
)
def test_attach_errors(writer, entrypoint, body, status):
    response = send(logged_in(writer), "POST", f"{URL}/{entrypoint.pk}/plugins", body)

    assert response.status_code == status, response.json()
    entrypoint.refresh_from_db()
    assert entrypoint.pinned_plugins.count() == 1


def test_attach_and_detach_permissions(reader, outsider, entrypoint, plugin):
    path = f"{URL}/{entrypoint.pk}/plugins"

    assert send(logged_in(reader), "POST", path, {"plugins": [plugin.pk]}).status_code == 403
    assert send(logged_in(outsider), "POST", path, {"plugins": [plugin.pk]}).status_code == 404
    assert send(logged_in(reader), "DELETE", f"{path}/{plugin.pk}").status_code == 403
    assert send(logged_in(outsider), "DELETE", f"{path}/{plugin.pk}").status_code == 404
    assert entrypoint.pinned_plugins.count() == 1


def test_detaching_a_plugin_the_graph_needs_is_refused(writer, entrypoint, plugin):
    response = send(logged_in(writer), "DELETE", f"{URL}/{entrypoint.pk}/plugins/{plugin.pk}")

    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["error"] == "EntrypointValidationError"
    [issue] = response.json()["detail"]["issues"]
    assert (issue["type"], issue["severity"]) == ("SCHEMA", "ERROR")
    assert "tasks" in issue["message"]
    assert entrypoint.pinned_plugins.count() == 1


def test_detach_a_spare_plugin(writer, team, entrypoint, image_type):
    spare = other_plugin(writer, team, image_type)
    client = logged_in(writer)
    path = f"{URL}/{entrypoint.pk}/plugins"
    send(client, "POST", path, {"plugins": [spare.pk]})

    response = send(client, "DELETE", f"{path}/{spare.pk}/")

    assert response.json() == {"status": "Success", "id": [spare.pk]}
    assert [p["name"] for p in client.get(path).json()] == ["vision"]
    assert send(client, "DELETE", f"{path}/{spare.pk}").status_code == 404


# Snapshot config -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_config_of_a_snapshot(reader, team, entrypoint, plugin, image_type, suffix):
    path = f"{URL}/{entrypoint.pk}/snapshots/{entrypoint.snapshot_id}/config{suffix}"

    response = logged_in(reader).get(path, {"partial": "False"})

    assert response.status_code == 200, response.json()
    config = response.json()
    assert set(config) == {
        "types",
        "parameters",
        "tasks",
        "graph",
        "artifact_outputs",
        "artifact_inputs",
    }
    assert config["parameters"] == {"name": {"default": "World", "type": "string"}}
    assert config["tasks"]["hello"] == {
        "plugin": "vision.tasks.hello",
        "inputs": [{"name": "name", "type": "string", "required": True}],
        "outputs": {"greeting": "string"},
    }
    assert config["graph"] == {"step": {"hello": {"name": "$name"}}}
    assert config["artifact_outputs"] == {}
    assert "image" in config["types"]


def test_config_of_an_older_snapshot_is_what_it_ran(writer, entrypoint, plugin):
    old = entrypoint.snapshot_id
    definitions.update_entrypoint(
        user=writer,
        entrypoint=entrypoint,
        name="greet",
        task_graph="renamed_step:\n  hello:\n    name: $name\n",
        parameters=[definitions.ParameterSpec("name", "string", "Moon")],
    )
    client = logged_in(writer)

    older = client.get(f"{URL}/{entrypoint.pk}/snapshots/{old}/config").json()
    newer = client.get(f"{URL}/{entrypoint.pk}/snapshots/{entrypoint.snapshot_id}/config").json()

    assert list(older["graph"]) == ["step"]
    assert older["parameters"]["name"]["default"] == "World"
    assert list(newer["graph"]) == ["renamed_step"]


def test_config_not_found(reader, outsider, writer, team, entrypoint, plugin):
    other = definitions.create_entrypoint(
        user=writer,
        group_id=team.pk,
        name="other",
        task_graph=TASK_GRAPH,
        parameters=[definitions.ParameterSpec("name", "string", "x")],
        plugin_ids=[plugin.pk],
    )
    base = f"{URL}/{entrypoint.pk}/snapshots"

    assert logged_in(reader).get(f"{base}/{other.snapshot_id}/config").status_code == 404
    assert logged_in(reader).get(f"{base}/{plugin.snapshot_id}/config").status_code == 404
    assert logged_in(reader).get(f"{base}/424242/config").status_code == 404
    assert logged_in(outsider).get(f"{base}/{entrypoint.snapshot_id}/config").status_code == 404


def test_builtin_types_are_not_in_the_config(writer, entrypoint):
    builtin_types(writer)
    path = f"{URL}/{entrypoint.pk}/snapshots/{entrypoint.snapshot_id}/config"

    config = logged_in(writer).get(path).json()

    assert "string" not in config["types"]


@pytest.mark.parametrize("count", [1, 5])
def test_plugin_sub_collection_query_count_does_not_grow(
    writer, team, entrypoint, image_type, count, django_assert_num_queries
):
    extra = [other_plugin(writer, team, image_type, name=f"p{n}") for n in range(count)]
    client = logged_in(writer)
    send(client, "POST", f"{URL}/{entrypoint.pk}/plugins", {"plugins": [p.pk for p in extra]})

    # user, entrypoint with its tags, parameters, artifact parameters, pinned
    # plugins, queues, then the pinned files' snapshots, their tasks and types
    with django_assert_num_queries(9):
        response = client.get(f"{URL}/{entrypoint.pk}/plugins")
    assert len(response.json()) == count + 1


def test_config_keeps_yaml_special_floats(writer, team, plugin, image_type):
    image_type.structure = {"list": "number"}
    image_type.save(update_fields=["structure"])
    graph = "step:\n  load:\n    img: [.nan, .inf]\n"
    entrypoint = definitions.create_entrypoint(
        user=writer, group_id=team.pk, name="odd", task_graph=graph, plugin_ids=[plugin.pk]
    )
    path = f"{URL}/{entrypoint.pk}/snapshots/{entrypoint.snapshot_id}/config"

    response = logged_in(writer).get(path)

    assert response.status_code == 200
    [nan, inf] = json.loads(response.content)["graph"]["step"]["load"]["img"]
    assert math.isnan(nan) and inf == math.inf
