from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from experiments.models import PUBLIC_GROUP_NAME, User
from tests.api.conftest import send
from tests.conftest import PASSWORD, logged_in
from tests.factories import UserFactory

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
USERS = "/api/v1/users"
CURRENT = "/api/v1/users/current"
CURRENT_USER_KEYS = {
    "id",
    "username",
    "email",
    "groups",
    "createdOn",
    "lastModifiedOn",
    "lastLoginOn",
    "passwordExpiresOn",
}


def api_login(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = send(client, "POST", LOGIN, {"username": username, "password": password})
    assert response.status_code == 200, response.json()
    return client


# Login and logout ------------------------------------------------------------------


@pytest.mark.parametrize("path", [LOGIN, LOGIN + "/"])
def test_login_starts_a_session_without_csrf(writer, path):
    client = Client(enforce_csrf_checks=True)

    response = send(client, "POST", path, {"username": writer.username, "password": PASSWORD})

    assert response.status_code == 200
    assert response.json() == {"username": writer.username, "status": "Login successful"}
    assert client.get(CURRENT).json()["username"] == writer.username
    writer.refresh_from_db()
    assert writer.last_login is not None


def test_login_failures_are_401_with_dioptras_errors(writer, anonymous):
    response = send(anonymous, "POST", LOGIN, {"username": "nobody", "password": "x"})
    assert response.status_code == 401
    assert response.json()["error"] == "UserDoesNotExistError"

    response = send(anonymous, "POST", LOGIN, {"username": writer.username, "password": "wrong"})
    assert response.status_code == 401
    assert response.json()["error"] == "UserPasswordError"
    assert anonymous.get(CURRENT).status_code == 401


def test_login_refuses_inactive_users_and_expired_passwords(db, anonymous):
    inactive = UserFactory(is_active=False)
    expired = UserFactory(password_expires_on=timezone.now() - timedelta(days=1))

    for user in (inactive, expired):
        body = {"username": user.username, "password": PASSWORD}
        assert send(anonymous, "POST", LOGIN, body).status_code == 401


def test_login_body_is_checked(writer, anonymous):
    body = {"username": writer.username, "password": PASSWORD, "status": "x"}
    assert send(anonymous, "POST", LOGIN, body).json() == {"errors": {"status": ["Unknown field."]}}
    assert send(anonymous, "POST", LOGIN, {"username": writer.username}).status_code == 400


def test_logout_ends_only_this_session(writer):
    here, elsewhere = api_login(writer.username), api_login(writer.username)

    response = send(here, "POST", LOGOUT)

    assert response.json() == {
        "username": writer.username,
        "everywhere": False,
        "status": "Logout successful",
    }
    assert here.get(CURRENT).status_code == 401
    assert elsewhere.get(CURRENT).status_code == 200


def test_logout_everywhere_ends_every_session(writer):
    here, elsewhere = api_login(writer.username), api_login(writer.username)

    response = send(here, "POST", LOGOUT + "?everywhere=True")

    assert response.json()["everywhere"] is True
    assert here.get(CURRENT).status_code == 401
    assert elsewhere.get(CURRENT).status_code == 401


def test_logout_needs_a_login(anonymous):
    assert send(anonymous, "POST", LOGOUT).status_code == 401


# Registration ------------------------------------------------------------------------


def register(client, **changes):
    body = {
        "username": "ada",
        "email": "ada@example.org",
        "password": "s3cret-pass",
        "confirmPassword": "s3cret-pass",
        **changes,
    }
    return send(client, "POST", USERS, body)


@pytest.mark.parametrize("path", [USERS, USERS + "/"])
def test_anyone_may_register_and_joins_public(db, anonymous, path):
    body = {"username": "ada", "email": "a@x.org", "password": "p", "confirmPassword": "p"}

    response = send(anonymous, "POST", path, body)

    assert response.status_code == 200
    data = response.json()
    assert set(data) == CURRENT_USER_KEYS
    assert data["username"] == "ada"
    assert [g["name"] for g in data["groups"]] == [PUBLIC_GROUP_NAME]
    assert data["lastLoginOn"] is None
    assert data["passwordExpiresOn"] > data["createdOn"]
    api_login("ada", "p")


def test_registration_errors(db, anonymous):
    assert register(anonymous).status_code == 200

    mismatch = register(anonymous, username="bob", confirmPassword="other")
    assert mismatch.status_code == 400
    assert mismatch.json()["error"] == "QueryParameterValidationError"
    assert register(anonymous, email="new@example.org").status_code == 409
    assert register(anonymous, username="bob").status_code == 409
    response = send(anonymous, "POST", USERS, {"username": "bob", "password": "p"})
    assert set(response.json()["errors"]) == {"email", "confirmPassword"}
    assert User.objects.count() == 1


def test_current_user(writer, team, anonymous):
    response = logged_in(writer).get(CURRENT + "/")

    assert response.status_code == 200
    assert set(response.json()) == CURRENT_USER_KEYS
    assert response.json()["groups"] == [
        {"id": team.pk, "name": "team", "url": f"/api/v1/groups/{team.pk}"}
    ]
    assert anonymous.get(CURRENT).status_code == 401


def test_user_directory_needs_a_login_and_searches(writer, anonymous):
    UserFactory(username="grace", email="grace@example.org")

    assert anonymous.get(USERS).status_code == 401
    page = logged_in(writer).get(USERS, {"search": "username:gr*"}).json()
    assert [u["username"] for u in page["data"]] == ["grace"]
    assert set(page["data"][0]) == {"id", "username", "email"}
    response = logged_in(writer).get(f"{USERS}/{writer.pk}")
    assert response.json() == {"id": writer.pk, "username": writer.username, "email": writer.email}
    assert logged_in(writer).get(f"{USERS}/424242").status_code == 404


@pytest.mark.parametrize("count", [3, 15])
def test_user_list_query_count_does_not_grow(writer, count, django_assert_num_queries):
    UserFactory.create_batch(count)
    client = logged_in(writer)

    # user, count, rows
    with django_assert_num_queries(3):
        response = client.get(USERS, {"pageLength": 100})
    assert len(response.json()["data"]) == count + 2  # and the writer and team's creator
