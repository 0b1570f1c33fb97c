"""Odd requests get 4xx answers, never a server error."""

import pytest

from tests.api.conftest import send
from tests.conftest import logged_in
from tests.factories import EntrypointFactory, ExperimentFactory, QueueFactory

ODD_BODIES = [
    "null",
    "[]",
    '"text"',
    "123",
    '{"name": null, "group": null}',
    '{"name": {"a": 1}, "taskGraph": [], "ids": {"x": 1}}',
    '{"ids": [1e400]}',
    '{"ids": [99999999999999999999999]}',
    '{"group": 99999999999999999999999, "name": "x"}',
    '{"name": "nul\\u0000byte", "taskGraph": "", "group": 1}',
    '{"parameters": "x", "artifactParameters": [1], "queues": null}',
    "\xff\xfe not utf-8",
]


@pytest.fixture
def paths(team):
    experiment = ExperimentFactory(group=team)
    entrypoint = EntrypointFactory(group=team)
    queue = QueueFactory(group=team)
    return [
        "/api/v1/auth/login",
        "/api/v1/users",
        "/api/v1/queues",
        f"/api/v1/queues/{queue.pk}",
        "/api/v1/entrypoints",
        f"/api/v1/entrypoints/{entrypoint.pk}",
        f"/api/v1/entrypoints/{entrypoint.pk}/queues",
        "/api/v1/experiments",
        f"/api/v1/experiments/{experiment.pk}",
        f"/api/v1/experiments/{experiment.pk}/entrypoints",
    ]


@pytest.mark.parametrize("body", ODD_BODIES)
def test_odd_bodies_never_cause_a_server_error(writer, paths, body):
    client = logged_in(writer)
    for path in paths:
        for method in ("POST", "PUT"):
            response = send(client, method, path, body.encode("latin-1"))
            assert response.status_code in {400, 404, 405, 409}, (method, path, response.content)


@pytest.mark.parametrize(
    "query",
    [
        {"index": "99999999999999999999999"},
        {"pageLength": "-5", "index": "4611686018427387904"},
        {"groupId": "99999999999999999999999"},
        {"search": "name:'\x00'"},
        {"search": "%"},
        {"search": "%25%25"},
        {"sortBy": "name", "descending": ""},
    ],
)
def test_odd_queries_never_cause_a_server_error(writer, query):
    client = logged_in(writer)
    for route in ("users", "groups", "queues", "entrypoints", "experiments"):
        assert client.get(f"/api/v1/{route}", query).status_code < 500
