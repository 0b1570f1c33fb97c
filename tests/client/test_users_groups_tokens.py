"""Account changes, group management and API tokens through our client, against a live server."""

from datetime import timedelta

import pytest

from dioptra_client import (
    DioptraAuthError,
    DioptraConflictError,
    DioptraForbiddenError,
    DioptraNotFoundError,
    DioptraValidationError,
    connect_json_dioptra_client,
)

from .conftest import PASSWORD, register

NEW_PASSWORD = "a-brand-new-secret"
READ_ONLY = {
    "read": True,
    "write": False,
    "shareRead": False,
    "shareWrite": False,
    "owner": False,
    "admin": False,
}


@pytest.fixture
def bob(api_address, alice):
    """A second user, logged in on his own client."""
    with connect_json_dioptra_client(api_address) as client:
        user = register(client, "bob")
        client.auth.login("bob", PASSWORD)
        yield client, user


# The current user ----------------------------------------------------------------------


def test_modify_current_user(dioptra, alice, bob):
    changed = dioptra.users.modify_current_user("alicia", "alicia@example.org")

    assert (changed["username"], changed["email"]) == ("alicia", "alicia@example.org")
    assert dioptra.users.get_current()["username"] == "alicia"
    with pytest.raises(DioptraConflictError):
        dioptra.users.modify_current_user("bob", "other@example.org")


def test_change_current_user_password_ends_the_session(api_address, dioptra, alice):
    answer = dioptra.users.change_current_user_password(PASSWORD, NEW_PASSWORD)

    assert answer == {"status": "Password Change Success"}
    with pytest.raises(DioptraAuthError):
        dioptra.users.get_current()
    with pytest.raises(DioptraAuthError):
        dioptra.auth.login("alice", PASSWORD)
    dioptra.auth.login("alice", NEW_PASSWORD)
    assert dioptra.users.get_current()["username"] == "alice"


def test_wrong_old_password_is_refused(dioptra, alice):
    with pytest.raises(DioptraForbiddenError) as caught:
        dioptra.users.change_current_user_password("guess", NEW_PASSWORD)

    assert caught.value.error == "UserPasswordChangeError"
    assert dioptra.users.get_current()["username"] == "alice"


def test_change_password_by_id_renews_an_expired_password(api_address, dioptra, alice):
    from experiments.models import User

    User.objects.filter(username="alice").update(
        password_expires_on=User.objects.get(username="alice").date_joined - timedelta(days=1)
    )
    with connect_json_dioptra_client(api_address) as anonymous:
        with pytest.raises(DioptraAuthError, match="Password expired."):
            anonymous.auth.login("alice", PASSWORD)

        anonymous.users.change_password_by_id(alice["id"], PASSWORD, NEW_PASSWORD)

        assert anonymous.auth.login("alice", NEW_PASSWORD)["status"] == "Login successful"


def test_delete_current_user(api_address, dioptra, alice, bob):
    with pytest.raises(DioptraAuthError):
        dioptra.users.delete_current_user("guess")

    answer = dioptra.users.delete_current_user(PASSWORD)

    assert answer == {"status": "Success", "id": [alice["id"]]}
    with pytest.raises(DioptraAuthError):
        dioptra.auth.login("alice", PASSWORD)
    bob_client, _ = bob
    names = [u["username"] for u in bob_client.users.get(page_length=0)["data"]]
    assert names == ["bob"]


# Groups --------------------------------------------------------------------------------


def test_create_rename_and_delete_a_group(dioptra, alice):
    group = dioptra.groups.create("vision-lab")

    assert group["members"][0]["permissions"] == dict.fromkeys(READ_ONLY, True)
    renamed = dioptra.groups.modify_by_id(group["id"], "vision")
    assert renamed["name"] == "vision"
    assert dioptra.groups.delete_by_id(group["id"]) == {"status": "Success", "id": [group["id"]]}
    with pytest.raises(DioptraNotFoundError):
        dioptra.groups.get_by_id(group["id"])


