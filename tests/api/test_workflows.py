import pytest

from experiments import definitions
from tests.api.conftest import ERROR_KEYS, send
from tests.api.plugin_helpers import NAME_PARAMETER, TASK_GRAPH, image_type, plugin
from tests.conftest import logged_in
from tests.factories import PluginFactory

__all__ = ["image_type", "plugin"]  # fixtures

VALIDATE = "/api/v1/workflows/validateEntrypoint"
ANALYZE = "/api/v1/workflows/pluginTaskSignatureAnalysis"


def validation_body(team, plugin, **changes) -> dict:
    return {
        "group": team.pk,
        "taskGraph": TASK_GRAPH,
        "pluginSnapshots": [plugin.snapshot_id],
        "parameters": [NAME_PARAMETER],
        **changes,
    }


@pytest.mark.parametrize("path", [VALIDATE, VALIDATE + "/"])
def test_a_valid_workflow(reader, team, plugin, path):
    response = send(logged_in(reader), "POST", path, validation_body(team, plugin))

    assert response.status_code == 200, response.json()
    assert response.json() == {"schemaValid": True, "schemaIssues": []}


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"taskGraph": "step: ["}, "SYNTAX"),
        ({"taskGraph": "step:\n  no_such_task: {}\n"}, "SEMANTIC"),
        ({"parameters": []}, "SEMANTIC"),  # $name is undeclared
        ({"pluginSnapshots": []}, "SCHEMA"),  # no tasks at all
        (
            {"parameters": [{"name": "name", "defaultValue": "1", "parameterType": "integer"}]},
            "TYPE",
        ),
    ],
)
def test_an_invalid_workflow_lists_its_issues(writer, team, plugin, changes, kind):
    response = send(logged_in(writer), "POST", VALIDATE, validation_body(team, plugin, **changes))

    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["schemaValid"] is False
    assert all(set(issue) == {"type", "severity", "message"} for issue in data["schemaIssues"])
    assert (kind, "ERROR") in {(i["type"], i["severity"]) for i in data["schemaIssues"]}


def test_validating_uses_the_pinned_snapshot(writer, team, plugin):
    old_snapshot = plugin.snapshot_id
    [file] = plugin.files.all()
    definitions.update_plugin_file(
        user=writer, file=file, filename="tasks.py", contents="", tasks=[]
    )
    plugin.refresh_from_db()
    client = logged_in(writer)

    pinned_old = send(client, "POST", VALIDATE, validation_body(team, plugin)).json()
    pinned_new = send(
        client, "POST", VALIDATE, validation_body(team, plugin, pluginSnapshots=[old_snapshot])
    ).json()

    assert pinned_old["schemaValid"] is False  # the latest snapshot has no tasks
    assert pinned_new["schemaValid"] is True


def test_two_snapshots_of_one_plugin_are_refused(writer, team, plugin):
    old = plugin.snapshot_id
    definitions.update_plugin(user=writer, plugin=plugin, name="vision", description="v2")
    plugin.refresh_from_db()
    body = validation_body(team, plugin, pluginSnapshots=[old, plugin.snapshot_id])

    response = send(logged_in(writer), "POST", VALIDATE, body)

    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS
    assert "Only one snapshot ID per resource ID is allowed." in response.json()["message"]
    assert f"{old} and {plugin.snapshot_id}" in response.json()["message"]


@pytest.mark.parametrize(
    ("changes", "status"),
    [
        ({"taskGraph": None}, 400),
        ({"group": "1"}, 400),
        ({"pluginSnapshots": "1"}, 400),
        ({"parameters": [{"name": "n"}]}, 400),
        ({"colour": "red"}, 400),
        ({"pluginSnapshots": [424242]}, 404),
        ({"group": 424242}, 404),
        (
            {
                "artifacts": [
                    {"name": "a", "outputParams": [{"name": "o", "parameterType": 424242}]}
                ]
            },
            404,
        ),
    ],
)
def test_validation_request_errors(writer, team, plugin, changes, status):
    response = send(logged_in(writer), "POST", VALIDATE, validation_body(team, plugin, **changes))

    assert response.status_code == status, response.json()


def test_validation_permissions(outsider, anonymous, team, plugin):
    body = validation_body(team, plugin)

    assert send(anonymous, "POST", VALIDATE, body).status_code == 401
    assert send(logged_in(outsider), "POST", VALIDATE, body).status_code == 404
    foreign = PluginFactory()  # a plugin in a group the outsider cannot read
    body = {**body, "group": foreign.group_id, "pluginSnapshots": [foreign.snapshot_id]}
    assert send(logged_in(outsider), "POST", VALIDATE, body).status_code == 404
    assert logged_in(outsider).get(VALIDATE).status_code == 405


def test_artifact_parameters_are_validated_too(writer, team, plugin, image_type):
    artifacts = [
        {"name": "weights", "outputParams": [{"name": "w", "parameterType": image_type.pk}]}
    ]
    graph = TASK_GRAPH + "load_step:\n  load:\n    img: $weights\n"
    body = validation_body(team, plugin, taskGraph=graph, artifacts=artifacts)

    response = send(logged_in(writer), "POST", VALIDATE, body)

    assert response.json() == {"schemaValid": True, "schemaIssues": []}


SOURCE = """\
from dioptra import pyplugs
import numpy as np


@pyplugs.register
def sample(seed: int, size: int = 3, scale=1.0) -> np.ndarray:
    ...


@pyplugs.register()
def report(values: list[float]) -> None:
    ...


def helper(x: int) -> int:
    ...
"""


@pytest.mark.parametrize("path", [ANALYZE, ANALYZE + "/"])
def test_signature_analysis(reader, path):
    response = send(logged_in(reader), "POST", path, {"pythonCode": SOURCE})

    assert response.status_code == 200, response.json()
    sample, report = response.json()["tasks"]
    assert sample == {
        "name": "sample",
        "inputs": [
            {"name": "seed", "type": "integer", "required": True},
            {"name": "size", "type": "integer", "required": False},
            {"name": "scale", "type": "type1", "required": False},
        ],
        "outputs": [{"name": "output", "type": "np_ndarray"}],
        "missing_types": [
            {"name": "type1", "description": None},
            {"name": "np_ndarray", "description": "np.ndarray"},
        ],
    }
    assert report["outputs"] == []
    assert report["inputs"][0]["type"] == "list_float"


def test_signature_analysis_of_invalid_python_names_the_line(writer):
    response = send(logged_in(writer), "POST", ANALYZE, {"pythonCode": "x = 1\ndef broken(:\n"})

    assert response.status_code == 400
    assert response.json()["error"] == "InvalidPythonError"
    assert "line 2" in response.json()["message"]


@pytest.mark.parametrize("body", [{}, {"pythonCode": 3}, {"pythonCode": "", "x": 1}, "[1]"])
def test_signature_analysis_request_errors(writer, anonymous, body):
    assert send(logged_in(writer), "POST", ANALYZE, body).status_code == 400
    assert send(anonymous, "POST", ANALYZE, {"pythonCode": ""}).status_code == 401
