"""Group pages: create a group, rename it and delete it (owners and admins only)."""

import pytest
from django.urls import reverse

from experiments.models import PUBLIC_GROUP_NAME, Group
from tests.conftest import logged_in
from tests.factories import GroupFactory, MembershipFactory, QueueFactory

CREATE_URL = reverse("group_create")


def detail_url(group):
    return reverse("group_detail", args=[group.pk])


def edit_url(group):
    return reverse("group_edit", args=[group.pk])


def delete_url(group):
    return reverse("group_delete", args=[group.pk])


@pytest.fixture
def public_owner_client(db):
    membership = MembershipFactory(
        group=GroupFactory(name=PUBLIC_GROUP_NAME), read=True, write=True, owner=True, admin=True
    )
    return logged_in(membership.user)


# Create ----------------------------------------------------------------------------


def test_the_group_list_offers_a_new_group(reader_client):
    page = reader_client.get(reverse("group_list")).content.decode()

    assert f'href="{CREATE_URL}"' in page
    assert "New group" in page


def test_anyone_creates_a_group_and_becomes_its_owner(outsider_client, outsider):
    assert "Create group" in outsider_client.get(CREATE_URL).content.decode()

    response = outsider_client.post(CREATE_URL, {"name": "  vision-lab "})

    group = Group.objects.get(name="vision-lab")
    assert response.status_code == 302
    assert response["Location"] == detail_url(group)
    membership = group.memberships.get()
    assert membership.user == outsider
    assert (membership.read, membership.write, membership.owner, membership.admin) == (
        True,
        True,
        True,
        True,
    )
    page = outsider_client.get(response["Location"]).content.decode()
    assert "Group vision-lab created; you are its owner." in page
    assert edit_url(group) in page


