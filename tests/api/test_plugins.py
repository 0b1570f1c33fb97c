import pytest

from experiments.models import Plugin, PluginFile
from tests.api.conftest import ERROR_KEYS, PAGE_KEYS, REF_KEYS, RESOURCE_KEYS, send
from tests.api.plugin_helpers import (
    VISION_CODE,
    builtin_types,
    image_type,
    plugin,
    vision_plugin,
)
from tests.conftest import logged_in
from tests.factories import PluginFactory, PluginParameterTypeFactory

__all__ = ["image_type", "plugin"]  # fixtures

URL = "/api/v1/plugins"
PLUGIN_KEYS = RESOURCE_KEYS | {"name", "description", "files"}
FILE_KEYS = RESOURCE_KEYS | {"filename", "description", "contents", "tasks", "plugin"}
FILE_REF_KEYS = {"id", "plugin", "filename", "group", "url", "tasks"}


@pytest.fixture
def types(writer, reader):
    return builtin_types(writer, reader)


def file_body(types, **changes) -> dict:
    string = types["string"].pk
    return {
        "filename": "hello.py",
        "contents": VISION_CODE,
        "description": "says hello",
        "tasks": {
            "functions": [
                {
                    "name": "hello",
                    "inputParams": [
                        {"name": "name", "parameterType": string, "required": True},
                        {"name": "shout", "parameterType": types["boolean"].pk, "required": False},
                    ],
                    "outputParams": [{"name": "greeting", "parameterType": string}],
                }
            ],
            "artifacts": [
                {
                    "name": "TextArtifact",
                    "outputParams": [{"name": "text", "parameterType": string}],
                }
            ],
        },
        **changes,
    }


# Plugins -------------------------------------------------------------------------


@pytest.mark.parametrize("path", [URL, URL + "/"])
def test_writer_creates_a_plugin(writer, team, path):
    body = {"group": team.pk, "name": "attacks", "description": "adversarial attacks"}

    response = send(logged_in(writer), "POST", path, body)

    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) == PLUGIN_KEYS
    assert (data["name"], data["description"], data["files"]) == (
        "attacks",
        "adversarial attacks",
        [],
    )
    assert data["group"]["id"] == team.pk and data["user"]["id"] == writer.pk
    assert Plugin.objects.get().snapshot_id == data["snapshot"]


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "taken"}, 409),
        ({"name": "has space"}, 400),
        ({"name": "9lives"}, 400),
        ({"name": "_"}, 400),
        ({"name": ""}, 400),
        ({"name": 7}, 400),
        ({"name": "ok", "id": 3}, 400),
        ({"name": "ok", "group": "team"}, 400),
        ({"name": "ok", "group": 424242}, 404),
        ({"description": "no name"}, 400),
    ],
)
def test_create_plugin_errors(writer, team, body, status):
    PluginFactory(group=team, name="taken")

    response = send(logged_in(writer), "POST", URL, {"group": team.pk, **body})

    assert response.status_code == status, response.json()
    assert Plugin.objects.count() == 1


def test_reader_cannot_create_a_plugin(reader, team):
    response = send(logged_in(reader), "POST", URL, {"group": team.pk, "name": "p"})

    assert response.status_code == 400
    assert response.json()["error"] == "UserNotInGroupError"


@pytest.mark.parametrize("suffix", ["", "/"])
def test_get_a_plugin_with_its_files(reader, outsider, writer, team, plugin, suffix):
    response = logged_in(reader).get(f"{URL}/{plugin.pk}{suffix}")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == PLUGIN_KEYS
    [file] = data["files"]
    assert set(file) == FILE_REF_KEYS
    assert file["plugin"] == plugin.pk
    assert file["url"] == f"/api/v1/plugins/{plugin.pk}/files/{file['id']}"
    hello, load = file["tasks"]["functions"]
    assert set(hello) == {"id", "name", "inputParams", "outputParams"}
    assert hello["inputParams"] == [
        {
            "name": "name",
            "parameterType": hello["inputParams"][0]["parameterType"],
            "required": True,
        }
    ]
    assert set(hello["inputParams"][0]["parameterType"]) == REF_KEYS
    assert hello["outputParams"][0]["parameterType"]["name"] == "string"
    assert load["inputParams"][0]["parameterType"]["name"] == "image"
    assert file["tasks"]["artifacts"] == []
    assert logged_in(outsider).get(f"{URL}/{plugin.pk}{suffix}").status_code == 404


def test_anonymous_gets_401(anonymous, plugin):
    assert anonymous.get(URL).status_code == 401
    assert anonymous.get(f"{URL}/{plugin.pk}").status_code == 401
    assert anonymous.get(f"{URL}/{plugin.pk}/files").status_code == 401
    assert send(anonymous, "POST", URL, {"group": 1, "name": "p"}).status_code == 401


