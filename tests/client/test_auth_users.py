"""Registering, logging in and out, the current user, and groups, through our client."""

import pytest

from dioptra_client import (
    DioptraAuthError,
    DioptraConflictError,
    DioptraNotFoundError,
    connect_json_dioptra_client,
)

from .conftest import PASSWORD, register

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
NOT_LOGGED_IN = "The server could not verify that you are authorized to access the URL requested"


def test_register_answers_the_new_user_in_the_public_group(dioptra):
    user = register(dioptra, "alice")

    assert set(user) == CURRENT_USER_KEYS
    assert user["username"] == "alice"
    assert user["email"] == "alice@example.org"
    assert user["lastLoginOn"] is None
    assert [g["name"] for g in user["groups"]] == ["public"]


def test_later_users_join_the_same_public_group(dioptra):
    first = register(dioptra, "alice")
    second = register(dioptra, "bob")

    assert second["groups"] == first["groups"]


def test_login_then_current_user(dioptra):
    registered = register(dioptra, "alice")

    login = dioptra.auth.login("alice", PASSWORD)
    current = dioptra.users.get_current()

    assert login == {"username": "alice", "status": "Login successful"}
    assert current["id"] == registered["id"]
    assert current["username"] == "alice"
    assert current["lastLoginOn"] is not None


def test_current_user_needs_login(dioptra):
    register(dioptra, "alice")

    with pytest.raises(DioptraAuthError) as caught:
        dioptra.users.get_current()

    assert caught.value.status_code == 401
    assert caught.value.message == caught.value.body["message"]
    assert caught.value.message.startswith(NOT_LOGGED_IN)


def test_wrong_password_is_an_auth_error(dioptra):
    register(dioptra, "alice")

    with pytest.raises(DioptraAuthError) as caught:
        dioptra.auth.login("alice", "not-the-password")

    assert caught.value.status_code == 401
    assert caught.value.message == caught.value.body["message"]


def test_duplicate_username_is_a_conflict(dioptra):
    register(dioptra, "alice")

    with pytest.raises(DioptraConflictError) as caught:
        dioptra.users.create("alice", "other@example.org", PASSWORD)

    assert caught.value.status_code == 409
    assert caught.value.message == caught.value.body["message"]
    assert "alice" in caught.value.message


def test_logout_ends_the_session(alice, dioptra):
    answer = dioptra.auth.logout()

    assert answer == {"username": "alice", "everywhere": False, "status": "Logout successful"}
    with pytest.raises(DioptraAuthError):
        dioptra.users.get_current()


def test_logout_everywhere_ends_other_sessions(alice, dioptra, api_address):
    with connect_json_dioptra_client(api_address) as laptop:
        laptop.auth.login("alice", PASSWORD)

        answer = dioptra.auth.logout(everywhere=True)

        assert answer["everywhere"] is True
        with pytest.raises(DioptraAuthError):
            laptop.users.get_current()


def test_users_list_search_and_get(alice, dioptra):
    bob = register(dioptra, "bob")

    everyone = dioptra.users.get()
    found = dioptra.users.get(search="username:b*")
    one = dioptra.users.get(page_length=1)
    fetched = dioptra.users.get_by_id(bob["id"])

    assert everyone["totalNumResults"] == 2
    assert found["data"] == [{"id": bob["id"], "username": "bob", "email": "bob@example.org"}]
    assert len(one["data"]) == 1
    assert one["isComplete"] is False
    assert fetched == {"id": bob["id"], "username": "bob", "email": "bob@example.org"}


def test_groups_list_search_and_get(alice, dioptra, public_id):
    page = dioptra.groups.get()
    found = dioptra.groups.get(search="name:pub*")
    missing = dioptra.groups.get(search="name:nothing")
    group = dioptra.groups.get_by_id(public_id)

    assert [g["name"] for g in page["data"]] == ["public"]
    assert [g["id"] for g in found["data"]] == [public_id]
    assert missing["data"] == []
    assert group["name"] == "public"
    assert group["user"]["username"] == "alice"
    assert {m["user"]["username"] for m in group["members"]} == {"alice"}


def test_unknown_group_is_not_found(alice, dioptra):
    with pytest.raises(DioptraNotFoundError) as caught:
        dioptra.groups.get_by_id(999_999)

    assert caught.value.status_code == 404
    assert caught.value.message == caught.value.body["message"]
