"""Plugins, their files, parameter types, pinned entrypoint plugins and
workflows through our client, against a live server."""

import pytest

from dioptra_client import (
    DioptraConflictError,
    DioptraForbiddenError,
    DioptraNotFoundError,
    DioptraValidationError,
)

from .conftest import HELLO_WORLD_PLUGIN, NAME_PARAMETER, TASK_GRAPH

PLUGIN_KEYS = {
    "id",
    "snapshot",
    "group",
    "user",
    "createdOn",
    "snapshotCreatedOn",
    "lastModifiedOn",
    "latestSnapshot",
    "hasDraft",
    "name",
    "description",
    "files",
    "tags",
}


def type_id(dioptra, name: str) -> int:
    [found] = dioptra.plugin_parameter_types.get(search=f"name:{name}")["data"]
    return found["id"]


def hello_task(string_id: int) -> dict:
    return {
        "name": "hello_world",
        "inputParams": [{"name": "name", "parameterType": string_id, "required": True}],
        "outputParams": [{"name": "out", "parameterType": string_id}],
    }


@pytest.fixture
def hello_plugin(alice, dioptra, public_id):
    """The hello_world plugin made through the client: (plugin, file)."""
    plugin = dioptra.plugins.create(public_id, "hello_world", description="greets")
    file = dioptra.plugins.files.create(
        plugin["id"],
        "tasks.py",
        HELLO_WORLD_PLUGIN,
        function_tasks=[hello_task(type_id(dioptra, "string"))],
    )
    return dioptra.plugins.get_by_id(plugin["id"]), file


def test_parameter_types_round_trip(alice, dioptra, public_id):
    created = dioptra.plugin_parameter_types.create(
        public_id, "int_list", description="ints", structure={"list": "integer"}
    )
    modified = dioptra.plugin_parameter_types.modify_by_id(
        created["id"], "ints", description=None, structure=None
    )
    listed = dioptra.plugin_parameter_types.get(sort_by="name", page_length=0)
    deleted = dioptra.plugin_parameter_types.delete_by_id(created["id"])

    assert created["structure"] == {"list": "integer"}
    assert (modified["name"], modified["description"], modified["structure"]) == (
        "ints",
        None,
        None,
    )
    assert "ints" in [t["name"] for t in listed["data"]]
    assert deleted == {"status": "Success", "id": [created["id"]]}
    with pytest.raises(DioptraNotFoundError):
        dioptra.plugin_parameter_types.get_by_id(created["id"])


def test_parameter_type_errors(alice, dioptra, public_id):
    dioptra.plugin_parameter_types.create(public_id, "image")

    with pytest.raises(DioptraConflictError):
        dioptra.plugin_parameter_types.create(public_id, "image")
    with pytest.raises(DioptraValidationError):
        dioptra.plugin_parameter_types.create(public_id, "Integer")
    with pytest.raises(DioptraForbiddenError):
        dioptra.plugin_parameter_types.modify_by_id(type_id(dioptra, "string"), "s", None, None)
    with pytest.raises(DioptraForbiddenError):
        dioptra.plugin_parameter_types.delete_by_id(type_id(dioptra, "any"))


def test_plugin_with_a_file_and_a_task(hello_plugin, dioptra):
    plugin, file = hello_plugin

    assert set(plugin) == PLUGIN_KEYS
    assert plugin["description"] == "greets"
    [ref] = plugin["files"]
    assert (ref["id"], ref["filename"], ref["plugin"]) == (file["id"], "tasks.py", plugin["id"])
    [task] = file["tasks"]["functions"]
    assert task["name"] == "hello_world"
    assert task["inputParams"][0]["parameterType"]["name"] == "string"
    assert file["contents"] == HELLO_WORLD_PLUGIN
    assert dioptra.plugins.files.get_by_id(plugin["id"], file["id"]) == file


def test_plugin_list_modify_and_delete(hello_plugin, dioptra, public_id):
    plugin, _ = hello_plugin
    dioptra.plugins.create(public_id, "attacks")

    page = dioptra.plugins.get(sort_by="name", page_length=1, group_id=public_id)
    modified = dioptra.plugins.modify_by_id(plugin["id"], "hello", description=None)
    deleted = dioptra.plugins.delete_by_id(plugin["id"])

    assert [p["name"] for p in page["data"]] == ["attacks"]
    assert page["totalNumResults"] == 2
    assert modified["name"] == "hello" and modified["files"] == plugin["files"]
    assert modified["snapshot"] > plugin["snapshot"]
    assert deleted == {"status": "Success"}
    with pytest.raises(DioptraNotFoundError):
        dioptra.plugins.get_by_id(plugin["id"])


