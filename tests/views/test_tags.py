"""Tag pages: who sees and changes what, create and rename errors, delete,
the list (search, empty state, query count) and the resources a tag labels."""

import pytest
from django.urls import reverse

from experiments.models import MLModel, Tag
from tests.factories import (
    EntrypointFactory,
    ExperimentFactory,
    GroupFactory,
    MembershipFactory,
    PluginFactory,
    QueueFactory,
    TagFactory,
)

LIST_URL = reverse("tag_list")
CREATE_URL = reverse("tag_create")


def tag_url(action: str, tag: Tag) -> str:
    return reverse(f"tag_{action}", args=[tag.pk])


# Who may see and change what ----------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/tags/", "/tags/new/", "/tags/1/", "/tags/1/edit/", "/tags/1/delete/"]
)
def test_anonymous_users_are_sent_to_log_in(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


@pytest.mark.parametrize("action", ["detail", "edit", "delete"])
def test_outsiders_get_404_for_tags_of_other_groups(outsider_client, team, action):
    tag = TagFactory(group=team)

    assert outsider_client.get(tag_url(action, tag)).status_code == 404
    assert outsider_client.post(tag_url("delete", tag)).status_code == 404
    assert Tag.objects.filter(pk=tag.pk).exists()


def test_outsiders_do_not_see_other_groups_tags_in_the_list(outsider_client, team):
    TagFactory(group=team, name="team-secret")

    page = outsider_client.get(LIST_URL).content.decode()

    assert "team-secret" not in page


def test_readers_see_the_tag_without_edit_or_delete_buttons(reader_client, team):
    tag = TagFactory(group=team, name="mnist")

    detail = reader_client.get(tag_url("detail", tag)).content.decode()
    listing = reader_client.get(LIST_URL).content.decode()

    assert "mnist" in detail and "read-only" in detail
    assert tag_url("edit", tag) not in detail and tag_url("delete", tag) not in detail
    assert "mnist" in listing
    assert tag_url("edit", tag) not in listing and tag_url("delete", tag) not in listing


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_readers_may_not_rename_or_delete(reader_client, team, action):
    tag = TagFactory(group=team, name="mnist")

    assert reader_client.get(tag_url(action, tag)).status_code == 403
    assert reader_client.post(tag_url(action, tag), {"name": "renamed"}).status_code == 403
    tag.refresh_from_db()
    assert tag.name == "mnist"


def test_writers_get_edit_and_delete_buttons(writer_client, team):
    tag = TagFactory(group=team)

    detail = writer_client.get(tag_url("detail", tag)).content.decode()
    listing = writer_client.get(LIST_URL).content.decode()

    for page in (detail, listing):
        assert tag_url("edit", tag) in page and tag_url("delete", tag) in page


# Create -----------------------------------------------------------------------------


def test_writer_creates_a_tag_and_lands_on_it(writer_client, writer, team):
    response = writer_client.post(CREATE_URL, {"group": team.pk, "name": "mnist"})

    tag = Tag.objects.get(name="mnist")
    assert response.status_code == 302
    assert response["Location"] == tag_url("detail", tag)
    assert (tag.group, tag.creator) == (team, writer)
    assert "Tag mnist created." in writer_client.get(response["Location"]).content.decode()


def test_htmx_create_redirects_the_browser(writer_client, team, htmx_headers):
    response = writer_client.post(CREATE_URL, {"group": team.pk, "name": "gpu"}, **htmx_headers)

    assert response["HX-Redirect"] == tag_url("detail", Tag.objects.get())


def test_the_form_offers_only_groups_the_user_may_write_to(writer_client, writer, team):
    MembershipFactory(group=GroupFactory(name="read-only-group"), user=writer, write=False)

    page = writer_client.get(CREATE_URL).content.decode()

    assert ">team<" in page
    assert "read-only-group" not in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "A name is required."),
        ("   ", "A name is required."),
        ("t" * 300, "Names are at most 255 characters long (this one has 300)."),
        ("taken", "The tag name &#x27;taken&#x27; is already taken in this group."),
    ],
)
def test_bad_names_are_explained_in_the_form_fragment(
    writer_client, team, htmx_headers, name, message
):
    TagFactory(group=team, name="taken")

    response = writer_client.post(CREATE_URL, {"group": team.pk, "name": name}, **htmx_headers)

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert message in response.content.decode()
    assert Tag.objects.count() == 1


