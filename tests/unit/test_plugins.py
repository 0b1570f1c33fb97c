"""Plugins, files and task registrations, and the descriptions built from them."""

import pytest

from experiments import definitions, workflows
from experiments.definitions import TaskSpec
from experiments.errors import ConflictError, InvalidInputError, NotAllowedError
from experiments.models import PluginParameterType
from tests.factories import PluginParameterTypeFactory

HELLO = """\
from dioptra import pyplugs

@pyplugs.register
def greet(name: str) -> str:
    return f"Hello, {name}"
"""


@pytest.fixture
def string_type(team):
    return PluginParameterTypeFactory(group=team, name="text")


def test_a_file_change_makes_new_file_and_plugin_snapshots(team, writer, string_type):
    plugin = definitions.create_plugin(user=writer, group_id=team.pk, name="hello")
    first = plugin.snapshot_id
    file = definitions.create_plugin_file(
        user=writer,
        plugin=plugin,
        filename="tasks.py",
        contents=HELLO,
        tasks=[TaskSpec("greet", inputs=[("name", string_type.pk, True)])],
    )
    plugin.refresh_from_db()

    assert plugin.snapshot_id > file.snapshot_id > first
    pinned = workflows.plugin_snapshots([plugin.snapshot_id])[0]
    assert pinned["files"][0]["contents"] == HELLO
    assert pinned["files"][0]["tasks"][0]["inputParams"][0]["parameterType"] == string_type.pk

    definitions.update_plugin_file(
        user=writer, file=file, filename="tasks.py", contents="# emptied\n", tasks=[]
    )
    assert workflows.plugin_snapshots([pinned["snapshotId"]])[0]["files"][0]["contents"] == HELLO


def test_description_names_tasks_by_module_and_types_by_name(team, writer, string_type):
    plugin = definitions.create_plugin(user=writer, group_id=team.pk, name="hello")
    definitions.create_plugin_file(
        user=writer,
        plugin=plugin,
        filename="sub/tasks.py",
        contents=HELLO,
        tasks=[TaskSpec("greet", inputs=[("name", string_type.pk, True)])],
    )
    plugin.refresh_from_db()

    description, issues = workflows.build_description(
        group_id=team.pk,
        task_graph="say:\n  greet:\n    name: $who\n",
        parameters=[{"name": "who", "parameterType": "string", "defaultValue": "lab"}],
        plugin_snapshot_ids=[plugin.snapshot_id],
    )

    assert issues == []
    assert description["tasks"]["greet"] == {
        "plugin": "hello.sub.tasks.greet",
        "inputs": [{"name": "name", "type": "text", "required": True}],
    }
    assert description["types"] == {"text": None}
    too_many_arguments = {
        "taskGraph": "say:\n  greet: [1, 2]\n",
        "plugins": [{"id": plugin.pk, "snapshotId": plugin.snapshot_id}],
    }
    issues = workflows.entrypoint_issues(too_many_arguments, group_id=team.pk)
    assert "more positional args" in issues[0].message


def test_yaml_errors_name_their_line(team):
    issues = workflows.entrypoint_issues({"taskGraph": "a:\n  b: [1,\n"}, group_id=team.pk)
    assert issues[0].type == "SYNTAX"
    assert "line" in issues[0].message


@pytest.mark.parametrize(
    "filename", ["3ight/x.py", "hello/_file.py", "_/x.py", "HELLO.PY", "/abs.py", "a b.py", ""]
)
def test_bad_filenames_are_refused(team, writer, filename):
    plugin = definitions.create_plugin(user=writer, group_id=team.pk, name="p")
    with pytest.raises(InvalidInputError, match="not a valid plugin filename"):
        definitions.create_plugin_file(user=writer, plugin=plugin, filename=filename, contents="")


def test_duplicate_filename_and_task_names_are_refused(team, writer):
    plugin = definitions.create_plugin(user=writer, group_id=team.pk, name="p")
    definitions.create_plugin_file(user=writer, plugin=plugin, filename="a.py", contents="")

    with pytest.raises(ConflictError):
        definitions.create_plugin_file(user=writer, plugin=plugin, filename="a.py", contents="")
    with pytest.raises(InvalidInputError, match="used twice"):
        definitions.create_plugin_file(
            user=writer, plugin=plugin, filename="b.py", contents="", tasks=[TaskSpec("t")] * 2
        )


def test_builtin_types_cannot_be_shadowed_or_changed(db, team, writer):
    from experiments import accounts

    accounts.ensure_public_group(creator=writer)
    with pytest.raises(InvalidInputError, match="builtin"):
        definitions.create_parameter_type(user=writer, group_id=team.pk, name=" Integer ")
    builtin = PluginParameterType.objects.get(name="integer")
    with pytest.raises(NotAllowedError):
        definitions.update_parameter_type(user=writer, parameter_type=builtin, name="int2")
