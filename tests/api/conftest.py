"""Helpers for API tests: JSON requests through Django's test client, and
the key sets Dioptra's client asserts."""

import json

import pytest
from django.test import Client

RESOURCE_KEYS = {
    "id",
    "snapshot",
    "group",
    "user",
    "createdOn",
    "snapshotCreatedOn",
    "lastModifiedOn",
    "latestSnapshot",
    "hasDraft",
    "tags",
}
EXPERIMENT_KEYS = RESOURCE_KEYS | {"name", "description", "entrypoints"}
QUEUE_KEYS = RESOURCE_KEYS | {"name", "description"}
ENTRYPOINT_KEYS = RESOURCE_KEYS | {
    "name",
    "description",
    "taskGraph",
    "artifactGraph",
    "parameters",
    "artifactParameters",
    "plugins",
    "artifactPlugins",
    "queues",
}
REF_KEYS = {"id", "name", "group", "url"}
ERROR_KEYS = {"error", "message", "detail", "originating_path"}
PAGE_KEYS = {"index", "isComplete", "totalNumResults", "first", "data"}


def send(client: Client, method: str, path: str, body=None, **extra):
    """A request with a JSON body (or raw text if ``body`` is a str)."""
    if method.upper() == "GET":
        return client.get(path, **extra)
    data = body if isinstance(body, str | bytes) or body is None else json.dumps(body)
    return getattr(client, method.lower())(
        path, data=data or "", content_type="application/json", **extra
    )


@pytest.fixture
def anonymous():
    return Client()
