"""Our client against a live server: models and their versions, and importing
resources from an archive or from files."""

import io
import tarfile

import pytest
from dioptra.client import connect_json_dioptra_client as official_client
from dioptra.client.utils import select_files_in_directory, select_one_or_more_files

from dioptra_client import DioptraConflictError, DioptraNotFoundError, DioptraValidationError
from tests.client.conftest import HELLO_WORLD_PLUGIN

CONFIG = """\
[[plugins]]
path = "plugins/greeter"

[[plugins.tasks.functions]]
filename = "tasks.py"
name = "hello_world"
input_params = [{ name = "name", type = "string", required = true }]
output_params = [{ name = "message", type = "string" }]

[[entrypoints]]
path = "entrypoints/greet.yaml"
params = [{ name = "name", type = "string", default_value = "World" }]
plugins = ["greeter"]
"""
GRAPH = "graph:\n  greet:\n    hello_world:\n      name: $name\n"
FILES = {
    "dioptra.toml": CONFIG.encode(),
    "plugins/greeter/tasks.py": HELLO_WORLD_PLUGIN.encode(),
    "entrypoints/greet.yaml": GRAPH.encode(),
}


@pytest.fixture
def artifact_id(dioptra, public_id, entrypoint, queue) -> int:
    """An artifact of a job submitted through the client (the worker never ran it)."""
    from experiments.models import Artifact, User

    experiment = dioptra.experiments.create(public_id, "training", entrypoints=[entrypoint["id"]])
    job = dioptra.experiments.jobs.create(experiment["id"], entrypoint["id"], queue["id"])
    owner = User.objects.get(username="alice")
    artifact = Artifact.objects.create(
        group_id=public_id, creator=owner, job_id=job["id"], uri="file:///runs/model.keras"
    )
    artifact.record_snapshot(user=owner)
    return artifact.pk


def test_models_and_versions(dioptra, public_id, artifact_id):
    model = dioptra.models.create(public_id, "classifier", description="MNIST")
    first = dioptra.models.versions.create(model["id"], artifact_id, description="baseline")
    second = dioptra.models.versions.create(model["id"], artifact_id)
    changed = dioptra.models.versions.modify_by_id(model["id"], 2, description="tuned")
    renamed = dioptra.models.modify_by_id(model["id"], "digits", description=None)

    assert model["versions"] == [] and model["latestVersion"] is None
    assert (first["versionNumber"], second["versionNumber"]) == (1, 2)
    assert changed["description"] == "tuned"
    assert dioptra.models.versions.get_by_id(model["id"], 1)["description"] == "baseline"
    page = dioptra.models.versions.get(model["id"], search="description:tuned")
    assert [v["versionNumber"] for v in page["data"]] == [2]
    assert renamed["name"] == "digits" and renamed["description"] is None
    assert renamed["latestVersion"]["versionNumber"] == 2
    assert renamed["latestVersion"]["artifact"]["id"] == artifact_id
    assert dioptra.models.get_by_id(model["id"]) == renamed
    assert [m["id"] for m in dioptra.models.get(search="name:dig*")["data"]] == [model["id"]]
    assert dioptra.models.delete_by_id(model["id"]) == {"status": "Success"}
    with pytest.raises(DioptraNotFoundError):
        dioptra.models.get_by_id(model["id"])


def test_model_errors(dioptra, public_id):
    model = dioptra.models.create(public_id, "classifier")

    with pytest.raises(DioptraConflictError):
        dioptra.models.create(public_id, "classifier")
    with pytest.raises(DioptraNotFoundError):
        dioptra.models.versions.create(model["id"], 987654)
    with pytest.raises(DioptraNotFoundError):
        dioptra.models.versions.get_by_id(model["id"], 1)


def test_import_from_an_archive(dioptra, public_id, tmp_path):
    archive = tmp_path / "bundle.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for path, data in FILES.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))

    result = dioptra.workflows.import_resources(public_id, archive_path=archive)

    assert result["message"] == "successfully imported"
    plugin_id = result["resources"]["plugins"]["greeter"]
    entrypoint = dioptra.entrypoints.get_by_id(result["resources"]["entrypoints"]["greet"])
    assert [p["id"] for p in entrypoint["plugins"]] == [plugin_id]
    assert entrypoint["parameters"][0]["defaultValue"] == "World"


def test_import_from_files_and_name_conflicts(dioptra, public_id, tmp_path):
    local = tmp_path / "tasks.py"
    local.write_text(HELLO_WORLD_PLUGIN)
    files = {**FILES, "plugins/greeter/tasks.py": local}

    first = dioptra.workflows.import_resources(public_id, files=files)
    with pytest.raises(DioptraConflictError):
        dioptra.workflows.import_resources(public_id, files=files)
    updated = dioptra.workflows.import_resources(
        public_id, files=files, resolve_name_conflicts_strategy="update"
    )
    replaced = dioptra.workflows.import_resources(
        public_id, files=files, resolve_name_conflicts_strategy="overwrite"
    )

    plugin_files = dioptra.plugins.files.get(replaced["resources"]["plugins"]["greeter"])
    assert [f["filename"] for f in plugin_files["data"]] == ["tasks.py"]
    assert updated["resources"] == first["resources"]
    assert replaced["resources"]["plugins"] != first["resources"]["plugins"]


def test_import_errors(dioptra, public_id, tmp_path):
    with pytest.raises(ValueError, match="either archive_path or files"):
        dioptra.workflows.import_resources(public_id)
    with pytest.raises(DioptraValidationError) as error:
        dioptra.workflows.import_resources(
            public_id, files={**FILES, "dioptra.toml": b"[[plugins]\n"}
        )
    assert "Could not decode config" in error.value.detail["reason"]
    with pytest.raises(DioptraValidationError):
        dioptra.workflows.import_resources(
            public_id, files=FILES, config_path="elsewhere/dioptra.toml"
        )


def test_the_official_client_imports_a_folder_and_an_archive(api_address, alice, tmp_path):
    folder = tmp_path / "resources"
    for path, data in FILES.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    archive = tmp_path / "bundle.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(folder, arcname=".")
    official = official_client(api_address)
    official.auth.login("alice", "correct-horse-battery")
    (group,) = official.users.get_current()["groups"]

    from_files = official.workflows.import_resources(
        group["id"], select_files_in_directory(folder, recursive=True)
    )
    (bundle,) = select_one_or_more_files([archive])
    from_archive = official.workflows.import_resources(
        group["id"], bundle, resolve_name_conflicts_strategy="update"
    )
    model = official.models.create(group["id"], "classifier")
    official.close()

    assert from_files["message"] == "successfully imported"
    assert set(from_files["resources"]["entrypoints"]) == {"greet"}
    assert from_archive["resources"] == from_files["resources"]
    assert model["name"] == "classifier"
