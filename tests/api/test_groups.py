import pytest

from tests.api.conftest import send
from tests.conftest import logged_in
from tests.factories import GroupFactory, MembershipFactory, UserFactory

URL = "/api/v1/groups"
GROUP_KEYS = {"id", "name", "user", "members", "createdOn", "lastModifiedOn"}


@pytest.mark.parametrize("suffix", ["", "/"])
def test_member_sees_their_groups_with_members(reader, writer, team, suffix):
    GroupFactory()  # not theirs

    page = logged_in(reader).get(URL + suffix).json()

    assert [g["id"] for g in page["data"]] == [team.pk]
    group = page["data"][0]
    assert set(group) == GROUP_KEYS
    assert group["user"]["id"] == team.creator_id
    members = {m["user"]["id"]: m for m in group["members"]}
    assert set(members) == {reader.pk, writer.pk}
    assert members[writer.pk]["permissions"] == {
        "read": True,
        "write": True,
        "shareRead": False,
        "shareWrite": False,
        "owner": False,
        "admin": False,
    }
    assert members[writer.pk]["group"]["id"] == team.pk


def test_group_by_id(reader, outsider, team, anonymous):
    assert set(logged_in(reader).get(f"{URL}/{team.pk}/").json()) == GROUP_KEYS
    assert logged_in(outsider).get(f"{URL}/{team.pk}").status_code == 404
    assert anonymous.get(f"{URL}/{team.pk}").status_code == 401


def test_superuser_sees_every_group(team):
    GroupFactory()

    page = logged_in(UserFactory(is_superuser=True)).get(URL).json()

    assert page["totalNumResults"] == 2


def test_only_managers_change_a_group(writer, team):
    # Creating, renaming and deleting groups: see test_groups_manage.py.
    assert send(logged_in(writer), "PUT", f"{URL}/{team.pk}", {"name": "x"}).status_code == 403
    assert send(logged_in(writer), "DELETE", f"{URL}/{team.pk}").status_code == 403


def test_search_groups_by_name(writer, team):
    other = GroupFactory(name="vision-lab")
    MembershipFactory(group=other, user=writer)

    page = logged_in(writer).get(URL, {"search": "name:vision*"}).json()

    assert [g["name"] for g in page["data"]] == ["vision-lab"]


@pytest.mark.parametrize("count", [3, 15])
def test_list_query_count_does_not_grow(writer, count, django_assert_num_queries):
    for _ in range(count):
        group = GroupFactory()
        MembershipFactory(group=group, user=writer)
        MembershipFactory(group=group)
    client = logged_in(writer)

    # user, count, rows (with creators), memberships (with users)
    with django_assert_num_queries(4):
        response = client.get(URL, {"pageLength": 100})
    assert len(response.json()["data"]) == count + 1
