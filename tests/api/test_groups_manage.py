"""Creating, renaming and deleting groups and managing their members through
the API (beyond Dioptra), under the same rules as the group pages."""

import pytest

from experiments.models import PUBLIC_GROUP_NAME, Group, GroupMembership
from tests.api.conftest import ERROR_KEYS, send
from tests.api.test_groups import GROUP_KEYS
from tests.conftest import logged_in
from tests.factories import GroupFactory, MembershipFactory, QueueFactory, UserFactory

URL = "/api/v1/groups"
MEMBER_KEYS = {"user", "group", "permissions"}
ALL_PERMISSIONS = dict.fromkeys(
    ["read", "write", "shareRead", "shareWrite", "owner", "admin"], True
)
READ_ONLY = {**dict.fromkeys(ALL_PERMISSIONS, False), "read": True}


def members_url(group, user=None) -> str:
    return f"{URL}/{group.pk}/members" + (f"/{user.pk}" if user else "")


# Groups --------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_create_group_makes_the_creator_owner_and_admin(outsider, suffix):
    response = send(logged_in(outsider), "POST", URL + suffix, {"name": " vision-lab "})

    assert response.status_code == 200
    group = response.json()
    assert set(group) == GROUP_KEYS
    assert group["name"] == "vision-lab"
    assert group["user"]["id"] == outsider.pk
    assert group["members"] == [
        {
            "user": {
                "id": outsider.pk,
                "username": outsider.username,
                "url": f"/api/v1/users/{outsider.pk}",
            },
            "group": {
                "id": group["id"],
                "name": "vision-lab",
                "url": f"/api/v1/groups/{group['id']}",
            },
            "permissions": ALL_PERMISSIONS,
        }
    ]
    assert logged_in(outsider).get(f"{URL}/{group['id']}").status_code == 200


def test_create_group_errors(writer, team, anonymous):
    client = logged_in(writer)

    taken = send(client, "POST", URL, {"name": "team"})
    blank = send(client, "POST", URL, {"name": "  "})
    unknown = send(client, "POST", URL, {"name": "x", "id": 4})

    assert taken.status_code == 409
    assert set(taken.json()) == ERROR_KEYS
    assert taken.json()["error"] == "EntityExistsError"
    assert taken.json()["detail"]["existing_id"] == team.pk
    assert blank.json() == {"errors": {"name": ["A name is required."]}}
    assert unknown.json() == {"errors": {"id": ["Unknown field."]}}
    assert send(anonymous, "POST", URL, {"name": "x"}).status_code == 401
    assert Group.objects.count() == 1


@pytest.mark.parametrize("suffix", ["", "/"])
def test_managers_rename_a_group(group_admin, team, suffix):
    response = send(logged_in(group_admin), "PUT", f"{URL}/{team.pk}{suffix}", {"name": "red"})

    assert response.status_code == 200
    assert set(response.json()) == GROUP_KEYS
    assert response.json()["name"] == "red"
    team.refresh_from_db()
    assert team.name == "red"


def test_rename_permissions_and_conflicts(group_admin, reader, outsider, team, anonymous):
    GroupFactory(name="blue")
    path = f"{URL}/{team.pk}"

    assert send(logged_in(reader), "PUT", path, {"name": "x"}).status_code == 403
    assert send(logged_in(outsider), "PUT", path, {"name": "x"}).status_code == 404
    assert send(anonymous, "PUT", path, {"name": "x"}).status_code == 401
    taken = send(logged_in(group_admin), "PUT", path, {"name": "blue"})
    assert taken.status_code == 409
    assert send(logged_in(group_admin), "PUT", path, {"name": "team"}).status_code == 200
    assert send(logged_in(group_admin), "PUT", path, {}).status_code == 400