def test_put_renames_and_keeps_files(writer, team, plugin):
    response = send(logged_in(writer), "PUT", f"{URL}/{plugin.pk}", {"name": "vision2"})

    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["name"] == "vision2" and data["description"] is None
    assert [f["filename"] for f in data["files"]] == ["tasks.py"]
    assert data["snapshot"] > plugin.snapshot_id


def test_put_permissions_and_conflicts(writer, reader, outsider, team, plugin):
    PluginFactory(group=team, name="taken")
    path = f"{URL}/{plugin.pk}"

    assert send(logged_in(reader), "PUT", path, {"name": "x"}).status_code == 403
    assert send(logged_in(outsider), "PUT", path, {"name": "x"}).status_code == 404
    response = send(logged_in(writer), "PUT", path, {"name": "taken"})
    assert response.status_code == 409 and set(response.json()) == ERROR_KEYS
    response = send(logged_in(writer), "PUT", path, {"name": "x", "files": []})
    assert response.json() == {"errors": {"files": ["Unknown field."]}}
    plugin.refresh_from_db()
    assert plugin.name == "vision"


def test_delete_a_plugin_and_its_files(writer, reader, outsider, plugin):
    path = f"{URL}/{plugin.pk}"
    [file] = plugin.files.all()

    assert send(logged_in(reader), "DELETE", path).status_code == 403
    assert send(logged_in(outsider), "DELETE", path).status_code == 404
    response = send(logged_in(writer), "DELETE", path)

    assert response.json() == {"status": "Success"}
    assert logged_in(writer).get(path).status_code == 404
    assert logged_in(writer).get(f"{path}/files/{file.pk}").status_code == 404
    assert send(logged_in(writer), "DELETE", path).status_code == 404


def test_list_search_sort_and_group(writer, team, outsider):
    for name, description in [("beta", "second"), ("alpha", "first"), ("gamma", None)]:
        PluginFactory(group=team, name=name, description=description)
    PluginFactory(name="elsewhere")  # another group: not visible
    client = logged_in(writer)

    page = client.get(URL, {"sortBy": "name", "descending": "True", "pageLength": 2}).json()
    assert set(page) == PAGE_KEYS | {"next"}
    assert [p["name"] for p in page["data"]] == ["gamma", "beta"]
    assert page["totalNumResults"] == 3
    assert page["next"] == "/api/v1/plugins?index=2&pageLength=2"
    assert [p["name"] for p in client.get(URL, {"search": "description:f*"}).json()["data"]] == [
        "alpha"
    ]
    assert client.get(URL, {"groupId": team.pk}).json()["totalNumResults"] == 3
    assert client.get(URL, {"sortBy": "files"}).status_code == 400
    assert client.get(URL, {"search": "colour:red"}).status_code == 422
    assert logged_in(outsider).get(URL).json()["totalNumResults"] == 0
    assert logged_in(outsider).get(URL, {"groupId": team.pk}).status_code == 404


@pytest.mark.parametrize("count", [1, 8])
def test_plugin_list_query_count_does_not_grow(
    writer, team, image_type, count, django_assert_num_queries
):
    for n in range(count):
        vision_plugin(writer, team, image_type=image_type, name=f"p{n}")
    client = logged_in(writer)

    # (a page that is not full needs no count) user, the page's ids,
    # their rows with their tags, files, tasks, task parameters
    # (with types)
    with django_assert_num_queries(6):
        response = client.get(URL, {"pageLength": 100})
    assert len(response.json()["data"]) == count
    assert all(len(p["files"][0]["tasks"]["functions"]) == 2 for p in response.json()["data"])


# Plugin files ------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_writer_adds_a_file_with_tasks(writer, team, types, suffix):
    plugin = PluginFactory(group=team, name="greetings")
    path = f"{URL}/{plugin.pk}/files{suffix}"

    response = send(logged_in(writer), "POST", path, file_body(types))

    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) == FILE_KEYS
    assert (data["filename"], data["contents"], data["description"]) == (
        "hello.py",
        VISION_CODE,
        "says hello",
    )
    assert set(data["plugin"]) == REF_KEYS and data["plugin"]["id"] == plugin.pk
    [function] = data["tasks"]["functions"]
    assert [
        (p["name"], p["parameterType"]["name"], p["required"]) for p in function["inputParams"]
    ] == [
        ("name", "string", True),
        ("shout", "boolean", False),
    ]
    assert [(p["name"], set(p)) for p in function["outputParams"]] == [
        ("greeting", {"name", "parameterType"})
    ]
    [artifact] = data["tasks"]["artifacts"]
    assert set(artifact) == {"id", "name", "outputParams"}
    assert artifact["name"] == "TextArtifact"
    plugin_after = logged_in(writer).get(f"{URL}/{plugin.pk}").json()
    assert plugin_after["snapshot"] > plugin.snapshot_id  # adding a file snapshots the plugin
    assert [f["id"] for f in plugin_after["files"]] == [data["id"]]


