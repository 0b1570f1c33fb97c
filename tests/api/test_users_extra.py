"""The current user's account through the API: profile, password, deletion."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from experiments.models import User
from tests.api.conftest import ERROR_KEYS, send
from tests.api.test_auth_and_users import CURRENT_USER_KEYS, api_login
from tests.conftest import PASSWORD, logged_in
from tests.factories import UserFactory

LOGIN = "/api/v1/auth/login"
CURRENT = "/api/v1/users/current"
CURRENT_PASSWORD = "/api/v1/users/current/password"
NEW_PASSWORD = "a-brand-new-secret"


def change_body(old=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return {
        "oldPassword": old,
        "newPassword": new,
        "confirmNewPassword": new if confirm is None else confirm,
    }


def can_log_in(username: str, password: str) -> bool:
    body = {"username": username, "password": password}
    return send(Client(), "POST", LOGIN, body).status_code == 200


# PUT /users/current ----------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_change_username_and_email(writer, suffix):
    client = logged_in(writer)

    response = send(client, "PUT", CURRENT + suffix, {"username": "ada", "email": "ada@x.org"})

    assert response.status_code == 200
    data = response.json()
    assert set(data) == CURRENT_USER_KEYS
    assert (data["username"], data["email"]) == ("ada", "ada@x.org")
    assert client.get(CURRENT).json()["username"] == "ada"
    assert can_log_in("ada", PASSWORD)


def test_keeping_your_own_name_is_fine(writer):
    body = {"username": writer.username, "email": writer.email}

    assert send(logged_in(writer), "PUT", CURRENT, body).status_code == 200


def test_taken_username_or_email_is_409(writer, reader):
    client = logged_in(writer)

    name = send(client, "PUT", CURRENT, {"username": reader.username, "email": "new@x.org"})
    email = send(client, "PUT", CURRENT, {"username": "fresh", "email": reader.email})

    assert name.status_code == 409
    assert set(name.json()) == ERROR_KEYS
    assert name.json()["error"] == "EntityExistsError"
    assert email.status_code == 409
    assert "already registered" in email.json()["message"]
    writer.refresh_from_db()
    assert writer.username != reader.username


def test_profile_body_is_checked(writer, anonymous):
    client = logged_in(writer)

    missing = send(client, "PUT", CURRENT, {"username": "x"})
    unknown = send(client, "PUT", CURRENT, {"username": "x", "email": "", "id": 3})
    blank = send(client, "PUT", CURRENT, {"username": "  ", "email": ""})

    assert missing.json() == {"errors": {"email": ["Missing data for required field."]}}
    assert unknown.json() == {"errors": {"id": ["Unknown field."]}}
    assert blank.status_code == 400
    assert "A username is required." in blank.json()["message"]
    assert send(anonymous, "PUT", CURRENT, {"username": "x", "email": ""}).status_code == 401


# DELETE /users/current -----------------------------------------------------------------


def test_delete_account_needs_the_password_and_deactivates(writer):
    client = api_login(writer.username)

    wrong = send(client, "DELETE", CURRENT, {"password": "nope"})
    assert wrong.status_code == 401
    assert wrong.json()["error"] == "UserPasswordError"

    response = send(client, "DELETE", CURRENT, {"password": PASSWORD})

    assert response.status_code == 200
    assert response.json() == {"status": "Success", "id": [writer.pk]}
    assert client.get(CURRENT).status_code == 401
    assert not can_log_in(writer.username, PASSWORD)
    assert User.objects.filter(pk=writer.pk, is_active=False).exists()  # kept, soft deleted
    directory = logged_in(UserFactory()).get("/api/v1/users", {"pageLength": 0}).json()
    assert writer.pk not in [u["id"] for u in directory["data"]]


def test_delete_account_ends_other_sessions_too(writer):
    here, elsewhere = api_login(writer.username), api_login(writer.username)

    send(here, "DELETE", CURRENT, {"password": PASSWORD})

    assert elsewhere.get(CURRENT).status_code == 401


def test_delete_account_body_is_checked(writer, anonymous):
    assert send(logged_in(writer), "DELETE", CURRENT).status_code == 400
    assert send(anonymous, "DELETE", CURRENT, {"password": PASSWORD}).status_code == 401


# Password changes ------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_change_own_password_ends_every_session(writer, suffix):
    here, elsewhere = api_login(writer.username), api_login(writer.username)
    writer.password_expires_on = timezone.now() + timedelta(days=1)
    writer.save()

    response = send(here, "POST", CURRENT_PASSWORD + suffix, change_body())

    assert response.status_code == 200
    assert response.json() == {"status": "Password Change Success"}
    assert here.get(CURRENT).status_code == 401
    assert elsewhere.get(CURRENT).status_code == 401
    assert not can_log_in(writer.username, PASSWORD)
    assert can_log_in(writer.username, NEW_PASSWORD)
    writer.refresh_from_db()
    assert writer.password_expires_on > timezone.now() + timedelta(days=360)


@pytest.mark.parametrize(
    "body, message",
    [
        (change_body(old="wrong"), "The old password is not correct."),
        (change_body(confirm="other"), "do not match"),
        (change_body(new=PASSWORD), "must differ from the old one"),
    ],
)
def test_refused_password_changes_are_403(writer, body, message):
    client = api_login(writer.username)

    response = send(client, "POST", CURRENT_PASSWORD, body)

    assert response.status_code == 403
    assert response.json()["error"] == "UserPasswordChangeError"
    assert message in response.json()["message"]
    assert client.get(CURRENT).status_code == 200  # still logged in
    assert can_log_in(writer.username, PASSWORD)


def test_password_change_body_is_checked(writer, anonymous):
    response = send(logged_in(writer), "POST", CURRENT_PASSWORD, {"oldPassword": PASSWORD})

    assert set(response.json()["errors"]) == {"newPassword", "confirmNewPassword"}
    assert send(anonymous, "POST", CURRENT_PASSWORD, change_body()).status_code == 401


@pytest.mark.parametrize("suffix", ["", "/"])
def test_change_password_by_id_renews_an_expired_password(db, anonymous, suffix):
    expired = UserFactory(password_expires_on=timezone.now() - timedelta(days=1))
    refused = send(anonymous, "POST", LOGIN, {"username": expired.username, "password": PASSWORD})
    assert refused.status_code == 401
    assert "Password expired." in refused.json()["message"]

    path = f"/api/v1/users/{expired.pk}/password{suffix}"
    response = send(anonymous, "POST", path, change_body())

    assert response.status_code == 200
    assert response.json() == {"status": "Password Change Success"}
    assert can_log_in(expired.username, NEW_PASSWORD)


def test_change_password_by_id_ends_the_callers_session(writer):
    client = api_login(writer.username)

    send(client, "POST", f"/api/v1/users/{writer.pk}/password", change_body())

    assert client.get(CURRENT).status_code == 401


def test_change_password_by_id_errors(writer, reader, anonymous):
    path = f"/api/v1/users/{reader.pk}/password"

    wrong = send(logged_in(writer), "POST", path, change_body(old="guess"))
    unknown = send(anonymous, "POST", "/api/v1/users/424242/password", change_body())
    reader.is_active = False
    reader.save()
    deleted = send(anonymous, "POST", path, change_body())

    assert wrong.status_code == 403
    assert wrong.json()["error"] == "UserPasswordChangeError"
    assert unknown.status_code == 401
    assert unknown.json()["error"] == "UserDoesNotExistError"
    assert deleted.status_code == 401
    assert can_log_in(writer.username, PASSWORD)