def test_public_group_is_neither_renamed_nor_deleted(db):
    owner = UserFactory()
    public = GroupFactory(name=PUBLIC_GROUP_NAME, creator=owner)
    MembershipFactory(group=public, user=owner, owner=True, admin=True)
    client = logged_in(owner)

    renamed = send(client, "PUT", f"{URL}/{public.pk}", {"name": "everyone"})
    deleted = send(client, "DELETE", f"{URL}/{public.pk}")

    assert renamed.status_code == 409
    assert "cannot be renamed" in renamed.json()["message"]
    assert deleted.status_code == 409
    assert Group.objects.filter(name=PUBLIC_GROUP_NAME).exists()


@pytest.mark.parametrize("suffix", ["", "/"])
def test_managers_delete_an_empty_group(group_admin, reader, team, suffix):
    response = send(logged_in(group_admin), "DELETE", f"{URL}/{team.pk}{suffix}")

    assert response.status_code == 200
    assert response.json() == {"status": "Success", "id": [team.pk]}
    assert not Group.objects.filter(pk=team.pk).exists()
    assert not GroupMembership.objects.filter(group_id=team.pk).exists()


def test_delete_permissions(reader, writer, outsider, team, anonymous):
    path = f"{URL}/{team.pk}"

    assert send(logged_in(writer), "DELETE", path).status_code == 403
    assert send(logged_in(reader), "DELETE", path).status_code == 403
    assert send(logged_in(outsider), "DELETE", path).status_code == 404
    assert send(anonymous, "DELETE", path).status_code == 401
    assert Group.objects.filter(pk=team.pk).exists()


def test_a_group_owning_resources_is_not_deleted(group_admin, team):
    QueueFactory(group=team)
    QueueFactory(group=team)

    response = send(logged_in(group_admin), "DELETE", f"{URL}/{team.pk}")

    assert response.status_code == 409
    assert "still owns resources (2 queues)" in response.json()["message"]
    assert Group.objects.filter(pk=team.pk).exists()


def test_deleted_resources_still_keep_their_group(group_admin, team):
    QueueFactory(group=team).soft_delete()

    response = send(logged_in(group_admin), "DELETE", f"{URL}/{team.pk}")

    assert response.status_code == 409
    assert "deleted resources, kept for their history" in response.json()["message"]


# Members -----------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_members_list(reader, writer, team, suffix):
    response = logged_in(reader).get(members_url(team) + suffix)

    assert response.status_code == 200
    members = response.json()
    assert all(set(member) == MEMBER_KEYS for member in members)
    assert [m["user"]["id"] for m in members] == [reader.pk, writer.pk]
    assert members[0]["permissions"] == READ_ONLY


def test_members_list_permissions(outsider, team, anonymous):
    assert logged_in(outsider).get(members_url(team)).status_code == 404
    assert anonymous.get(members_url(team)).status_code == 401
    assert logged_in(outsider).get(f"{URL}/424242/members").status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_members_list_query_count_does_not_grow(reader, team, count, django_assert_num_queries):
    MembershipFactory.create_batch(count, group=team)
    client = logged_in(reader)

    # user, group (with creator), memberships (with users)
    with django_assert_num_queries(3):
        response = client.get(members_url(team))
    assert len(response.json()) == count + 1


@pytest.mark.parametrize("suffix", ["", "/"])
def test_managers_add_members(group_admin, outsider, team, suffix):
    body = {"user": outsider.pk, "permissions": {"write": True}}

    response = send(logged_in(group_admin), "POST", members_url(team) + suffix, body)

    assert response.status_code == 200
    member = response.json()
    assert set(member) == MEMBER_KEYS
    assert member["user"]["id"] == outsider.pk
    assert member["group"]["id"] == team.pk
    assert member["permissions"] == {**READ_ONLY, "write": True}
    assert logged_in(outsider).get(f"{URL}/{team.pk}").status_code == 200


def test_added_member_defaults_to_read_only(group_admin, outsider, team):
    response = send(logged_in(group_admin), "POST", members_url(team), {"user": outsider.pk})

    assert response.json()["permissions"] == READ_ONLY