def test_required_defaults_to_true_and_tasks_may_be_omitted(writer, team, types):
    plugin = PluginFactory(group=team)
    body = file_body(types)
    del body["tasks"]["functions"][0]["inputParams"][1]["required"]
    client = logged_in(writer)

    data = send(client, "POST", f"{URL}/{plugin.pk}/files", body).json()
    bare = send(
        client, "POST", f"{URL}/{plugin.pk}/files", {"filename": "x.py", "contents": ""}
    ).json()

    assert data["tasks"]["functions"][0]["inputParams"][1]["required"] is True
    assert bare["tasks"] == {"functions": [], "artifacts": []}


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"filename": "hello world.py"}, 400),
        ({"filename": "HELLO.PY"}, 400),
        ({"filename": "/abs.py"}, 400),
        ({"filename": "pkg/_private.py"}, 400),
        ({"filename": "a" * 300 + ".py"}, 400),
        ({"filename": "taken.py"}, 409),
        ({"filename": None}, 400),
        ({"contents": 3}, 400),
        ({"contents": "nul\x00byte"}, 400),
        ({"tasks": []}, 400),
        ({"tasks": {"functions": [{"name": "bad name"}]}}, 400),
        ({"tasks": {"functions": [{"name": "a"}], "artifacts": [{"name": "a"}]}}, 400),
        ({"tasks": {"functions": [{"name": "a"}, {"name": "a"}]}}, 400),
        ({"tasks": {"functions": [{"name": "a", "inputParams": [{"name": "x"}]}]}}, 400),
        ({"tasks": {"functions": [{"name": "a", "inputParams": "x"}]}}, 400),
        ({"tasks": {"functions": [{"name": "a", "colour": 1}]}}, 400),
        ({"tasks": {"methods": []}}, 400),
        (
            {
                "tasks": {
                    "functions": [
                        {"name": "a", "inputParams": [{"name": "x", "parameterType": 424242}]}
                    ]
                }
            },
            404,
        ),
        (
            {
                "tasks": {
                    "functions": [
                        {"name": "a", "inputParams": [{"name": "x", "parameterType": "string"}]}
                    ]
                }
            },
            400,
        ),
        ({"id": 5}, 400),
    ],
)
def test_add_file_errors(writer, team, types, change, status):
    plugin = PluginFactory(group=team)
    PluginFile.objects.create(plugin=plugin, group=team, creator=writer, filename="taken.py")
    body = {"filename": "new.py", "contents": "x = 1\n", **change}

    response = send(logged_in(writer), "POST", f"{URL}/{plugin.pk}/files", body)

    assert response.status_code == status, response.json()
    assert plugin.files.count() == 1


def test_duplicate_parameter_names_and_foreign_types_are_refused(writer, team, types):
    plugin = PluginFactory(group=team)
    string = types["string"].pk
    secret = PluginParameterTypeFactory(name="secret")  # in a group the writer cannot read
    client = logged_in(writer)
    path = f"{URL}/{plugin.pk}/files"
    twice = {"name": "a", "inputParams": [{"name": "x", "parameterType": string}] * 2}
    foreign = {"name": "a", "outputParams": [{"name": "x", "parameterType": secret.pk}]}

    response = send(client, "POST", path, file_body(types, tasks={"functions": [twice]}))
    assert response.status_code == 400 and "twice" in response.json()["message"]
    response = send(client, "POST", path, file_body(types, tasks={"functions": [foreign]}))
    assert response.status_code == 404
    assert response.json()["error"] == "EntityDoesNotExistError"


def test_file_permissions(writer, reader, outsider, anonymous, team, plugin, types):
    path = f"{URL}/{plugin.pk}/files"
    [file] = plugin.files.all()

    assert send(logged_in(reader), "POST", path, file_body(types)).status_code == 403
    assert send(logged_in(outsider), "POST", path, file_body(types)).status_code == 404
    assert send(anonymous, "POST", path, file_body(types)).status_code == 401
    assert logged_in(reader).get(f"{path}/{file.pk}").status_code == 200
    assert logged_in(outsider).get(f"{path}/{file.pk}").status_code == 404
    assert send(logged_in(reader), "PUT", f"{path}/{file.pk}", file_body(types)).status_code == 403
    assert (
        send(logged_in(outsider), "PUT", f"{path}/{file.pk}", file_body(types)).status_code == 404
    )
    assert send(logged_in(reader), "DELETE", f"{path}/{file.pk}").status_code == 403
    assert send(logged_in(reader), "DELETE", path).status_code == 403
    assert send(logged_in(outsider), "DELETE", path).status_code == 404
    assert plugin.files.alive().count() == 1


