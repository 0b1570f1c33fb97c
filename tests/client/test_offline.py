"""Parts of our client that need no server: addresses, query cleaning, error classes."""

import socket
import subprocess
import sys

import pytest

from dioptra_client import (
    DioptraAuthError,
    DioptraClientError,
    DioptraConflictError,
    DioptraConnectionError,
    DioptraForbiddenError,
    DioptraHTTPError,
    DioptraNotFoundError,
    DioptraServerError,
    DioptraValidationError,
    connect_json_dioptra_client,
)
from dioptra_client._session import clean_params
from dioptra_client.errors import error_for_status


def test_address_from_argument_env_or_default(monkeypatch):
    monkeypatch.delenv("DIOPTRA_API", raising=False)
    assert connect_json_dioptra_client().url == "http://localhost:8000/api/v1"
    monkeypatch.setenv("DIOPTRA_API", "http://dioptra.example.org/")
    assert connect_json_dioptra_client().url == "http://dioptra.example.org/api/v1"
    assert connect_json_dioptra_client("http://x:9000").url == "http://x:9000/api/v1"


def test_sub_collection_urls_have_no_trailing_slash():
    client = connect_json_dioptra_client("http://x")

    assert client.queues.url == "http://x/api/v1/queues"
    assert client.experiments.entrypoints.url(3) == "http://x/api/v1/experiments/3/entrypoints"
    assert client.entrypoints.queues.url(4) == "http://x/api/v1/entrypoints/4/queues"


def test_query_params_drop_none_and_spell_booleans():
    cleaned = clean_params({"index": 0, "search": None, "descending": True, "everywhere": False})

    assert cleaned == {"index": 0, "descending": "true", "everywhere": "false"}
    assert clean_params({"search": None}) is None


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, DioptraValidationError),
        (422, DioptraValidationError),
        (401, DioptraAuthError),
        (403, DioptraForbiddenError),
        (404, DioptraNotFoundError),
        (409, DioptraConflictError),
        (405, DioptraHTTPError),
        (500, DioptraServerError),
        (501, DioptraServerError),
    ],
)
def test_each_status_has_its_error_class(status, cls):
    error = error_for_status(status, {"message": "Nope"})

    assert type(error) is cls
    assert isinstance(error, DioptraClientError)
    assert error.status_code == status
    assert error.message == "Nope"
    assert str(error) == f"{status}: Nope"


def test_forbidden_is_an_auth_error():
    assert isinstance(error_for_status(403, {}), DioptraAuthError)


def test_field_errors_are_summarised():
    body = {"errors": {"name": ["Missing data for required field."], "group": ["Not a number."]}}

    error = error_for_status(400, body)

    assert error.message == "name: Missing data for required field.; group: Not a number."
    assert error.body == body


def test_message_and_field_errors_together():
    body = {"message": "Input payload validation failed", "errors": {"index": "Bad int"}}

    assert error_for_status(400, body).message == "Input payload validation failed: index: Bad int"


def test_dioptra_error_name_and_detail():
    body = {
        "error": "EntityExistsError",
        "message": "Conflict - taken",
        "detail": {"existing_id": 7},
        "originating_path": "/api/v1/queues?",
    }

    error = error_for_status(409, body)

    assert error.error == "EntityExistsError"
    assert error.detail == {"existing_id": 7}


def test_body_without_message_falls_back_to_the_reason():
    assert error_for_status(404, "", "Not Found").message == "Not Found"
    assert error_for_status(502, None).message == "Bad Gateway"


def test_unreachable_server_is_a_connection_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = connect_json_dioptra_client(f"http://127.0.0.1:{port}")

    with pytest.raises(DioptraConnectionError) as caught:
        client.groups.get()

    assert caught.value.status_code is None


def test_client_package_imports_nothing_of_django_or_the_server():
    code = (
        "import sys, dioptra_client; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('django', 'experiments', 'dioptra_site', 'rest_framework', 'dioptra')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )

    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr


def test_html_error_pages_are_not_used_as_messages():
    page = "<!doctype html><html><h1>Not Found</h1></html>"

    assert error_for_status(404, page, "Not Found").message == "Not Found"
    assert error_for_status(400, "bad things").message == "bad things"
