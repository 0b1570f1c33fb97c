"""Plugin bundles: a plugin snapshot's files, and the plugins and artifact
plugins an entrypoint snapshot pinned, downloaded as one archive."""

import io
import json
import tarfile
import zipfile

import pytest

from experiments import definitions
from experiments.definitions import ParameterSpec, TaskSpec
from experiments.models import PluginTask
from tests.api.conftest import send
from tests.api.plugin_helpers import TASK_GRAPH, VISION_CODE, builtin_types, vision_plugin
from tests.conftest import logged_in
from tests.factories import PluginParameterTypeFactory

HELPERS = "def shout(text):\n    return text.upper()\n"
SAVERS = """\
from dioptra.sdk.api.artifact import ArtifactTaskInterface


class TextArtifactTask(ArtifactTaskInterface):
    @staticmethod
    def serialize(working_dir, name, contents, **kwargs):
        path = working_dir / f"{name}.txt"
        path.write_text(str(contents))
        return path

    @staticmethod
    def deserialize(working_dir, path, **kwargs):
        return (working_dir / path).read_text()
"""
ENTRYPLUGIN_KEYS = {"id", "name", "snapshotId", "latestSnapshot", "url", "files"}


def members(response) -> dict[str, bytes]:
    """The archive's files by path (tar.gz or zip, by the answer's content type)."""
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"] == "application/zip":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {name: archive.read(name) for name in archive.namelist()}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        return {m.name: archive.extractfile(m).read() for m in archive.getmembers()}


@pytest.fixture
def plugin(writer, team):
    """`vision`: tasks.py (hello, load) and util/helpers.py (no tasks)."""
    image = PluginParameterTypeFactory(group=team, name="image")
    plugin = vision_plugin(writer, team, image_type=image)
    definitions.create_plugin_file(
        user=writer, plugin=plugin, filename="util/helpers.py", contents=HELPERS
    )
    plugin.refresh_from_db()
    return plugin


@pytest.fixture
def savers(writer, team):
    plugin = definitions.create_plugin(user=writer, group_id=team.pk, name="savers")
    definitions.create_plugin_file(
        user=writer,
        plugin=plugin,
        filename="text.py",
        contents=SAVERS,
        tasks=[TaskSpec("TextArtifactTask", kind=PluginTask.Kind.ARTIFACT)],
    )
    plugin.refresh_from_db()
    return plugin


@pytest.fixture
def entrypoint(writer, team, plugin, savers):
    return definitions.create_entrypoint(
        user=writer,
        group_id=team.pk,
        name="greet",
        task_graph=TASK_GRAPH,
        parameters=[ParameterSpec("name", "string", "World")],
        plugin_ids=[plugin.pk],
        artifact_plugin_ids=[savers.pk],
    )


def file_snapshots(plugin) -> dict[str, tuple[int, int]]:
    return {f.filename: (f.pk, f.snapshot_id) for f in plugin.files.alive()}


# GET /plugins/{id}/snapshots/{sid}/files/bundle ---------------------------------------


