"""The tags card of resource pages: who sees and changes a resource's tags,
attaching and detaching with and without htmx, refusals shown in the card, and
the card on every page of a taggable resource."""

import pytest
from django.urls import reverse

from experiments.tagging import attached_tags
from tests.factories import (
    ArtifactFactory,
    EntrypointFactory,
    ExperimentFactory,
    GroupFactory,
    JobFactory,
    MembershipFactory,
    MLModelFactory,
    PluginFactory,
    PluginFileFactory,
    PluginParameterTypeFactory,
    QueueFactory,
    TagFactory,
)

# How to make a resource of each type with a page, in a group.
MAKERS = {
    "queue": lambda group: QueueFactory(group=group),
    "experiment": lambda group: ExperimentFactory(group=group),
    "entry_point": lambda group: EntrypointFactory(group=group),
    "plugin": lambda group: PluginFactory(group=group),
    "plugin_file": lambda group: PluginFileFactory(group=group),
    "plugin_task_parameter_type": lambda group: PluginParameterTypeFactory(group=group),
    "job": lambda group: JobFactory(experiment__group=group),
    "ml_model": lambda group: MLModelFactory(group=group),
}


def page_url(resource) -> str:
    if resource.resource_type == "plugin_file":
        return reverse("plugin_file_detail", args=[resource.plugin_id, resource.pk])
    name = {
        "entry_point": "entrypoint_detail",
        "plugin_task_parameter_type": "parameter_type_detail",
        "ml_model": "model_detail",
    }.get(resource.resource_type, f"{resource.resource_type}_detail")
    return reverse(name, args=[resource.pk])


def add_url(resource, resource_type: str | None = None) -> str:
    return reverse("resource_tag_add", args=[resource_type or resource.resource_type, resource.pk])


def remove_url(resource, tag) -> str:
    return reverse("resource_tag_remove", args=[resource.resource_type, resource.pk, tag.pk])


def tag_names(resource) -> list[str]:
    return [tag.name for tag in attached_tags(resource)]


@pytest.fixture
def queue(team):
    return QueueFactory(group=team)


# Attaching and detaching ------------------------------------------------------------


def test_writer_attaches_a_tag_and_goes_back_to_the_page(writer_client, team, queue):
    tag = TagFactory(group=team, name="mnist")

    response = writer_client.post(add_url(queue), {"tag": tag.pk})

    assert response.status_code == 302
    assert response["Location"] == page_url(queue)
    assert tag_names(queue) == ["mnist"]
    page = writer_client.get(page_url(queue)).content.decode()
    assert f'href="{reverse("tag_detail", args=[tag.pk])}"' in page
    assert f'action="{remove_url(queue, tag)}"' in page


def test_htmx_attach_answers_the_card_alone(writer_client, team, queue, htmx_headers):
    first = TagFactory(group=team, name="first")
    second = TagFactory(group=team, name="second")
    writer_client.post(add_url(queue), {"tag": first.pk})

    response = writer_client.post(add_url(queue), {"tag": second.pk}, **htmx_headers)

    card = response.content.decode()
    assert response.status_code == 200
    assert card.lstrip().startswith("<div") and 'id="tags-card"' in card and "<html" not in card
    assert card.index(">first<") < card.index(">second<")  # the order they were attached in
    assert "No other tag to add" in card
    assert tag_names(queue) == ["first", "second"]


def test_writer_detaches_a_tag(writer_client, team, queue):
    kept, removed = TagFactory(group=team, name="kept"), TagFactory(group=team, name="gone")
    queue.tags.add(kept, removed)

    response = writer_client.post(remove_url(queue, removed))

    assert response.status_code == 302
    assert response["Location"] == page_url(queue)
    assert tag_names(queue) == ["kept"]


def test_htmx_detach_answers_the_card_offering_the_tag_again(
    writer_client, team, queue, htmx_headers
):
    tag = TagFactory(group=team, name="gone")
    queue.tags.add(tag)

    response = writer_client.post(remove_url(queue, tag), **htmx_headers)

    card = response.content.decode()
    assert response.status_code == 200
    assert "No tags yet." in card
    assert f'<option value="{tag.pk}">gone (team)</option>' in card
    assert tag_names(queue) == []