def test_group_errors(dioptra, alice, public_id):
    dioptra.groups.create("vision-lab")
    dioptra.queues.create(public_id, "cpu")

    with pytest.raises(DioptraConflictError):
        dioptra.groups.create("vision-lab")
    with pytest.raises(DioptraConflictError, match="cannot be deleted"):
        dioptra.groups.delete_by_id(public_id)
    with pytest.raises(DioptraValidationError):
        dioptra.groups.create("")


def test_members(dioptra, alice, bob):
    bob_client, bob_user = bob
    group = dioptra.groups.create("vision-lab")

    added = dioptra.groups.members.add(group["id"], bob_user["id"])
    assert added["permissions"] == READ_ONLY
    assert bob_client.groups.get_by_id(group["id"])["name"] == "vision-lab"
    with pytest.raises(DioptraForbiddenError):
        bob_client.groups.members.modify(group["id"], bob_user["id"], admin=True)

    changed = dioptra.groups.members.modify(group["id"], bob_user["id"], write=True)
    assert changed["permissions"] == {**READ_ONLY, "write": True}
    members = dioptra.groups.members.get(group["id"])
    assert [m["user"]["username"] for m in members] == ["alice", "bob"]
    member = dioptra.groups.members.get_by_id(group["id"], bob_user["id"])
    assert member["user"]["id"] == bob_user["id"]
    with pytest.raises(DioptraConflictError):
        dioptra.groups.members.add(group["id"], bob_user["id"])

    removed = dioptra.groups.members.remove(group["id"], bob_user["id"])
    assert removed == {"status": "Success", "id": [bob_user["id"]]}
    with pytest.raises(DioptraNotFoundError):
        bob_client.groups.get_by_id(group["id"])


def test_the_last_owner_stays(dioptra, alice):
    group = dioptra.groups.create("vision-lab")

    with pytest.raises(DioptraValidationError, match="at least one owner"):
        dioptra.groups.members.modify(group["id"], alice["id"], owner=False)


# API tokens ------------------------------------------------------------------------------


def test_a_token_authenticates_a_new_client(api_address, dioptra, alice, public_id):
    created = dioptra.users.create_token("nightly CI")

    with connect_json_dioptra_client(api_address, token=created["token"]) as scripted:
        assert scripted.users.get_current()["username"] == "alice"
        queue = scripted.queues.create(public_id, "cpu")
    assert queue["user"]["username"] == "alice"
    (listed,) = dioptra.users.get_tokens()["data"]
    assert listed["name"] == "nightly CI"
    assert "token" not in listed


def test_token_from_the_environment(api_address, dioptra, alice, monkeypatch):
    monkeypatch.setenv("DIOPTRA_API_TOKEN", dioptra.users.create_token("env")["token"])

    with connect_json_dioptra_client(api_address) as scripted:
        assert scripted.users.get_current()["username"] == "alice"


def test_revoked_token_stops_working(api_address, dioptra, alice):
    created = dioptra.users.create_token("laptop")

    answer = dioptra.users.revoke_token(created["id"])

    assert answer == {"status": "Success", "id": [created["id"]]}
    with (
        connect_json_dioptra_client(api_address, token=created["token"]) as scripted,
        pytest.raises(DioptraAuthError),
    ):
        scripted.users.get_current()
    with pytest.raises(DioptraNotFoundError):
        dioptra.users.revoke_token(424242)


# NIST's own client ------------------------------------------------------------------------


def test_official_client_account_calls(api_address, dioptra, alice):
    from dioptra.client import connect_json_dioptra_client as connect_official

    official = connect_official(api_address)
    try:
        official.auth.login("alice", PASSWORD)
        changed = official.users.modify_current_user("alicia", "alicia@example.org")
        official.users.change_current_user_password(PASSWORD, NEW_PASSWORD)
        official.users.change_password_by_id(alice["id"], NEW_PASSWORD, PASSWORD)
        official.auth.login("alicia", PASSWORD)
        deleted = official.users.delete_current_user(PASSWORD)
    finally:
        official.close()

    assert changed["username"] == "alicia"
    assert deleted == {"status": "Success", "id": [alice["id"]]}
    with pytest.raises(DioptraAuthError):
        dioptra.auth.login("alicia", PASSWORD)
