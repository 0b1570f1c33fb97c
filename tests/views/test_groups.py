"""Group pages: members seen by all members, managed in the page by owners and admins."""

import re

from django.urls import reverse

from experiments.models import GroupMembership
from tests.factories import MembershipFactory, UserFactory


def detail_url(group):
    return reverse("group_detail", args=[group.pk])


def flags(**on):
    return {name: "on" for name, value in on.items() if value}


def test_members_see_their_groups_and_access(reader_client, team):
    page = reader_client.get(reverse("group_list")).content.decode()

    assert detail_url(team) in page
    assert "read-only" in page


def test_the_group_page_lists_members_without_controls_for_non_managers(
    reader_client, writer, team
):
    page = reader_client.get(detail_url(team)).content.decode()

    assert writer.username in page
    assert reverse("member_add", args=[team.pk]) not in page
    assert "Only the group's owners and admins change its members." in page


def test_outsiders_get_404(outsider_client, team):
    assert outsider_client.get(detail_url(team)).status_code == 404
    assert outsider_client.post(reverse("member_add", args=[team.pk])).status_code == 404


def test_non_managers_get_403_on_every_member_change(writer_client, writer, reader, team):
    membership = GroupMembership.objects.get(user=reader)
    newcomer = UserFactory()

    responses = [
        writer_client.post(reverse("member_add", args=[team.pk]), {"username": newcomer.username}),
        writer_client.post(
            reverse("member_edit", args=[team.pk, membership.pk]), flags(read=True, write=True)
        ),
        writer_client.post(reverse("member_remove", args=[team.pk, membership.pk])),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403]
    membership.refresh_from_db()
    assert not membership.write
    assert not team.memberships.filter(user=newcomer).exists()


def test_admin_adds_a_member_by_username(admin_client_, team, htmx_headers):
    newcomer = UserFactory(username="newcomer")

    response = admin_client_.post(
        reverse("member_add", args=[team.pk]),
        {"username": " newcomer ", **flags(read=True, write=True)},
        **htmx_headers,
    )

    membership = team.memberships.get(user=newcomer)
    assert (membership.read, membership.write, membership.admin) == (True, True, False)
    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<div class="card shadow-sm" id="members">')
    assert "newcomer" in page


def test_adding_an_unknown_or_present_user_is_explained(admin_client_, reader, team):
    add_url = reverse("member_add", args=[team.pk])

    unknown = admin_client_.post(add_url, {"username": "nobody"}).content.decode()
    present = admin_client_.post(add_url, {"username": reader.username}).content.decode()

    assert "There is no user named &#x27;nobody&#x27;." in unknown
    assert f"{reader.username} is already a member of team." in present


def test_admin_changes_a_members_flags(admin_client_, reader, team):
    membership = GroupMembership.objects.get(user=reader)

    response = admin_client_.post(
        reverse("member_edit", args=[team.pk, membership.pk]),
        {f"member-{membership.pk}-{name}": "on" for name in ["read", "write", "share_read"]},
    )

    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.read, membership.write, membership.share_read) == (True, True, True)
    assert (membership.owner, membership.admin) == (False, False)


def test_the_last_owner_cannot_give_up_ownership(team, htmx_headers):
    from tests.conftest import logged_in

    owner = MembershipFactory(group=team, read=True, write=True, owner=True)
    client = logged_in(owner.user)

    response = client.post(
        reverse("member_edit", args=[team.pk, owner.pk]),
        {f"member-{owner.pk}-read": "on"},
        **htmx_headers,
    )

    assert "A group must keep at least one owner." in response.content.decode()
    owner.refresh_from_db()
    assert owner.owner
    removal = client.post(reverse("member_remove", args=[team.pk, owner.pk]), **htmx_headers)
    assert "A group must keep at least one owner." in removal.content.decode()
    assert team.memberships.filter(pk=owner.pk).exists()


def test_admin_removes_a_member_after_confirming(admin_client_, reader, team):
    membership = GroupMembership.objects.get(user=reader)
    remove_url = reverse("member_remove", args=[team.pk, membership.pk])

    confirmation = admin_client_.get(remove_url).content.decode()
    response = admin_client_.post(remove_url)

    assert f"Remove <strong>{reader.username}</strong> from <strong>team</strong>?" in confirmation
    assert response["Location"] == detail_url(team)
    assert not team.memberships.filter(user=reader).exists()
    page = admin_client_.get(detail_url(team)).content.decode()
    assert f"{reader.username} was removed from team." in page


def test_managers_see_the_member_controls(admin_client_, reader, team):
    membership = GroupMembership.objects.get(user=reader)

    page = admin_client_.get(detail_url(team)).content.decode()

    assert reverse("member_add", args=[team.pk]) in page
    assert reverse("member_edit", args=[team.pk, membership.pk]) in page
    assert f'hx-confirm="Remove {reader.username} from team?"' in page


def test_group_list_query_count_does_not_grow(reader, reader_client, django_assert_num_queries):
    from tests.factories import GroupFactory

    def join(count):
        for _ in range(count):
            MembershipFactory(group=GroupFactory(), user=reader)

    join(1)
    # user, groups with member counts, the user's own memberships
    with django_assert_num_queries(3):
        reader_client.get(reverse("group_list"))
    join(10)
    with django_assert_num_queries(3):
        response = reader_client.get(reverse("group_list"))

    assert len(re.findall(r'href="/groups/\d+/"', response.content.decode())) == 12