def test_add_member_errors(group_admin, writer, reader, outsider, team, anonymous):
    admin = logged_in(group_admin)
    gone = UserFactory(is_active=False)

    again = send(admin, "POST", members_url(team), {"user": reader.pk})
    unknown = send(admin, "POST", members_url(team), {"user": 424242})
    inactive = send(admin, "POST", members_url(team), {"user": gone.pk})
    bad_flag = send(
        admin, "POST", members_url(team), {"user": outsider.pk, "permissions": {"x": 1}}
    )
    not_bool = send(
        admin, "POST", members_url(team), {"user": outsider.pk, "permissions": {"read": "yes"}}
    )

    assert again.status_code == 409
    assert f"{reader.username} is already a member of team." in again.json()["message"]
    assert unknown.status_code == 404
    assert inactive.status_code == 404
    assert bad_flag.json() == {"errors": {"permissions": {"x": ["Unknown field."]}}}
    assert not_bool.json() == {"errors": {"permissions": {"read": ["Not a valid boolean."]}}}
    body = {"user": outsider.pk}
    assert send(logged_in(writer), "POST", members_url(team), body).status_code == 403
    assert send(logged_in(outsider), "POST", members_url(team), body).status_code == 404
    assert send(anonymous, "POST", members_url(team), body).status_code == 401
    assert not team.memberships.filter(user=outsider).exists()


@pytest.mark.parametrize("suffix", ["", "/"])
def test_managers_change_permissions(group_admin, reader, team, suffix):
    body = {"permissions": {"write": True, "shareRead": True}}

    response = send(logged_in(group_admin), "PUT", members_url(team, reader) + suffix, body)

    assert response.status_code == 200
    assert set(response.json()) == MEMBER_KEYS
    assert response.json()["permissions"] == {**READ_ONLY, "write": True, "shareRead": True}
    membership = team.memberships.get(user=reader)
    assert (membership.write, membership.share_read, membership.read) == (True, True, True)


def test_member_by_id(reader, writer, outsider, team):
    response = logged_in(reader).get(members_url(team, writer))

    assert response.status_code == 200
    assert response.json()["user"]["id"] == writer.pk
    assert logged_in(reader).get(members_url(team, outsider)).status_code == 404


def test_change_member_errors(group_admin, reader, writer, outsider, team):
    owner = team.memberships.create(user=UserFactory(), owner=True)
    admin = logged_in(group_admin)
    body = {"permissions": {"write": True}}

    last_owner = send(
        admin, "PUT", members_url(team, owner.user), {"permissions": {"owner": False}}
    )
    not_member = send(admin, "PUT", members_url(team, outsider), body)
    missing = send(admin, "PUT", members_url(team, reader), {})

    assert last_owner.status_code == 400
    assert "A group must keep at least one owner." in last_owner.json()["message"]
    assert not_member.status_code == 404
    assert missing.json() == {"errors": {"permissions": ["Missing data for required field."]}}
    assert send(logged_in(writer), "PUT", members_url(team, reader), body).status_code == 403
    assert send(logged_in(outsider), "PUT", members_url(team, reader), body).status_code == 404
    assert not team.memberships.get(user=reader).write


@pytest.mark.parametrize("suffix", ["", "/"])
def test_managers_remove_members(group_admin, reader, team, suffix):
    response = send(logged_in(group_admin), "DELETE", members_url(team, reader) + suffix)

    assert response.status_code == 200
    assert response.json() == {"status": "Success", "id": [reader.pk]}
    assert logged_in(reader).get(f"{URL}/{team.pk}").status_code == 404


def test_remove_member_errors(group_admin, reader, writer, outsider, team, anonymous):
    owner = team.memberships.create(user=UserFactory(), owner=True)

    last_owner = send(logged_in(group_admin), "DELETE", members_url(team, owner.user))

    assert last_owner.status_code == 400
    assert send(logged_in(writer), "DELETE", members_url(team, reader)).status_code == 403
    assert send(logged_in(outsider), "DELETE", members_url(team, reader)).status_code == 404
    assert send(anonymous, "DELETE", members_url(team, reader)).status_code == 401
    not_member = send(logged_in(group_admin), "DELETE", members_url(team, outsider))
    assert not_member.status_code == 404
    assert team.memberships.count() == 4