def test_htmx_create_redirects_the_browser(outsider_client, htmx_headers):
    response = outsider_client.post(CREATE_URL, {"name": "audio"}, **htmx_headers)

    assert response["HX-Redirect"] == detail_url(Group.objects.get(name="audio"))


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "A name is required."),
        ("   ", "A name is required."),
        ("g" * 300, "Names are at most 255 characters long (this one has 300)."),
        ("team", "The group name &#x27;team&#x27; is already taken."),
    ],
)
def test_bad_names_are_explained_in_the_form_fragment(
    outsider_client, team, htmx_headers, name, message
):
    response = outsider_client.post(CREATE_URL, {"name": name}, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="group-form">')
    assert message in page
    assert Group.objects.count() == 1


def test_a_refused_name_without_htmx_shows_the_whole_page(outsider_client, team):
    response = outsider_client.post(CREATE_URL, {"name": "team"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page
    assert "The group name &#x27;team&#x27; is already taken." in page


# Rename ----------------------------------------------------------------------------


def test_a_manager_renames_the_group(admin_client_, team):
    form = admin_client_.get(edit_url(team)).content.decode()
    assert 'value="team"' in form

    response = admin_client_.post(edit_url(team), {"name": "red-team"})

    team.refresh_from_db()
    assert team.name == "red-team"
    assert response["Location"] == detail_url(team)
    assert "Group red-team saved." in admin_client_.get(detail_url(team)).content.decode()


def test_htmx_rename_redirects_the_browser(admin_client_, team, htmx_headers):
    response = admin_client_.post(edit_url(team), {"name": "blue-team"}, **htmx_headers)

    assert response["HX-Redirect"] == detail_url(team)
    team.refresh_from_db()
    assert team.name == "blue-team"


def test_renaming_to_a_taken_name_keeps_the_old_one(admin_client_, team, htmx_headers):
    GroupFactory(name="taken")

    response = admin_client_.post(edit_url(team), {"name": "taken"}, **htmx_headers)
    page = admin_client_.post(edit_url(team), {"name": "taken"}).content.decode()

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "The group name &#x27;taken&#x27; is already taken." in response.content.decode()
    assert "<title>Rename team" in page  # the page title is not the refused name
    team.refresh_from_db()
    assert team.name == "team"


def test_the_public_group_cannot_be_renamed(public_owner_client):
    public = Group.objects.get(name=PUBLIC_GROUP_NAME)

    response = public_owner_client.post(edit_url(public), {"name": "everyone"})

    assert response.status_code == 200
    assert "The public group every user joins cannot be renamed." in response.content.decode()
    public.refresh_from_db()
    assert public.name == PUBLIC_GROUP_NAME


# Who may ---------------------------------------------------------------------------


def test_plain_members_get_403_on_rename_and_delete(writer_client, team):
    responses = [
        writer_client.get(edit_url(team)),
        writer_client.post(edit_url(team), {"name": "mine-now"}),
        writer_client.get(delete_url(team)),
        writer_client.post(delete_url(team)),
    ]

    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    team.refresh_from_db()
    assert team.name == "team"


def test_outsiders_get_404_on_rename_and_delete(outsider_client, team):
    responses = [
        outsider_client.get(edit_url(team)),
        outsider_client.post(edit_url(team), {"name": "mine-now"}),
        outsider_client.get(delete_url(team)),
        outsider_client.post(delete_url(team)),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert Group.objects.filter(name="team").exists()


def test_anonymous_visitors_are_sent_to_log_in(client, team):
    for response in [
        client.get(CREATE_URL),
        client.post(CREATE_URL, {"name": "anon"}),
        client.get(edit_url(team)),
        client.post(delete_url(team)),
    ]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert list(Group.objects.values_list("name", flat=True)) == ["team"]


def test_only_managers_see_rename_and_delete(admin_client_, writer_client, team):
    managed = admin_client_.get(detail_url(team)).content.decode()
    plain = writer_client.get(detail_url(team)).content.decode()

    assert edit_url(team) in managed and delete_url(team) in managed
    assert edit_url(team) not in plain and delete_url(team) not in plain


def test_the_public_group_page_offers_neither_rename_nor_delete(public_owner_client):
    public = Group.objects.get(name=PUBLIC_GROUP_NAME)

    page = public_owner_client.get(detail_url(public)).content.decode()

    assert reverse("member_add", args=[public.pk]) in page  # a manager of it
    assert edit_url(public) not in page
    assert delete_url(public) not in page


# Delete ----------------------------------------------------------------------------


def test_a_manager_deletes_an_empty_group_after_confirming(admin_client_, team):
    confirmation = admin_client_.get(delete_url(team)).content.decode()

    response = admin_client_.post(delete_url(team))

    assert "Delete the group <strong>team</strong>?" in confirmation
    assert response["Location"] == reverse("group_list")
    assert not Group.objects.filter(pk=team.pk).exists()
    assert "Group team deleted." in admin_client_.get(reverse("group_list")).content.decode()


def test_htmx_delete_redirects_the_browser(admin_client_, team, htmx_headers):
    response = admin_client_.post(delete_url(team), **htmx_headers)

    assert response["HX-Redirect"] == reverse("group_list")
    assert not Group.objects.filter(pk=team.pk).exists()


def test_a_group_that_owns_resources_is_not_deleted(admin_client_, team):
    QueueFactory(group=team)

    response = admin_client_.post(delete_url(team), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == [(detail_url(team), 302)]
    assert (
        "The group &#x27;team&#x27; still owns resources (1 queues). "
        "Delete them or move them to another group first." in response.content.decode()
    )
    assert Group.objects.filter(pk=team.pk).exists()


def test_the_public_group_cannot_be_deleted(public_owner_client):
    public = Group.objects.get(name=PUBLIC_GROUP_NAME)

    response = public_owner_client.post(delete_url(public), follow=True)

    assert response.status_code == 200
    assert "The public group every user joins cannot be deleted." in response.content.decode()
    assert Group.objects.filter(pk=public.pk).exists()