def test_the_same_name_is_free_in_another_group(writer_client, team):
    TagFactory(name="mnist")  # another group's

    writer_client.post(CREATE_URL, {"group": team.pk, "name": "mnist"})

    assert Tag.objects.filter(group=team, name="mnist").exists()


def test_a_group_the_user_is_not_in_is_refused(writer_client, team):
    foreign = GroupFactory()

    response = writer_client.post(CREATE_URL, {"group": foreign.pk, "name": "sneaky"})

    assert response.status_code == 200
    assert "you need write access to it" in response.content.decode()
    assert not Tag.objects.exists()


def test_a_reader_cannot_create_tags_in_a_read_only_group(reader_client, team):
    page = reader_client.get(CREATE_URL).content.decode()
    refused = reader_client.post(CREATE_URL, {"group": team.pk, "name": "sneaky"})

    assert "You cannot create tags" in page
    assert refused.status_code == 200
    assert not Tag.objects.exists()


# Rename and delete ------------------------------------------------------------------


def test_rename_and_the_old_name_stays_on_error(writer_client, team):
    TagFactory(group=team, name="taken")
    tag = TagFactory(group=team, name="mine")

    refused = writer_client.post(tag_url("edit", tag), {"name": "taken"})
    tag.refresh_from_db()
    assert refused.status_code == 200
    assert tag.name == "mine"
    assert "Rename mine" in refused.content.decode()  # the page title is not the refused name
    assert "already taken in this group" in refused.content.decode()

    response = writer_client.post(tag_url("edit", tag), {"name": "renamed"})
    tag.refresh_from_db()
    assert response["Location"] == tag_url("detail", tag)
    assert tag.name == "renamed"


def test_rename_to_a_blank_name_is_a_form_error(writer_client, team, htmx_headers):
    tag = TagFactory(group=team, name="mine")

    response = writer_client.post(tag_url("edit", tag), {"name": ""}, **htmx_headers)

    tag.refresh_from_db()
    assert response.status_code == 200
    assert "A name is required." in response.content.decode()
    assert tag.name == "mine"


def test_delete_asks_first_then_detaches_the_tag_from_its_resources(writer_client, team):
    tag = TagFactory(group=team, name="doomed")
    queue = QueueFactory(group=team)
    queue.tags.add(tag)

    confirm = writer_client.get(tag_url("delete", tag))
    assert "Delete the tag <strong>doomed</strong>" in confirm.content.decode()
    assert Tag.objects.filter(pk=tag.pk).exists()

    response = writer_client.post(tag_url("delete", tag))

    assert response["Location"] == LIST_URL
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert not queue.tags.exists()
    assert "Tag doomed deleted." in writer_client.get(LIST_URL).content.decode()


# List -------------------------------------------------------------------------------


def test_empty_tag_list_says_how_to_start(writer_client, team):
    page = writer_client.get(LIST_URL).content.decode()

    assert "No tags yet." in page
    assert CREATE_URL in page


def test_empty_tag_list_tells_a_reader_to_ask_for_write_access(reader_client, team):
    page = reader_client.get(LIST_URL).content.decode()

    assert "Ask a group owner for write access to create tags." in page
    assert CREATE_URL not in page


def test_list_search_by_name(writer_client, team, htmx_headers):
    TagFactory(group=team, name="mnist-baseline")
    TagFactory(group=team, name="cifar")

    found = writer_client.get(LIST_URL, {"q": "MNIST"}, **htmx_headers).content.decode()
    none = writer_client.get(LIST_URL, {"q": "imagenet"}).content.decode()

    assert "mnist-baseline" in found and "cifar" not in found
    assert "<html" not in found  # htmx gets only the table
    assert "No tag matches “imagenet”." in none


