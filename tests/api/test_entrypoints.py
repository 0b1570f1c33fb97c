import pytest

from experiments.models import Entrypoint
from tests.api.conftest import ENTRYPOINT_KEYS, ERROR_KEYS, REF_KEYS, send
from tests.api.plugin_helpers import NAME_PARAMETER, TASK_GRAPH, image_type, plugin
from tests.conftest import logged_in
from tests.factories import (
    EntrypointFactory,
    EntrypointParameterFactory,
    GroupFactory,
    QueueFactory,
)

__all__ = ["image_type", "plugin"]  # fixtures

URL = "/api/v1/entrypoints"
ISSUE_KEYS = {"type", "severity", "message", "step"}


def full_body(team, *, queue, plugin, image_type) -> dict:
    return {
        "group": team.pk,
        "name": "train",
        "description": "trains",
        "taskGraph": TASK_GRAPH,
        "parameters": [
            {"name": "rate", "defaultValue": "0.5", "parameterType": "float"},
            {"name": "name", "parameterType": "string"},
        ],
        "artifactParameters": [
            {"name": "weights", "outputParams": [{"name": "w", "parameterType": image_type.pk}]}
        ],
        "queues": [queue.pk],
        "plugins": [plugin.pk],
        "artifactPlugins": [],
    }


@pytest.mark.parametrize("path", [URL, URL + "/"])
def test_writer_creates_an_entrypoint(writer, team, plugin, image_type, path):
    queue = QueueFactory(group=team)
    body = full_body(team, queue=queue, plugin=plugin, image_type=image_type)

    response = send(logged_in(writer), "POST", path, body)

    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) == ENTRYPOINT_KEYS
    assert data["taskGraph"] == TASK_GRAPH
    assert data["artifactGraph"] == ""
    assert data["parameters"] == [
        {"name": "rate", "defaultValue": "0.5", "parameterType": "float"},
        {"name": "name", "defaultValue": None, "parameterType": "string"},
    ]
    assert data["snapshot"] > plugin.snapshot_id
    [artifact] = data["artifactParameters"]
    assert artifact["name"] == "weights"
    assert artifact["outputParams"][0]["parameterType"]["id"] == image_type.pk
    assert set(artifact["outputParams"][0]["parameterType"]) == REF_KEYS
    assert [q["id"] for q in data["queues"]] == [queue.pk]
    [pinned] = data["plugins"]
    assert pinned["id"] == plugin.pk
    assert pinned["snapshotId"] == plugin.snapshot_id
    assert pinned["latestSnapshot"] is True
    assert pinned["url"] == f"/api/v1/plugins/{plugin.pk}/snapshots/{plugin.snapshot_id}"
    [file] = pinned["files"]
    assert file["filename"] == "tasks.py"
    hello, task = file["tasks"]["functions"]
    assert (hello["name"], task["name"]) == ("hello", "load")
    assert task["inputParams"][0]["required"] is True
    assert task["inputParams"][0]["parameterType"]["name"] == "image"
    assert file["tasks"]["artifacts"] == []
    assert data["artifactPlugins"] == []


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"parameters": [{"name": "n", "parameterType": "colour"}]}, 400, "parameters"),
        (
            {"parameters": [{"name": "n", "defaultValue": 3, "parameterType": "integer"}]},
            400,
            "parameters",
        ),
        ({"parameters": [{"parameterType": "string"}]}, 400, "parameters"),
        ({"queues": [{"id": 1}]}, 400, "queues"),
        ({"queues": [424242]}, 404, None),
        ({"plugins": [424242]}, 404, None),
        ({"taskGraph": None}, 400, "taskGraph"),
        ({"name": ""}, 400, "name"),
        ({"snapshot": 3}, 400, "snapshot"),
        (
            {"artifactParameters": [{"name": "a", "outputParams": [{"name": "o"}]}]},
            400,
            "artifactParameters",
        ),
        (
            {
                "artifactParameters": [
                    {"name": "a", "outputParams": [{"name": "o", "parameterType": 424242}]}
                ]
            },
            404,
            None,
        ),
    ],
)
def test_create_rejects_malformed_definitions(writer, team, change, status, field):
    body = {"group": team.pk, "name": "train", "taskGraph": TASK_GRAPH, **change}

    response = send(logged_in(writer), "POST", URL, body)

    assert response.status_code == status, response.json()
    if field:
        assert list(response.json()["errors"]) == [field]
    assert not Entrypoint.objects.exists()