@pytest.mark.parametrize("resource_type", sorted(MAKERS))
def test_every_resource_type_with_a_page_can_be_tagged(writer_client, team, resource_type):
    resource = MAKERS[resource_type](team)
    tag = TagFactory(group=team)

    added = writer_client.post(add_url(resource), {"tag": tag.pk})
    assert (added.status_code, added["Location"]) == (302, page_url(resource))
    assert tag_names(resource) == [tag.name]

    removed = writer_client.post(remove_url(resource, tag))
    assert (removed.status_code, removed["Location"]) == (302, page_url(resource))
    assert tag_names(resource) == []


# Who may see and change what ----------------------------------------------------------


def test_readers_see_the_tags_without_forms(reader_client, team, queue):
    tag = TagFactory(group=team, name="mnist")
    TagFactory(group=team, name="unused")
    queue.tags.add(tag)

    page = reader_client.get(page_url(queue)).content.decode()

    assert 'id="tags-card"' in page
    assert f'href="{reverse("tag_detail", args=[tag.pk])}"' in page
    assert reverse("resource_tag_add", args=["queue", queue.pk]) not in page
    assert remove_url(queue, tag) not in page
    assert "unused" not in page


def test_readers_may_not_change_tags(reader_client, team, queue, htmx_headers):
    tag, other = TagFactory(group=team), TagFactory(group=team)
    queue.tags.add(tag)

    assert reader_client.post(add_url(queue), {"tag": other.pk}).status_code == 403
    assert reader_client.post(remove_url(queue, tag), **htmx_headers).status_code == 403
    assert tag_names(queue) == [tag.name]


def test_outsiders_get_404(outsider_client, outsider, team, queue):
    own_tag = TagFactory(group=MembershipFactory(user=outsider, write=True).group)
    tag = TagFactory(group=team)
    queue.tags.add(tag)

    assert outsider_client.get(page_url(queue)).status_code == 404
    assert outsider_client.post(add_url(queue), {"tag": own_tag.pk}).status_code == 404
    assert outsider_client.post(remove_url(queue, tag)).status_code == 404
    assert tag_names(queue) == [tag.name]


def test_anonymous_users_are_sent_to_log_in(client, team, queue):
    tag = TagFactory(group=team)

    for url in (add_url(queue), remove_url(queue, tag)):
        response = client.post(url, {"tag": tag.pk})
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    assert tag_names(queue) == []


def test_pages_of_deleted_resources_are_gone(writer_client, team, queue):
    tag = TagFactory(group=team)
    queue.soft_delete()

    assert writer_client.post(add_url(queue), {"tag": tag.pk}).status_code == 404


# Refusals -----------------------------------------------------------------------------


def test_a_tag_of_a_group_the_user_cannot_read_is_refused_in_the_card(
    writer_client, team, queue, htmx_headers
):
    hidden = TagFactory(group=GroupFactory(), name="secret")

    response = writer_client.post(add_url(queue), {"tag": hidden.pk}, **htmx_headers)

    card = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert 'role="alert"' in card
    assert f"Failed to locate tag with id having value ({hidden.pk})." in card
    assert "secret" not in card
    assert tag_names(queue) == []


def test_without_javascript_a_refusal_is_shown_on_the_page(writer_client, queue):
    hidden = TagFactory(group=GroupFactory())

    response = writer_client.post(add_url(queue), {"tag": hidden.pk}, follow=True)

    assert response.redirect_chain == [(page_url(queue), 302)]
    assert f"Failed to locate tag with id having value ({hidden.pk})." in response.content.decode()
    assert tag_names(queue) == []


def test_removing_a_tag_that_is_not_attached_is_explained(writer_client, team, queue, htmx_headers):
    tag = TagFactory(group=team)

    response = writer_client.post(remove_url(queue, tag), **htmx_headers)

    assert response.status_code == 200
    assert f"Failed to locate tag with id having value ({tag.pk})." in response.content.decode()


@pytest.mark.parametrize("value", [None, "", "abc", "-1", "0", "1.5", "²", str(2**64)])
def test_bad_tag_ids_are_explained_never_a_server_error(writer_client, queue, htmx_headers, value):
    data = {} if value is None else {"tag": value}

    response = writer_client.post(add_url(queue), data, **htmx_headers)

    assert response.status_code == 200
    assert "Choose a tag to add." in response.content.decode()