def test_a_plugin_bundle_holds_each_file_under_the_plugin_name_and_a_manifest(writer, plugin):
    url = f"/api/v1/plugins/{plugin.pk}/snapshots/{plugin.snapshot_id}/files/bundle"

    response = send(logged_in(writer), "GET", url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/gzip"
    assert response["Content-Disposition"] == 'attachment; filename="plugins_bundle.tar.gz"'
    files = members(response)
    assert set(files) == {"vision/tasks.py", "vision/util/helpers.py", "manifest.json"}
    assert files["vision/tasks.py"].decode() == VISION_CODE
    assert files["vision/util/helpers.py"].decode() == HELPERS
    ids = file_snapshots(plugin)
    assert json.loads(files["manifest.json"]) == {
        "plugins": [
            {
                "id": plugin.pk,
                "snapshotId": plugin.snapshot_id,
                "name": "vision",
                "files": [
                    {
                        "id": ids["tasks.py"][0],
                        "snapshotId": ids["tasks.py"][1],
                        "filename": "tasks.py",
                        "tasks": {"functions": ["hello", "load"], "artifacts": []},
                    },
                    {
                        "id": ids["util/helpers.py"][0],
                        "snapshotId": ids["util/helpers.py"][1],
                        "filename": "util/helpers.py",
                        "tasks": {"functions": [], "artifacts": []},
                    },
                ],
            }
        ]
    }


def test_a_plugin_bundle_as_zip_with_either_slash(writer, plugin):
    url = f"/api/v1/plugins/{plugin.pk}/snapshots/{plugin.snapshot_id}/files/bundle"

    for path in (url, url + "/"):
        response = send(logged_in(writer), "GET", path + "?fileType=zip")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert response["Content-Disposition"] == 'attachment; filename="plugins_bundle.zip"'
        assert members(response)["vision/util/helpers.py"].decode() == HELPERS


def test_an_older_plugin_snapshot_bundles_the_files_as_they_were(writer, plugin):
    before = plugin.snapshot_id
    helpers = plugin.files.get(filename="util/helpers.py")
    definitions.update_plugin_file(
        user=writer, file=helpers, filename="util/helpers.py", contents="# changed\n"
    )
    plugin.refresh_from_db()
    client = logged_in(writer)

    old = members(
        send(client, "GET", f"/api/v1/plugins/{plugin.pk}/snapshots/{before}/files/bundle")
    )
    new = members(
        send(
            client,
            "GET",
            f"/api/v1/plugins/{plugin.pk}/snapshots/{plugin.snapshot_id}/files/bundle",
        )
    )

    assert plugin.snapshot_id > before
    assert old["vision/util/helpers.py"].decode() == HELPERS
    assert new["vision/util/helpers.py"].decode() == "# changed\n"
    assert json.loads(old["manifest.json"])["plugins"][0]["snapshotId"] == before


def test_a_bundle_of_an_unknown_file_type_is_refused(writer, plugin):
    url = f"/api/v1/plugins/{plugin.pk}/snapshots/{plugin.snapshot_id}/files/bundle?fileType=rar"

    response = send(logged_in(writer), "GET", url)

    assert response.status_code == 400
    assert response.json() == {"errors": {"fileType": ["Must be one of: tar_gz, zip."]}}


def test_a_plugin_bundle_needs_a_snapshot_of_that_plugin(writer, plugin, savers, entrypoint):
    client = logged_in(writer)

    of_other_plugin = send(
        client, "GET", f"/api/v1/plugins/{plugin.pk}/snapshots/{savers.snapshot_id}/files/bundle"
    )
    of_entrypoint = send(
        client,
        "GET",
        f"/api/v1/plugins/{plugin.pk}/snapshots/{entrypoint.snapshot_id}/files/bundle",
    )
    unknown_plugin = send(
        client, "GET", f"/api/v1/plugins/999999/snapshots/{plugin.snapshot_id}/files/bundle"
    )

    assert of_other_plugin.status_code == 404
    assert of_other_plugin.json()["error"] == "EntityDoesNotExistError"
    assert "plugin snapshot" in of_other_plugin.json()["message"]
    assert of_entrypoint.status_code == 404
    assert unknown_plugin.status_code == 404


def test_plugin_bundle_permissions(plugin, reader, outsider, anonymous):
    url = f"/api/v1/plugins/{plugin.pk}/snapshots/{plugin.snapshot_id}/files/bundle"

    assert send(logged_in(reader), "GET", url).status_code == 200
    assert send(logged_in(outsider), "GET", url).status_code == 404
    assert send(anonymous, "GET", url).status_code == 401


def test_a_deleted_plugins_bundle_is_gone(writer, plugin):
    url = f"/api/v1/plugins/{plugin.pk}/snapshots/{plugin.snapshot_id}/files/bundle"
    definitions.delete_plugin(user=writer, plugin=plugin)

    assert send(logged_in(writer), "GET", url).status_code == 404


# Entrypoint snapshots: plugins, artifact plugins, and their bundles -------------------


def test_an_entrypoint_bundle_holds_the_pinned_plugins_and_says_so(writer, entrypoint, plugin):
    url = f"/api/v1/entrypoints/{entrypoint.pk}/snapshots/{entrypoint.snapshot_id}/plugins/bundle"

    response = send(logged_in(writer), "GET", url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="plugins_bundle.tar.gz"'
    files = members(response)
    assert set(files) == {"vision/tasks.py", "vision/util/helpers.py", "manifest.json"}
    manifest = json.loads(files["manifest.json"])
    assert manifest["entrypoint"] == {
        "id": entrypoint.pk,
        "snapshotId": entrypoint.snapshot_id,
        "name": "greet",
    }
    assert [(p["id"], p["snapshotId"]) for p in manifest["plugins"]] == [
        (plugin.pk, plugin.snapshot_id)
    ]


def test_an_entrypoint_artifact_plugins_bundle(writer, entrypoint, savers):
    url = (
        f"/api/v1/entrypoints/{entrypoint.pk}/snapshots/{entrypoint.snapshot_id}"
        "/artifactPlugins/bundle/?fileType=zip"
    )

    response = send(logged_in(writer), "GET", url)

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="artifact_serialize_bundle.zip"'
    )
    files = members(response)
    assert set(files) == {"savers/text.py", "manifest.json"}
    assert files["savers/text.py"].decode() == SAVERS
    (saver,) = json.loads(files["manifest.json"])["plugins"]
    assert saver["files"][0]["tasks"] == {"functions": [], "artifacts": ["TextArtifactTask"]}


def test_an_entrypoint_snapshot_keeps_bundling_what_it_pinned(writer, entrypoint, plugin):
    pinned = entrypoint.snapshot_id
    tasks = plugin.files.get(filename="tasks.py")
    definitions.update_plugin_file(
        user=writer,
        file=tasks,
        filename="tasks.py",
        contents=VISION_CODE + "\n# v2\n",
        tasks=[TaskSpec("hello", inputs=[("name", builtin_types(writer)["string"].pk, True)])],
    )
    definitions.pin_entrypoint_plugins(user=writer, entrypoint=entrypoint, pins=[(plugin.pk, None)])
    entrypoint.refresh_from_db()
    client = logged_in(writer)
    base = f"/api/v1/entrypoints/{entrypoint.pk}/snapshots"

    old = members(send(client, "GET", f"{base}/{pinned}/plugins/bundle"))
    new = members(send(client, "GET", f"{base}/{entrypoint.snapshot_id}/plugins/bundle"))

    assert entrypoint.snapshot_id > pinned
    assert old["vision/tasks.py"].decode() == VISION_CODE
    assert new["vision/tasks.py"].decode().endswith("# v2\n")


def test_an_entrypoint_without_artifact_plugins_bundles_only_a_manifest(writer, team, plugin):
    bare = definitions.create_entrypoint(
        user=writer,
        group_id=team.pk,
        name="bare",
        task_graph=TASK_GRAPH,
        parameters=[ParameterSpec("name", "string", "World")],
        plugin_ids=[plugin.pk],
    )
    base = f"/api/v1/entrypoints/{bare.pk}/snapshots/{bare.snapshot_id}"

    files = members(send(logged_in(writer), "GET", f"{base}/artifactPlugins/bundle"))
    listed = send(logged_in(writer), "GET", f"{base}/artifactPlugins").json()

    assert set(files) == {"manifest.json"}
    assert json.loads(files["manifest.json"])["plugins"] == []
    assert listed == []


def test_an_entrypoint_snapshots_artifact_plugins(writer, entrypoint, savers):
    base = f"/api/v1/entrypoints/{entrypoint.pk}/snapshots/{entrypoint.snapshot_id}"
    client = logged_in(writer)

    for path in (f"{base}/artifactPlugins", f"{base}/artifactPlugins/"):
        response = send(client, "GET", path)
        assert response.status_code == 200
        (pinned,) = response.json()
        assert set(pinned) == ENTRYPLUGIN_KEYS
        assert pinned["id"] == savers.pk
        assert pinned["name"] == "savers"
        assert pinned["snapshotId"] == savers.snapshot_id
        assert pinned["latestSnapshot"] is True
        assert pinned["url"] == f"/api/v1/plugins/{savers.pk}/snapshots/{savers.snapshot_id}"
        (file,) = pinned["files"]
        assert file["filename"] == "text.py"
        assert [t["name"] for t in file["tasks"]["artifacts"]] == ["TextArtifactTask"]
    current = send(client, "GET", f"/api/v1/entrypoints/{entrypoint.pk}/artifactPlugins").json()
    assert response.json() == current


@pytest.mark.parametrize("tail", ["plugins/bundle", "artifactPlugins/bundle", "artifactPlugins"])
def test_entrypoint_snapshot_routes_need_a_snapshot_of_that_entrypoint(
    writer, team, plugin, entrypoint, tail
):
    other = definitions.create_entrypoint(
        user=writer,
        group_id=team.pk,
        name="other",
        task_graph=TASK_GRAPH,
        parameters=[ParameterSpec("name", "string", "World")],
        plugin_ids=[plugin.pk],
    )
    client = logged_in(writer)

    foreign = send(
        client, "GET", f"/api/v1/entrypoints/{entrypoint.pk}/snapshots/{other.snapshot_id}/{tail}"
    )
    of_plugin = send(
        client, "GET", f"/api/v1/entrypoints/{entrypoint.pk}/snapshots/{plugin.snapshot_id}/{tail}"
    )
    unknown = send(
        client, "GET", f"/api/v1/entrypoints/999999/snapshots/{entrypoint.snapshot_id}/{tail}"
    )

    assert foreign.status_code == 404
    assert "entry_point snapshot" in foreign.json()["message"]
    assert of_plugin.status_code == 404
    assert unknown.status_code == 404


@pytest.mark.parametrize("tail", ["plugins/bundle", "artifactPlugins/bundle", "artifactPlugins"])
def test_entrypoint_snapshot_route_permissions(entrypoint, reader, outsider, anonymous, tail):
    url = f"/api/v1/entrypoints/{entrypoint.pk}/snapshots/{entrypoint.snapshot_id}/{tail}"

    assert send(logged_in(reader), "GET", url).status_code == 200
    assert send(logged_in(outsider), "GET", url).status_code == 404
    assert send(anonymous, "GET", url).status_code == 401


@pytest.mark.parametrize("tail", ["plugins/bundle", "artifactPlugins/bundle"])
def test_entrypoint_bundles_refuse_an_unknown_file_type(writer, entrypoint, tail):
    url = f"/api/v1/entrypoints/{entrypoint.pk}/snapshots/{entrypoint.snapshot_id}/{tail}"

    response = send(logged_in(writer), "GET", url + "?fileType=tar")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["fileType"]


def test_bundle_routes_refuse_other_methods(writer, plugin, entrypoint):
    client = logged_in(writer)

    assert (
        send(
            client,
            "POST",
            f"/api/v1/plugins/{plugin.pk}/snapshots/{plugin.snapshot_id}/files/bundle",
            {},
        ).status_code
        == 405
    )
    assert (
        send(
            client,
            "DELETE",
            f"/api/v1/entrypoints/{entrypoint.pk}/snapshots/{entrypoint.snapshot_id}/artifactPlugins",
        ).status_code
        == 405
    )