def test_plugin_files_sub_collection(hello_plugin, dioptra):
    plugin, file = hello_plugin
    pid = plugin["id"]
    any_id = type_id(dioptra, "any")

    second = dioptra.plugins.files.create(
        pid,
        "util/helpers.py",
        "import torch\n",
        artifact_tasks=[
            {"name": "Saver", "outputParams": [{"name": "x", "parameterType": any_id}]}
        ],
        description="helpers",
    )
    found = dioptra.plugins.files.get(pid, search="contents:*torch*")
    ordered = dioptra.plugins.files.get(pid, sort_by="filename", descending=True)
    replaced = dioptra.plugins.files.modify_by_id(
        pid, file["id"], "greet.py", HELLO_WORLD_PLUGIN, function_tasks=[]
    )
    removed = dioptra.plugins.files.delete_by_id(pid, second["id"])

    assert second["tasks"]["artifacts"][0]["name"] == "Saver"
    assert [f["filename"] for f in found["data"]] == ["util/helpers.py"]
    assert [f["filename"] for f in ordered["data"]] == ["util/helpers.py", "tasks.py"]
    assert replaced["filename"] == "greet.py"
    assert replaced["tasks"] == {"functions": [], "artifacts": []}
    assert removed == {"status": "Success", "id": [second["id"]]}
    assert dioptra.plugins.files.delete_all(pid) == {"status": "Success", "id": [file["id"]]}
    assert dioptra.plugins.files.get(pid)["data"] == []


def test_plugin_file_errors(hello_plugin, dioptra):
    plugin, _ = hello_plugin

    with pytest.raises(DioptraConflictError):
        dioptra.plugins.files.create(plugin["id"], "tasks.py", "")
    with pytest.raises(DioptraValidationError):
        dioptra.plugins.files.create(plugin["id"], "Bad Name.py", "")
    with pytest.raises(DioptraNotFoundError):
        dioptra.plugins.files.create(plugin["id"], "x.py", "", function_tasks=[hello_task(999_999)])


def test_entrypoint_plugin_sub_collections(hello_plugin, dioptra, public_id):
    plugin, _ = hello_plugin
    spare = dioptra.plugins.create(public_id, "spare")
    entrypoint = dioptra.entrypoints.create(
        public_id, "hello", TASK_GRAPH, parameters=[NAME_PARAMETER], plugins=[plugin["id"]]
    )
    ep = entrypoint["id"]

    assert [p["id"] for p in dioptra.entrypoints.plugins.get(ep)] == [plugin["id"]]
    attached = dioptra.entrypoints.plugins.create(ep, [spare["id"]])
    assert [p["id"] for p in attached] == [plugin["id"], spare["id"]]
    assert dioptra.entrypoints.plugins.get_by_id(ep, spare["id"])["name"] == "spare"
    assert dioptra.entrypoints.plugins.delete_by_id(ep, spare["id"])["id"] == [spare["id"]]
    with pytest.raises(DioptraValidationError) as caught:
        dioptra.entrypoints.plugins.delete_by_id(ep, plugin["id"])
    assert caught.value.detail["issues"]
    assert dioptra.entrypoints.artifact_plugins.create(ep, [spare["id"]])[0]["id"] == spare["id"]
    assert [p["id"] for p in dioptra.entrypoints.artifact_plugins.get(ep)] == [spare["id"]]
    dioptra.entrypoints.artifact_plugins.delete_by_id(ep, spare["id"])
    with pytest.raises(DioptraNotFoundError):
        dioptra.entrypoints.artifact_plugins.get_by_id(ep, spare["id"])

    latest = dioptra.entrypoints.get_by_id(ep)
    config = dioptra.entrypoints.snapshots.get_config(ep, latest["snapshot"])
    assert config["tasks"]["hello_world"]["plugin"] == "hello_world.tasks.hello_world"
    assert config["graph"] == {"greet": {"hello_world": {"name": "$name"}}}


def test_workflows(hello_plugin, dioptra, public_id):
    plugin, _ = hello_plugin

    valid = dioptra.workflows.validate_entrypoint(
        public_id, TASK_GRAPH, [plugin["snapshot"]], [NAME_PARAMETER]
    )
    invalid = dioptra.workflows.validate_entrypoint(public_id, TASK_GRAPH, [plugin["snapshot"]], [])
    analysis = dioptra.workflows.analyze_plugin_task_signatures(HELLO_WORLD_PLUGIN)

    assert valid == {"schemaValid": True, "schemaIssues": []}
    assert invalid["schemaValid"] is False
    assert {i["severity"] for i in invalid["schemaIssues"]} == {"ERROR"}
    assert analysis["tasks"][0]["name"] == "hello_world"
    assert analysis["tasks"][0]["inputs"] == [{"name": "name", "type": "string", "required": True}]
    with pytest.raises(DioptraValidationError) as caught:
        dioptra.workflows.analyze_plugin_task_signatures("def broken(:\n")
    assert "line 1" in caught.value.message
