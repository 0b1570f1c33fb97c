"""POST /workflows/resourceImport: parameter types, plugins and entrypoints
from an uploaded archive or set of files, all or nothing."""

import hashlib
import io
import tarfile

import pytest
import requests

from experiments import accounts
from experiments.models import Entrypoint, Plugin, PluginParameterType
from tests.conftest import logged_in
from tests.factories import EntrypointFactory, GroupFactory

URL = "/api/v1/workflows/resourceImport"
CONFIG = """\
[[plugin_param_types]]
name = "greeting"
description = "What hello_world returns"
structure = { list = "string" }

[[plugins]]
path = "plugins/hello_world"
description = "Says hello"

[[plugins.tasks.functions]]
filename = "tasks.py"
name = "hello_world"
input_params = [{ name = "name", type = "string", required = true }]
output_params = [{ name = "message", type = "greeting" }]

[[plugins.tasks.artifacts]]
filename = "io/savers.py"
name = "TextSaver"
output_params = [{ name = "text", type = "string" }]

[[entrypoints]]
path = "entrypoints/hello.yaml"
description = "Greets"
params = [
  { name = "name", type = "string", default_value = "World" },
  { name = "times", type = "integer", default_value = 3 },
]
plugins = ["hello_world"]
"""
TASKS = """\
from dioptra import pyplugs


@pyplugs.register
def hello_world(name: str) -> list:
    return [f"Hello, {name}!"]
"""
SAVERS = "class TextSaver:\n    pass\n"
ENTRYPOINT = """\
graph:
  greet:
    hello_world:
      name: $name
"""


def tree(**changes) -> dict[str, bytes]:
    files = {
        "dioptra.toml": CONFIG,
        "plugins/hello_world/tasks.py": TASKS,
        "plugins/hello_world/io/savers.py": SAVERS,
        "plugins/hello_world/.hidden.py": "not a plugin file",
        "plugins/hello_world/README.md": "not python",
        "entrypoints/hello.yaml": ENTRYPOINT,
    }
    files.update(changes)
    return {path: text.encode() for path, text in files.items() if text is not None}


