"""The OpenAPI description generated from the code, and Swagger UI served offline."""

import re

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

SCHEMA = "/api/v1/schema/"
DOCS = "/api/v1/docs/"


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict:
    """The description as `manage.py spectacular` writes it, validated and
    refused on any warning (unguessable view, duplicate operation id, ...)."""
    path = tmp_path_factory.mktemp("openapi") / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    return yaml.safe_load(path.read_text())


def test_schema_validates_and_lists_every_route_once(generated):
    paths = generated["paths"]

    assert generated["openapi"].startswith("3.")
    assert "/api/v1/queues" in paths
    assert "/api/v1/queues/" not in paths  # the trailing-slash twins are left out
    assert set(paths["/api/v1/groups/{id}/members/{user_id}"]) == {"get", "put", "delete"}
    assert set(paths["/api/v1/users/current/tokens"]) == {"get", "post"}
    operation_ids = [op["operationId"] for item in paths.values() for op in item.values()]
    assert len(operation_ids) == len(set(operation_ids))


def test_schema_describes_both_ways_to_authenticate(generated):
    schemes = generated["components"]["securitySchemes"]

    assert schemes["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'A personal API token, sent as "Token <secret>".',
    }
    assert schemes["cookieAuth"]["in"] == "cookie"
    assert {"tokenAuth": []} in generated["paths"]["/api/v1/queues"]["get"]["security"]


def test_schema_documents_request_bodies_and_paging(generated):
    paths = generated["paths"]
    change = paths["/api/v1/users/current/password"]["post"]
    listing = paths["/api/v1/users"]["get"]

    body = change["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PasswordChange"}
    required = generated["components"]["schemas"]["PasswordChange"]["required"]
    assert set(required) == {"oldPassword", "newPassword", "confirmNewPassword"}
    assert {p["name"] for p in listing["parameters"]} == {"index", "pageLength", "search"}
    assert set(change["responses"]) == {"200"}  # Dioptra answers 200, never 201/204


@pytest.mark.parametrize("path", [SCHEMA, SCHEMA.rstrip("/")])
def test_schema_is_served_to_anyone(db, path):
    response = Client().get(path, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Dioptra-compatible REST API"
    assert "/api/v1/auth/login" in response.json()["paths"]


def test_swagger_ui_uses_only_local_static_files(db):
    response = Client().get(DOCS)

    assert response.status_code == 200
    page = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any(url.endswith("swagger-ui-bundle.js") for url in urls)
    assert all(url.startswith("/static/") for url in urls), urls
    assert "//cdn" not in page and "https://" not in page
    assert 'url: "/api/v1/schema"' in page  # the description it shows is ours