def test_a_file_belongs_to_its_plugin(writer, team, plugin):
    other = PluginFactory(group=team)
    [file] = plugin.files.all()

    assert logged_in(writer).get(f"{URL}/{other.pk}/files/{file.pk}").status_code == 404
    assert logged_in(writer).get(f"{URL}/424242/files/{file.pk}").status_code == 404
    assert send(logged_in(writer), "DELETE", f"{URL}/{other.pk}/files/{file.pk}").status_code == 404


@pytest.mark.parametrize("suffix", ["", "/"])
def test_get_put_and_delete_a_file(writer, team, plugin, types, suffix):
    [file] = plugin.files.all()
    path = f"{URL}/{plugin.pk}/files/{file.pk}{suffix}"
    client = logged_in(writer)

    fetched = client.get(path).json()
    assert set(fetched) == FILE_KEYS
    assert [t["name"] for t in fetched["tasks"]["functions"]] == ["hello", "load"]

    replaced = send(client, "PUT", path, file_body(types, filename="renamed.py")).json()
    assert replaced["id"] == file.pk
    assert replaced["filename"] == "renamed.py"
    assert [t["name"] for t in replaced["tasks"]["functions"]] == ["hello"]
    assert replaced["snapshot"] > fetched["snapshot"]
    assert client.get(f"{URL}/{plugin.pk}").json()["snapshot"] > plugin.snapshot_id

    assert send(client, "DELETE", path).json() == {"status": "Success", "id": [file.pk]}
    assert client.get(path).status_code == 404
    assert client.get(f"{URL}/{plugin.pk}").json()["files"] == []


def test_put_file_rename_conflict_and_bad_body(writer, team, plugin, types):
    [file] = plugin.files.all()
    client = logged_in(writer)
    send(client, "POST", f"{URL}/{plugin.pk}/files", file_body(types, filename="other.py"))
    path = f"{URL}/{plugin.pk}/files/{file.pk}"

    assert send(client, "PUT", path, file_body(types, filename="other.py")).status_code == 409
    assert send(client, "PUT", path, {"filename": "x.py"}).status_code == 400  # contents missing
    assert send(client, "PUT", path, "not json").status_code == 400
    file.refresh_from_db()
    assert file.filename == "tasks.py"


def test_delete_all_files(writer, team, plugin, types):
    client = logged_in(writer)
    second = send(client, "POST", f"{URL}/{plugin.pk}/files", file_body(types)).json()
    [first] = plugin.files.filter(filename="tasks.py")

    response = send(client, "DELETE", f"{URL}/{plugin.pk}/files/")

    assert response.json() == {"status": "Success", "id": [first.pk, second["id"]]}
    assert client.get(f"{URL}/{plugin.pk}/files").json()["data"] == []
    assert client.get(f"{URL}/{plugin.pk}").json()["files"] == []


def test_file_list_paging_search_and_sort(writer, team, types):
    plugin = PluginFactory(group=team)
    client = logged_in(writer)
    for filename, contents in [("b.py", "import torch\n"), ("a.py", "x = 1\n"), ("c/d.py", "")]:
        body = {"filename": filename, "contents": contents, "description": f"file {filename}"}
        assert send(client, "POST", f"{URL}/{plugin.pk}/files", body).status_code == 200
    path = f"{URL}/{plugin.pk}/files"

    page = client.get(path, {"sortBy": "filename", "index": 1, "pageLength": 1}).json()
    assert set(page) == PAGE_KEYS | {"prev", "next"}
    assert [f["filename"] for f in page["data"]] == ["b.py"]
    assert page["prev"] == f"/api/v1/plugins/{plugin.pk}/files?index=0&pageLength=1"
    descending = client.get(path, {"sortBy": "filename", "descending": "true"}).json()
    assert [f["filename"] for f in descending["data"]] == ["c/d.py", "b.py", "a.py"]
    found = client.get(path, {"search": "contents:*torch*"}).json()
    assert [f["filename"] for f in found["data"]] == ["b.py"]
    assert client.get(path, {"search": "filename:a*"}).json()["totalNumResults"] == 1
    assert client.get(path, {"sortBy": "name"}).status_code == 400
    assert client.get(path, {"search": "name:a*"}).status_code == 422
    assert client.get(f"{URL}/424242/files").status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_file_list_query_count_does_not_grow(writer, team, types, count, django_assert_num_queries):
    plugin = PluginFactory(group=team)
    client = logged_in(writer)
    for n in range(count):
        assert (
            send(
                client, "POST", f"{URL}/{plugin.pk}/files", file_body(types, filename=f"f{n}.py")
            ).status_code
            == 200
        )

    # user, plugin, count, rows with their tags, tasks, task parameters (with types)
    with django_assert_num_queries(6):
        response = client.get(f"{URL}/{plugin.pk}/files", {"pageLength": 100})
    assert len(response.json()["data"]) == count