def tar_gz(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def post(client, fields: dict, files: list[tuple[str, tuple[str, bytes]]], path=URL):
    """A multipart POST whose file parts keep their full filenames (Django's
    test client would cut them to the last path component)."""
    prepared = requests.Request("POST", "http://testserver", data=fields, files=files).prepare()
    return client.generic(
        "POST", path, prepared.body, content_type=prepared.headers["Content-Type"]
    )


def import_archive(client, group, files=None, **fields):
    archive = tar_gz(tree() if files is None else files)
    fields = {"group": str(group.pk), "sourceType": "upload_archive", **fields}
    return post(client, fields, [("archiveFile", ("bundle.tar.gz", archive))])


def import_files(client, group, files=None, **fields):
    files = tree() if files is None else files
    fields = {"group": str(group.pk), "sourceType": "upload_files", **fields}
    return post(client, fields, [("files", (path, data)) for path, data in files.items()])


@pytest.fixture(autouse=True)
def builtin_types(writer):
    accounts.ensure_public_group(creator=writer)


# Success ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [URL, URL + "/"])
def test_archive_import_creates_everything(writer, team, path):
    archive = tar_gz(tree())

    response = post(
        logged_in(writer),
        {"group": str(team.pk), "sourceType": "upload_archive"},
        [("archiveFile", ("bundle.tar.gz", archive))],
        path=path,
    )

    assert response.status_code == 200, response.content
    data = response.json()
    assert set(data) == {"message", "hash", "resources"}
    assert data["message"] == "successfully imported"
    assert data["hash"] == hashlib.sha256(archive).hexdigest()
    plugin = Plugin.objects.get(group=team, name="hello_world")
    greeting = PluginParameterType.objects.get(group=team, name="greeting")
    entrypoint = Entrypoint.objects.get(group=team, name="hello")
    assert data["resources"] == {
        "plugins": {"hello_world": plugin.pk},
        "plugin_param_types": {"greeting": greeting.pk},
        "entrypoints": {"hello": entrypoint.pk},
    }
    assert greeting.structure == {"list": "string"}
    files = {f.filename: f for f in plugin.files.alive()}
    assert set(files) == {"tasks.py", "io/savers.py"}
    (task,) = files["tasks.py"].tasks.all()
    assert task.name == "hello_world"
    assert files["io/savers.py"].tasks.get().kind == "artifact"
    assert plugin.description == "Says hello"
    parameters = list(entrypoint.parameters.values_list("name", "parameter_type", "default_value"))
    assert parameters == [("name", "string", "World"), ("times", "integer", "3")]
    assert "hello_world" in entrypoint.task_graph
    assert list(entrypoint.pinned_plugins.values_list("plugin_id", flat=True)) == [plugin.pk]
    assert entrypoint.description == "Greets"


def test_files_import_keeps_relative_paths_from_the_part_filenames(writer, team):
    files = tree()

    response = import_files(logged_in(writer), team, files)

    assert response.status_code == 200, response.content
    digest = hashlib.sha256(b"".join(files[path] for path in sorted(files))).hexdigest()
    assert response.json()["hash"] == digest
    plugin = Plugin.objects.get(group=team, name="hello_world")
    assert sorted(plugin.files.values_list("filename", flat=True)) == ["io/savers.py", "tasks.py"]


def test_files_import_accepts_a_parallel_paths_field(writer, team):
    files = tree()
    fields = {"group": str(team.pk), "sourceType": "upload_files", "paths": list(files)}
    parts = [("files", (path.rsplit("/", 1)[-1], data)) for path, data in files.items()]

    response = post(logged_in(writer), fields, parts)

    assert response.status_code == 200, response.content
    assert Plugin.objects.filter(group=team, name="hello_world").exists()


def test_config_in_a_folder_resolves_paths_from_there(writer, team):
    files = {f"examples/{path}": data for path, data in tree().items()}

    response = import_archive(logged_in(writer), team, files, configPath="examples/dioptra.toml")

    assert response.status_code == 200, response.content
    assert set(response.json()["resources"]["entrypoints"]) == {"hello"}


def test_update_strategy_changes_the_existing_resources(writer, team):
    client = logged_in(writer)
    first = import_archive(client, team).json()["resources"]
    plugin = Plugin.objects.get(pk=first["plugins"]["hello_world"])
    before = plugin.snapshot_id
    changed = tree(**{"plugins/hello_world/io/savers.py": None})
    changed["plugins/hello_world/tasks.py"] += b"\n# changed\n"
    changed["dioptra.toml"] = CONFIG.replace(
        '[[plugins.tasks.artifacts]]\nfilename = "io/savers.py"\nname = "TextSaver"\n'
        'output_params = [{ name = "text", type = "string" }]\n',
        "",
    ).encode()

    response = import_archive(client, team, changed, resolveNameConflictsStrategy="update")

    assert response.status_code == 200, response.content
    assert response.json()["resources"] == first  # the same resources, changed in place
    plugin.refresh_from_db()
    assert plugin.snapshot_id > before
    (file,) = plugin.files.alive()
    assert file.filename == "tasks.py" and file.contents.endswith("# changed\n")


def test_overwrite_strategy_replaces_the_existing_resources(writer, team):
    client = logged_in(writer)
    first = import_archive(client, team).json()["resources"]

    response = import_archive(client, team, resolveNameConflictsStrategy="overwrite")

    assert response.status_code == 200, response.content
    second = response.json()["resources"]
    assert second["plugins"]["hello_world"] != first["plugins"]["hello_world"]
    assert second["entrypoints"]["hello"] != first["entrypoints"]["hello"]
    assert Plugin.objects.alive().filter(group=team, name="hello_world").count() == 1
    assert not Entrypoint.objects.alive().filter(pk=first["entrypoints"]["hello"]).exists()


# Conflicts and all-or-nothing ------------------------------------------------------------


def test_name_clash_fails_with_409_and_imports_nothing(writer, team):
    EntrypointFactory(group=team, name="hello")

    response = import_archive(logged_in(writer), team)

    assert response.status_code == 409
    assert response.json()["error"] == "EntityExistsError"
    assert not Plugin.objects.filter(group=team).exists()
    assert not PluginParameterType.objects.filter(group=team).exists()


# Bad uploads -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"dioptra.toml": "[[plugins]\npath = 1"}, "Could not decode config"),
        ({"dioptra.toml": None}, "File not found"),
        ({"entrypoints/hello.yaml": None}, "File not found"),
        ({"entrypoints/hello.yaml": "graph: [unclosed"}, "Invalid YAML"),
        ({"plugins/hello_world/tasks.py": None}, "no file 'tasks.py'"),
        ({"dioptra.toml": CONFIG.replace('type = "greeting"', 'type = "nope"')}, "'nope'"),
        ({"dioptra.toml": CONFIG.replace('plugins = ["hello_world"]', 'plugins = ["x"]')}, "'x'"),
        ({"dioptra.toml": CONFIG + "\n[[queues]]\nname = 'q'\n"}, "unknown key 'queues'"),
        ({"dioptra.toml": CONFIG.replace('path = "entrypoints/hello.yaml"', "")}, "'path'"),
        ({"dioptra.toml": CONFIG.replace("entrypoints/hello", "../hello")}, "inside the upload"),
    ],
)
def test_bad_config_is_400_with_the_reason(writer, team, changes, reason):
    response = import_archive(logged_in(writer), team, tree(**changes))

    assert response.status_code == 400, response.content
    assert response.json()["error"] == "ImportFailedError"
    assert reason in response.json()["detail"]["reason"]
    assert not Plugin.objects.filter(group=team).exists()