@pytest.mark.parametrize(
    ("parameters", "error", "text"),
    [
        (
            [{"name": "n", "defaultValue": "many", "parameterType": "integer"}],
            "EntrypointParameterTypeMismatchError",
            "'many' is not an integer",
        ),
        (
            [{"name": "n", "parameterType": "string"}] * 2,
            "QueryParameterValidationError",
            "used twice",
        ),
    ],
)
def test_create_breaking_a_parameter_rule_is_a_dioptra_error(writer, team, parameters, error, text):
    body = {"group": team.pk, "name": "train", "taskGraph": TASK_GRAPH, "parameters": parameters}

    response = send(logged_in(writer), "POST", URL, body)

    assert response.status_code == 400
    assert response.json()["error"] == error
    assert text in response.json()["message"]
    assert not Entrypoint.objects.exists()


def test_create_duplicate_name_is_409(writer, team):
    EntrypointFactory(group=team, name="train")

    response = send(
        logged_in(writer), "POST", URL, {"group": team.pk, "name": "train", "taskGraph": ""}
    )

    assert response.status_code == 409


def test_validate_only_saves_nothing(writer, team, plugin):
    body = {
        "group": team.pk,
        "name": "train",
        "taskGraph": TASK_GRAPH,
        "parameters": [NAME_PARAMETER],
        "plugins": [plugin.pk],
    }

    response = send(logged_in(writer), "POST", URL + "?validateOnly=True", body)

    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "train"
    assert [p["id"] for p in response.json()["plugins"]] == [plugin.pk]
    # As Dioptra 1.2.2: nothing was saved, so no id, snapshot or times.
    unsaved = {"id", "createdOn", "snapshot", "snapshotCreatedOn", "lastModifiedOn"}
    assert set(response.json()) == ENTRYPOINT_KEYS - unsaved
    assert not Entrypoint.objects.exists()


def test_validate_only_still_reports_errors(writer, team):
    body = {"group": team.pk, "name": "train", "taskGraph": TASK_GRAPH, "queues": [424242]}

    response = send(logged_in(writer), "POST", URL + "?validateOnly=True", body)

    assert response.status_code == 404


def test_get_an_entrypoint(reader, outsider, team):
    entrypoint = EntrypointFactory(group=team)
    EntrypointParameterFactory(entrypoint=entrypoint, name="rate", default_value="1")

    response = logged_in(reader).get(f"{URL}/{entrypoint.pk}/")

    assert response.status_code == 200
    assert set(response.json()) == ENTRYPOINT_KEYS
    assert response.json()["parameters"][0]["name"] == "rate"
    assert logged_in(outsider).get(f"{URL}/{entrypoint.pk}").status_code == 404


def test_put_replaces_the_definition_but_keeps_plugins(writer, team, plugin, image_type):
    queue = QueueFactory(group=team)
    created = send(
        logged_in(writer),
        "POST",
        URL,
        full_body(team, queue=queue, plugin=plugin, image_type=image_type),
    ).json()
    body = {
        "name": "train-2",
        "taskGraph": TASK_GRAPH,
        "parameters": [
            NAME_PARAMETER,
            {"name": "epochs", "defaultValue": "3", "parameterType": "integer"},
        ],
        "pluginSnapshotIds": None,
        "artifactPluginSnapshotIds": None,
    }

    response = send(logged_in(writer), "PUT", f"{URL}/{created['id']}", body)

    assert response.status_code == 200, response.json()
    data = response.json()
    assert data["name"] == "train-2"
    assert data["description"] is None
    assert [p["name"] for p in data["parameters"]] == ["name", "epochs"]
    assert data["queues"] == [] and data["artifactParameters"] == []
    assert [p["id"] for p in data["plugins"]] == [plugin.pk]
    assert data["snapshot"] > created["snapshot"]


def valid_definition(plugin, **changes) -> dict:
    return {
        "name": "e",
        "taskGraph": TASK_GRAPH,
        "parameters": [NAME_PARAMETER],
        "pluginSnapshotIds": [plugin.snapshot_id],
        **changes,
    }


