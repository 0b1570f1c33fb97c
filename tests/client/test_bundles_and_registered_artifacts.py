"""Our client against a live server: plugin bundles of plugin and entrypoint
snapshots, a job's artifact parameters, registering artifacts by URI, and
downloading an artifact as of one of its snapshots."""

import json
import tarfile
import zipfile

import pytest
from django.core.files.base import ContentFile

from dioptra_client import (
    DioptraConflictError,
    DioptraForbiddenError,
    DioptraNotFoundError,
    DioptraValidationError,
)

from .conftest import HELLO_WORLD_PLUGIN, PASSWORD, register


@pytest.fixture
def experiment(dioptra, public_id, entrypoint):
    return dioptra.experiments.create(public_id, "greetings", entrypoints=[entrypoint["id"]])


@pytest.fixture
def job(dioptra, experiment, entrypoint, queue):
    return dioptra.experiments.jobs.create(experiment["id"], entrypoint["id"], queue["id"])


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_download_a_plugin_snapshots_files(dioptra, plugin_id, tmp_path):
    plugin = dioptra.plugins.get_by_id(plugin_id)

    tar_path = dioptra.plugins.snapshots.get_files_bundle(
        plugin_id, plugin["snapshot"], output_dir=tmp_path
    )
    zip_path = dioptra.plugins.snapshots.get_files_bundle(
        plugin_id, plugin["snapshot"], file_type="zip", output_dir=tmp_path, file_stem="code"
    )

    assert tar_path == tmp_path / "task-plugins.tar.gz"
    with tarfile.open(tar_path, "r:gz") as archive:
        assert archive.extractfile("hello_world/tasks.py").read().decode() == HELLO_WORLD_PLUGIN
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["plugins"][0]["snapshotId"] == plugin["snapshot"]
    assert manifest["plugins"][0]["files"][0]["tasks"]["functions"] == ["hello_world"]
    assert zip_path == tmp_path / "code.zip"
    with zipfile.ZipFile(zip_path) as archive:
        assert set(archive.namelist()) == {"hello_world/tasks.py", "manifest.json"}
    with pytest.raises(DioptraNotFoundError):
        dioptra.plugins.snapshots.get_files_bundle(plugin_id, 999999, output_dir=tmp_path)
    with pytest.raises(DioptraValidationError):
        dioptra.plugins.snapshots.get_files_bundle(
            plugin_id, plugin["snapshot"], file_type="rar", output_dir=tmp_path
        )


def test_download_what_an_entrypoint_snapshot_pinned(dioptra, entrypoint, plugin_id, tmp_path):
    snapshots = dioptra.entrypoints.snapshots

    plugins = snapshots.get_plugins_bundle(
        entrypoint["id"], entrypoint["snapshot"], output_dir=tmp_path
    )
    artifact_plugins = snapshots.get_artifact_plugins_bundle(
        entrypoint["id"], entrypoint["snapshot"], file_type="zip", output_dir=tmp_path
    )
    listed = snapshots.get_artifact_plugins(entrypoint["id"], entrypoint["snapshot"])

    assert plugins == tmp_path / "plugins.tar.gz"
    with tarfile.open(plugins, "r:gz") as archive:
        assert set(archive.getnames()) == {"hello_world/tasks.py", "manifest.json"}
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["entrypoint"]["id"] == entrypoint["id"]
    assert [p["id"] for p in manifest["plugins"]] == [plugin_id]
    assert artifact_plugins == tmp_path / "artifact-plugins.zip"
    with zipfile.ZipFile(artifact_plugins) as archive:
        assert archive.namelist() == ["manifest.json"]
    assert listed == []
    with pytest.raises(DioptraNotFoundError):
        snapshots.get_artifact_plugins(entrypoint["id"], 999999)


def test_a_jobs_artifact_parameters(dioptra, job):
    assert dioptra.jobs.get_artifact_parameters(job["id"]) == {}
    with pytest.raises(DioptraNotFoundError):
        dioptra.jobs.get_artifact_parameters(999999)


def test_register_an_artifact_by_its_uri(dioptra, public_id, job, tmp_path):
    created = dioptra.artifacts.create(
        public_id, job["id"], "https://files.example.org/run/1/model.pt", description="Weights"
    )

    assert created["artifactUri"] == "https://files.example.org/run/1/model.pt"
    assert (created["job"], created["description"]) == (job["id"], "Weights")
    assert created["fileSize"] is None and created["task"] == {}
    assert dioptra.artifacts.get_by_id(created["id"]) == created
    with pytest.raises(DioptraConflictError):
        dioptra.artifacts.create(public_id, job["id"], "https://files.example.org/run/1/model.pt")
    with pytest.raises(DioptraValidationError):
        dioptra.artifacts.create(public_id, job["id"], "s3://bucket/model.pt")
    with pytest.raises(DioptraNotFoundError) as no_contents:
        dioptra.artifacts.get_contents(created["id"], output_dir=tmp_path)
    assert "registered by its URI" in str(no_contents.value)


def test_a_reader_may_not_register_artifacts(dioptra, api_address, public_id, job):
    from dioptra_client import connect_json_dioptra_client
    from experiments.models import GroupMembership

    with connect_json_dioptra_client(api_address) as bob:
        register(bob, "bob")
        GroupMembership.objects.filter(user__username="bob").update(write=False)
        bob.auth.login("bob", PASSWORD)
        with pytest.raises(DioptraForbiddenError):
            bob.artifacts.create(public_id, job["id"], "file:///runs/x")


def test_download_an_artifact_as_of_a_snapshot(dioptra, job, media, tmp_path):
    from experiments.models import Artifact, Job, User

    owner = User.objects.get(username="alice")
    artifact = Artifact(
        group_id=Job.objects.get(pk=job["id"]).group_id,
        creator=owner,
        job_id=job["id"],
        uri="file:///runs/scores.csv",
    )
    artifact.file.save("scores.csv", ContentFile(b"a,b\n1,2\n"), save=False)
    artifact.save()
    first = artifact.record_snapshot(user=owner).pk
    dioptra.artifacts.modify_by_id(artifact.pk, description="Scores")

    path = dioptra.artifacts.snapshots.get_contents(
        artifact.pk, first, output_dir=tmp_path, file_stem="old"
    )

    assert path == tmp_path / "old"
    assert path.read_bytes() == b"a,b\n1,2\n"
    assert [s["snapshot"] for s in dioptra.artifacts.snapshots.get(artifact.pk)["data"]][0] == first
    with pytest.raises(DioptraNotFoundError):
        dioptra.artifacts.snapshots.get_contents(artifact.pk, job["snapshot"], output_dir=tmp_path)