def test_huge_ids_in_the_urls_are_not_found(writer_client, team, queue):
    tag = TagFactory(group=team)

    assert writer_client.post(f"/tagged/queue/{queue.pk}/tags/{2**64}/remove/").status_code == 404
    assert (
        writer_client.post(f"/tagged/queue/{2**64}/tags/add/", {"tag": tag.pk}).status_code == 404
    )


@pytest.mark.parametrize("resource_type", ["nonsense", "artifact", "tag"])
def test_unknown_resource_types_and_types_without_a_page_are_404(
    writer_client, team, resource_type
):
    artifact = ArtifactFactory(group=team)
    tag = TagFactory(group=team)

    response = writer_client.post(add_url(artifact, resource_type), {"tag": tag.pk})

    assert response.status_code == 404
    assert list(artifact.tags.all()) == []


def test_tags_are_changed_only_by_post(writer_client, team, queue):
    tag = TagFactory(group=team)
    queue.tags.add(tag)

    assert writer_client.get(add_url(queue)).status_code == 405
    assert writer_client.get(remove_url(queue, tag)).status_code == 405


# The card on each page ----------------------------------------------------------------


@pytest.mark.parametrize("resource_type", sorted(MAKERS))
def test_each_resource_page_shows_the_tags_card(writer_client, team, resource_type):
    resource = MAKERS[resource_type](team)
    attached = TagFactory(group=team, name="attached-tag")
    TagFactory(group=team, name="free-tag")
    resource.tags.add(attached)

    response = writer_client.get(page_url(resource))

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="tags-card"' in page
    assert f'href="{reverse("tag_detail", args=[attached.pk])}"' in page
    assert f'action="{remove_url(resource, attached)}"' in page
    assert f'action="{add_url(resource)}"' in page
    assert "free-tag (team)" in page
    assert "attached-tag (team)" not in page  # attached already: not offered again


def test_the_menu_offers_visible_tags_of_every_group_of_the_user(
    writer_client, writer, team, queue
):
    other = MembershipFactory(user=writer, read=True, write=False).group
    TagFactory(group=other, name="elsewhere")
    TagFactory(group=GroupFactory(), name="not-for-you")

    page = writer_client.get(page_url(queue)).content.decode()

    assert f"elsewhere ({other.name})" in page
    assert "not-for-you" not in page


def test_with_no_tag_to_add_the_card_says_how_to_make_one(writer_client, queue):
    page = writer_client.get(page_url(queue)).content.decode()

    assert "No other tag to add" in page
    assert f'href="{reverse("tag_create")}"' in page


def test_a_tag_the_user_cannot_read_is_named_without_a_link(reader_client, team, queue):
    hidden = TagFactory(group=GroupFactory(name="private-lab"), name="elsewhere")
    queue.tags.add(hidden)

    page = reader_client.get(page_url(queue)).content.decode()

    assert "elsewhere" in page
    assert reverse("tag_detail", args=[hidden.pk]) not in page
    assert "private-lab" not in page  # nor the name of its group


def test_builtin_types_show_their_tags_without_forms(writer_client, team):
    builtin = PluginParameterTypeFactory(group=team, name="string", is_builtin=True)
    tag = TagFactory(group=team)

    page = writer_client.get(page_url(builtin)).content.decode()

    assert 'id="tags-card"' in page and add_url(builtin) not in page
    assert writer_client.post(add_url(builtin), {"tag": tag.pk}).status_code == 403


def test_the_card_query_count_does_not_grow_with_tags(
    writer_client, team, queue, htmx_headers, django_assert_num_queries
):
    tags = [TagFactory(group=team) for _ in range(8)]
    queue.tags.add(tags[0])
    # user, queue, may change it (view, then detach_tag), savepoint, delete,
    # release; the card: the resource's tags, the user's tags
    with django_assert_num_queries(9):
        writer_client.post(remove_url(queue, tags[0]), **htmx_headers)

    queue.tags.add(*tags[:6])
    with django_assert_num_queries(9):
        response = writer_client.post(remove_url(queue, tags[0]), **htmx_headers)

    assert response.content.decode().count("Remove tag ") == 2 * 5  # title and aria-label