def test_put_accepts_plugin_snapshot_ids(writer, team, plugin):
    entrypoint = EntrypointFactory(group=team)
    body = valid_definition(plugin)

    response = send(logged_in(writer), "PUT", f"{URL}/{entrypoint.pk}", body)

    assert response.status_code == 200, response.json()
    assert [p["snapshotId"] for p in response.json()["plugins"]] == [plugin.snapshot_id]
    body["pluginSnapshotIds"] = [424242]
    assert send(logged_in(writer), "PUT", f"{URL}/{entrypoint.pk}", body).status_code == 404


def test_put_validate_only_changes_nothing(writer, team, plugin):
    entrypoint = EntrypointFactory(group=team, name="before")

    response = send(
        logged_in(writer),
        "PUT",
        f"{URL}/{entrypoint.pk}?validateOnly=true",
        valid_definition(plugin, name="after"),
    )

    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "after"
    assert response.json()["id"] == entrypoint.pk
    assert "snapshot" not in response.json()
    entrypoint.refresh_from_db()
    assert entrypoint.name == "before"
    assert not entrypoint.pinned_plugins.exists()


@pytest.mark.parametrize("query", ["", "?validateOnly=True"])
def test_create_with_workflow_errors_is_refused_with_the_issues(writer, team, plugin, query):
    body = {
        "group": team.pk,
        "name": "train",
        "taskGraph": "step:\n  no_such_task:\n    name: $name\n",
        "parameters": [NAME_PARAMETER],
        "plugins": [plugin.pk],
    }

    response = send(logged_in(writer), "POST", URL + query, body)

    assert response.status_code == 400
    data = response.json()
    assert set(data) == ERROR_KEYS
    assert data["error"] == "EntrypointValidationError"
    assert "no_such_task" in data["message"]
    [issue] = data["detail"]["issues"]
    assert set(issue) == ISSUE_KEYS
    assert (issue["type"], issue["severity"], issue["step"]) == ("SEMANTIC", "ERROR", "step")
    assert "no_such_task" in issue["message"]
    assert not Entrypoint.objects.exists()


def test_create_with_broken_yaml_reports_a_syntax_issue(writer, team, plugin):
    body = {"group": team.pk, "name": "train", "taskGraph": "step: [", "plugins": [plugin.pk]}

    response = send(logged_in(writer), "POST", URL, body)

    assert response.status_code == 400
    [issue] = response.json()["detail"]["issues"]
    assert (issue["type"], issue["severity"]) == ("SYNTAX", "ERROR")


def test_put_with_workflow_errors_changes_nothing(writer, team, plugin):
    created = send(
        logged_in(writer),
        "POST",
        URL,
        {
            "group": team.pk,
            "name": "train",
            "taskGraph": TASK_GRAPH,
            "parameters": [NAME_PARAMETER],
            "plugins": [plugin.pk],
        },
    ).json()

    response = send(
        logged_in(writer),
        "PUT",
        f"{URL}/{created['id']}",
        {"name": "renamed", "taskGraph": TASK_GRAPH},  # $name is no longer declared
    )

    assert response.status_code == 400
    assert response.json()["error"] == "EntrypointValidationError"
    assert response.json()["detail"]["issues"]
    entrypoint = Entrypoint.objects.get()
    assert (entrypoint.name, entrypoint.snapshot_id) == ("train", created["snapshot"])


def test_put_and_delete_permissions(reader, outsider, writer, team):
    entrypoint = EntrypointFactory(group=team)
    path = f"{URL}/{entrypoint.pk}"
    body = {"name": "x", "taskGraph": ""}

    assert send(logged_in(reader), "PUT", path, body).status_code == 403
    assert send(logged_in(outsider), "PUT", path, body).status_code == 404
    assert send(logged_in(reader), "DELETE", path).status_code == 403
    response = send(logged_in(writer), "DELETE", path)
    assert response.json() == {"status": "Success", "id": [entrypoint.pk]}
    assert logged_in(writer).get(path).status_code == 404


