"""Personal API tokens: issued once, stored hashed, sent as `Authorization: Token …`."""

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from experiments.models import ApiToken
from tests.api.conftest import PAGE_KEYS, send
from tests.api.test_auth_and_users import api_login
from tests.conftest import PASSWORD, logged_in
from tests.factories import QueueFactory

URL = "/api/v1/users/current/tokens"
CURRENT = "/api/v1/users/current"
TOKEN_KEYS = {"id", "name", "prefix", "createdOn", "lastUsedOn", "revokedOn", "url"}


def bearer(secret: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {secret}"}


def issue(user, name="ci") -> str:
    return ApiToken.objects.issue(user=user, name=name)[1]


@pytest.mark.parametrize("suffix", ["", "/"])
def test_create_token_shows_the_secret_once_and_stores_a_hash(writer, suffix):
    client = logged_in(writer)

    response = send(client, "POST", URL + suffix, {"name": " nightly CI "})

    assert response.status_code == 200
    created = response.json()
    assert set(created) == TOKEN_KEYS | {"token"}
    assert created["name"] == "nightly CI"
    assert created["token"].startswith(created["prefix"])
    assert created["lastUsedOn"] is None and created["revokedOn"] is None
    stored = ApiToken.objects.get(pk=created["id"])
    assert stored.key_hash == hashlib.sha256(created["token"].encode()).hexdigest()
    assert created["token"] not in str(stored.__dict__)
    listed = client.get(URL).json()["data"]
    assert [set(t) for t in listed] == [TOKEN_KEYS]  # the secret is not shown again
    assert client.get(f"{URL}/{created['id']}").json() == listed[0]


def test_create_token_errors(writer, anonymous):
    client = logged_in(writer)

    assert send(client, "POST", URL, {"name": "  "}).json() == {
        "errors": {"name": ["A name is required."]}
    }
    assert send(client, "POST", URL, {}).status_code == 400
    assert send(client, "POST", URL, {"name": "x" * 101}).status_code == 400
    assert send(client, "POST", URL, {"name": "x", "token": "mine"}).status_code == 400
    assert send(anonymous, "POST", URL, {"name": "x"}).status_code == 401
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("path", [CURRENT, CURRENT + "/"])
def test_a_token_authenticates_api_requests(writer, team, path):
    QueueFactory(group=team, name="gpu")
    secret = issue(writer)

    me = Client().get(path, **bearer(secret))
    queues = Client().get("/api/v1/queues", **bearer(secret))

    assert me.status_code == 200
    assert me.json()["username"] == writer.username
    assert [q["name"] for q in queues.json()["data"]] == ["gpu"]
    assert ApiToken.objects.get().last_used_on is not None


def test_token_requests_need_no_csrf_token_and_keep_group_rules(writer, reader, team):
    reader_secret = issue(reader)
    client = Client(enforce_csrf_checks=True)
    body = {"group": team.pk, "name": "new"}

    created = send(client, "POST", "/api/v1/queues", body, **bearer(issue(writer)))
    refused = send(client, "POST", "/api/v1/queues", body | {"name": "r"}, **bearer(reader_secret))

    assert created.status_code == 200
    assert refused.status_code == 400  # reader may not create in team
    assert refused.json()["error"] == "UserNotInGroupError"


@pytest.mark.parametrize(
    "header",
    [
        "Token not-a-real-token",
        "Token",
        "Token two words",
        "token dlab_nothing",
    ],
)
def test_unknown_or_malformed_tokens_are_401(db, header):
    response = Client().get(CURRENT, HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert "could not verify" in response.json()["message"]


def test_revoked_tokens_and_tokens_of_deleted_users_are_401(writer, reader):
    revoked = issue(writer)
    ApiToken.objects.get(user=writer).revoke()
    deleted_users = issue(reader)
    reader.is_active = False
    reader.save()

    assert Client().get(CURRENT, **bearer(revoked)).status_code == 401
    assert Client().get(CURRENT, **bearer(deleted_users)).status_code == 401


def test_a_session_still_works_next_to_token_auth(writer):
    client = api_login(writer.username)

    assert client.get(CURRENT).status_code == 200


def test_last_use_is_recorded_at_most_once_a_minute(writer):
    secret = issue(writer)
    token = ApiToken.objects.get()
    moment = timezone.now() - timedelta(seconds=10)
    ApiToken.objects.filter(pk=token.pk).update(last_used_on=moment)

    Client().get(CURRENT, **bearer(secret))
    assert ApiToken.objects.get().last_used_on == moment

    ApiToken.objects.filter(pk=token.pk).update(last_used_on=moment - timedelta(minutes=5))
    Client().get(CURRENT, **bearer(secret))
    assert ApiToken.objects.get().last_used_on > moment


@pytest.mark.parametrize("suffix", ["", "/"])
def test_revoke_a_token(writer, suffix):
    secret = issue(writer)
    token = ApiToken.objects.get()
    client = logged_in(writer)

    response = send(client, "DELETE", f"{URL}/{token.pk}{suffix}")

    assert response.status_code == 200
    assert response.json() == {"status": "Success", "id": [token.pk]}
    assert Client().get(CURRENT, **bearer(secret)).status_code == 401
    listed = client.get(URL).json()["data"]
    assert listed[0]["revokedOn"] is not None
    assert send(client, "DELETE", f"{URL}/{token.pk}").status_code == 200  # already revoked


def test_a_token_may_revoke_itself(writer):
    secret = issue(writer)
    token = ApiToken.objects.get()

    response = send(Client(), "DELETE", f"{URL}/{token.pk}", **bearer(secret))

    assert response.status_code == 200
    assert Client().get(CURRENT, **bearer(secret)).status_code == 401


def test_other_users_tokens_are_not_found(writer, reader, anonymous):
    issue(reader)
    theirs = ApiToken.objects.get()

    assert logged_in(writer).get(f"{URL}/{theirs.pk}").status_code == 404
    assert send(logged_in(writer), "DELETE", f"{URL}/{theirs.pk}").status_code == 404
    assert logged_in(writer).get(URL).json()["data"] == []
    assert anonymous.get(URL).status_code == 401
    assert send(anonymous, "DELETE", f"{URL}/{theirs.pk}").status_code == 401
    assert ApiToken.objects.get().revoked_on is None


def test_token_list_is_paged_newest_first(writer):
    for name in ("a", "b", "c"):
        issue(writer, name)

    page = logged_in(writer).get(URL, {"pageLength": 2}).json()

    assert set(page) == PAGE_KEYS | {"next"}
    assert [t["name"] for t in page["data"]] == ["c", "b"]
    assert page["next"] == "/api/v1/users/current/tokens?index=2&pageLength=2"


@pytest.mark.parametrize("count", [2, 12])
def test_token_list_query_count_does_not_grow(writer, count, django_assert_num_queries):
    for number in range(count):
        issue(writer, f"t{number}")
    client = logged_in(writer)

    # user, count, rows
    with django_assert_num_queries(3):
        response = client.get(URL, {"pageLength": 100})
    assert len(response.json()["data"]) == count


def test_password_stays_required_to_delete_the_account_with_a_token(writer):
    secret = issue(writer)

    wrong = send(Client(), "DELETE", CURRENT, {"password": "guess"}, **bearer(secret))
    right = send(Client(), "DELETE", CURRENT, {"password": PASSWORD}, **bearer(secret))

    assert wrong.status_code == 401
    assert right.status_code == 200
    assert Client().get(CURRENT, **bearer(secret)).status_code == 401