def test_duplicate_names_in_the_config_are_400(writer, team):
    config = CONFIG + '\n[[entrypoints]]\npath = "entrypoints/hello.yaml"\n'

    response = import_archive(logged_in(writer), team, tree(**{"dioptra.toml": config}))

    assert response.status_code == 400
    assert "duplicate" in response.json()["message"]


def test_broken_workflow_is_400_and_imports_nothing(writer, team):
    graph = "graph:\n  greet:\n    no_such_task:\n      name: $name\n"

    response = import_archive(logged_in(writer), team, tree(**{"entrypoints/hello.yaml": graph}))

    assert response.status_code == 400
    assert "no_such_task" in response.json()["message"]
    assert not Plugin.objects.filter(group=team).exists()


def test_not_an_archive_is_400(writer, team):
    fields = {"group": str(team.pk), "sourceType": "upload_archive"}

    response = post(logged_in(writer), fields, [("archiveFile", ("x.tar.gz", b"plain text"))])

    assert response.status_code == 400
    assert "tar" in response.json()["detail"]["reason"]


def test_file_paths_may_not_leave_the_upload(writer, team):
    response = import_files(logged_in(writer), team, {"../dioptra.toml": CONFIG.encode()})

    assert response.status_code == 400
    assert "inside the upload" in response.json()["detail"]["reason"]


def test_git_sources_are_refused(writer, team):
    fields = {"group": str(team.pk), "sourceType": "git", "gitUrl": "https://github.com/x/y"}

    response = post(logged_in(writer), fields, [])

    assert response.status_code == 400
    assert "git sources are not supported by this server" in response.json()["message"]


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"sourceType": "upload_archive"}, "group"),
        ({"group": "one", "sourceType": "upload_archive"}, "group"),
        ({"group": "{team}"}, "sourceType"),
        ({"group": "{team}", "sourceType": "ftp"}, "sourceType"),
        ({"group": "{team}", "sourceType": "upload_files"}, "_schema"),
        ({"group": "{team}", "sourceType": "git"}, "_schema"),
        (
            {
                "group": "{team}",
                "sourceType": "upload_archive",
                "resolveNameConflictsStrategy": "x",
            },
            "resolveNameConflictsStrategy",
        ),
    ],
)
def test_bad_form_fields_are_400(writer, team, fields, key):
    fields = {k: v.format(team=team.pk) for k, v in fields.items()}

    response = post(logged_in(writer), fields, [("archiveFile", ("b.tar.gz", tar_gz(tree())))])

    assert response.status_code == 400
    assert key in response.json()["errors"]


def test_json_body_is_refused(writer, team):
    response = logged_in(writer).post(URL, {"group": team.pk}, content_type="application/json")

    assert response.status_code == 415


# Permissions -----------------------------------------------------------------------------


def test_permissions(anonymous, reader, outsider, team):
    assert import_archive(anonymous, team).status_code == 401
    response = import_archive(logged_in(reader), team)
    assert response.status_code == 400 and response.json()["error"] == "UserNotInGroupError"
    assert import_archive(logged_in(outsider), team).status_code == 404
    assert import_archive(logged_in(outsider), GroupFactory()).status_code == 404
    assert not Plugin.objects.filter(group=team).exists()