def test_list_counts_the_resources_carrying_each_tag(writer_client, team):
    tag = TagFactory(group=team, name="mnist")
    QueueFactory(group=team).tags.add(tag)
    ExperimentFactory(group=team).tags.add(tag)
    QueueFactory().tags.add(tag)  # in a group the writer may not read: not counted

    page = writer_client.get(LIST_URL).content.decode()

    assert '<td class="text-end font-monospace">2</td>' in page


def test_list_query_count_does_not_grow_with_rows(writer_client, team, django_assert_num_queries):
    def populate(count):
        for _ in range(count):
            tag = TagFactory(group=team)
            QueueFactory(group=team).tags.add(tag)
            EntrypointFactory(group=team).tags.add(tag)

    populate(2)
    # user, count, rows (with resource counts), writable group ids
    with django_assert_num_queries(4):
        writer_client.get(LIST_URL)
    populate(10)
    with django_assert_num_queries(4):
        response = writer_client.get(LIST_URL)

    assert "1–12 of 12 tags" in response.content.decode()


# Detail -----------------------------------------------------------------------------


def test_detail_lists_the_tagged_resources_with_links_to_their_pages(writer_client, team):
    tag = TagFactory(group=team, name="mnist")
    queue = QueueFactory(group=team, name="gpu-lane")
    experiment = ExperimentFactory(group=team, name="mnist-attacks")
    plugin = PluginFactory(group=team, name="attacks_plugin")
    for resource in (queue, experiment, plugin):
        resource.tags.add(tag)
    QueueFactory(group=team, name="untagged-lane")
    QueueFactory(name="hidden-lane").tags.add(tag)  # in a group the writer may not read

    page = writer_client.get(tag_url("detail", tag)).content.decode()

    assert f'href="{reverse("queue_detail", args=[queue.pk])}">gpu-lane<' in page
    assert f'href="{reverse("experiment_detail", args=[experiment.pk])}">mnist-attacks<' in page
    assert f'href="{reverse("plugin_detail", args=[plugin.pk])}">attacks_plugin<' in page
    assert "untagged-lane" not in page
    assert "hidden-lane" not in page


def test_detail_links_models_and_names_the_type_of_each_resource(writer_client, team):
    tag = TagFactory(group=team)
    model = MLModel.objects.create(group=team, creator=team.creator, name="resnet")
    model.tags.add(tag)

    page = writer_client.get(tag_url("detail", tag)).content.decode()

    assert f'href="{reverse("model_detail", args=[model.pk])}">resnet<' in page
    assert '<td class="small text-nowrap">Model</td>' in page


def test_detail_shows_deleted_resources_without_a_link(writer_client, team):
    tag = TagFactory(group=team)
    queue = QueueFactory(group=team, name="gone-lane")
    queue.tags.add(tag)
    queue.soft_delete()

    page = writer_client.get(tag_url("detail", tag)).content.decode()

    assert "gone-lane" in page and "deleted" in page
    assert reverse("queue_detail", args=[queue.pk]) not in page


def test_detail_of_an_unused_tag_says_how_to_attach_it(reader_client, team):
    tag = TagFactory(group=team)

    page = reader_client.get(tag_url("detail", tag)).content.decode()

    assert "No resource you can see carries this tag yet." in page


def test_detail_pages_the_resources_and_htmx_gets_only_the_table(writer_client, team, htmx_headers):
    tag = TagFactory(group=team)
    for index in range(25):
        QueueFactory(group=team, name=f"lane-{index:02}").tags.add(tag)

    first = writer_client.get(tag_url("detail", tag)).content.decode()
    second = writer_client.get(tag_url("detail", tag), {"page": 2}, **htmx_headers)

    assert "1–20 of 25 resources" in first and "lane-00" in first and "lane-24" not in first
    assert "<html" not in second.content.decode()
    assert "lane-24" in second.content.decode() and "lane-00" not in second.content.decode()