def test_queues_of_an_entrypoint(writer, reader, team):
    entrypoint = EntrypointFactory(group=team)
    first, second, third = (QueueFactory(group=team) for _ in range(3))
    entrypoint.queues.add(first)
    path = f"{URL}/{entrypoint.pk}/queues"
    client = logged_in(writer)
    snapshot = entrypoint.snapshot_id

    assert [q["id"] for q in logged_in(reader).get(path + "/").json()] == [first.pk]
    response = send(client, "POST", path, {"ids": [second.pk]})
    assert [q["id"] for q in response.json()] == [first.pk, second.pk]
    response = send(client, "PUT", path, {"ids": [third.pk]})
    assert [q["id"] for q in response.json()] == [third.pk]
    assert send(client, "DELETE", f"{path}/{first.pk}").status_code == 404
    assert send(client, "DELETE", f"{path}/{third.pk}").json() == {
        "status": "Success",
        "id": [third.pk],
    }
    send(client, "PUT", path, {"ids": [first.pk, second.pk]})
    assert send(client, "DELETE", path).json() == {"status": "Success", "id": [first.pk, second.pk]}
    entrypoint.refresh_from_db()
    assert entrypoint.snapshot_id == snapshot  # queue changes make no snapshot


def test_queue_changes_check_permissions_and_ids(writer, reader, outsider, team):
    entrypoint = EntrypointFactory(group=team)
    queue = QueueFactory(group=team)
    path = f"{URL}/{entrypoint.pk}/queues"

    assert send(logged_in(reader), "POST", path, {"ids": [queue.pk]}).status_code == 403
    assert logged_in(outsider).get(path).status_code == 404
    assert send(logged_in(writer), "POST", path, {"ids": [QueueFactory().pk]}).status_code == 404
    assert send(logged_in(writer), "POST", path, {"ids": [str(queue.pk)]}).status_code == 400
    assert not entrypoint.queues.exists()


def test_search_entrypoints_by_task_graph(writer, team):
    EntrypointFactory(group=team, name="one", task_graph="uses: resnet\n")
    EntrypointFactory(group=team, name="two", task_graph="uses: vgg\n")

    response = logged_in(writer).get(URL, {"search": "task_graph:*resnet*"})

    assert [e["name"] for e in response.json()["data"]] == ["one"]


def test_list_search_group_sort_and_paging(writer, team):
    other = GroupFactory()
    writer.memberships.create(group=other, read=True)
    for name, graph in [("b", "uses: resnet"), ("a", "uses: resnet"), ("c", "uses: vgg")]:
        EntrypointFactory(group=team, name=name, task_graph=graph)
    EntrypointFactory(group=other, name="d", task_graph="uses: resnet")
    client = logged_in(writer)
    params = {"search": "task_graph:*resnet*", "groupId": team.pk, "sortBy": "name"}

    descending = client.get(URL, {**params, "descending": "true", "pageLength": 1}).json()
    everywhere = client.get(URL, {"search": "task_graph:*resnet*", "sortBy": "name"}).json()

    assert descending["totalNumResults"] == 2
    assert [e["name"] for e in descending["data"]] == ["b"]
    assert descending["next"] == (
        f"{URL}?index=1&pageLength=1&groupId={team.pk}&search=task_graph%3A%2Aresnet%2A"
    )
    assert [e["name"] for e in everywhere["data"]] == ["a", "b", "d"]
    assert client.get(URL, {"sortBy": "taskGraph"}).status_code == 400
    assert client.get(URL, {"groupId": GroupFactory().pk}).status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_list_query_count_does_not_grow(
    writer, team, plugin, image_type, count, django_assert_num_queries
):
    client = logged_in(writer)
    queue = QueueFactory(group=team)
    for n in range(count):
        body = full_body(team, queue=queue, plugin=plugin, image_type=image_type)
        assert send(client, "POST", URL, {**body, "name": f"e{n}"}).status_code == 200

    # (a page that is not full needs no count) user, the page's ids,
    # their rows with their tags, parameters, artifact parameters,
    # their outputs, pinned plugins, queues, then plugin file snapshots,
    # tasks, types
    with django_assert_num_queries(11):
        response = client.get(URL, {"pageLength": 100})
    assert len(response.json()["data"]) == count
    assert all(e["plugins"][0]["files"] for e in response.json()["data"])


@pytest.mark.parametrize("output_name", ["", "x" * 300])
def test_an_artifact_output_needs_a_proper_name(writer, team, plugin, image_type, output_name):
    body = full_body(team, queue=QueueFactory(group=team), plugin=plugin, image_type=image_type)
    body["artifactParameters"][0]["outputParams"][0]["name"] = output_name

    response = send(logged_in(writer), "POST", URL, body)

    assert response.status_code == 400
    assert "An output of artifact parameter 'weights'" in response.json()["message"]
    assert not Entrypoint.objects.exists()
