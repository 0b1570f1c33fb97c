"""``GET /health``: answered to anyone, with the version pyproject.toml declares."""

import tomllib

import pytest
from django.conf import settings
from django.test import Client


def declared_version() -> str:
    with open(settings.BASE_DIR / "pyproject.toml", "rb") as handle:
        return tomllib.load(handle)["project"]["version"]


@pytest.mark.parametrize("path", ["/health", "/health/"])
def test_health_answers_without_login_or_database(path):
    # No database fixture: any query would raise.
    response = Client().get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "healthy", "version": declared_version()}


def test_health_answers_a_logged_in_user_the_same(writer_client):
    assert writer_client.get("/health").json() == {
        "status": "healthy",
        "version": declared_version(),
    }


def test_health_only_reads(writer_client):
    assert Client().post("/health").status_code == 405
    assert writer_client.delete("/health").status_code == 405


def test_health_is_not_under_the_api_root(writer_client):
    assert writer_client.get("/api/v1/health").status_code == 404
