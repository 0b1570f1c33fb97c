"""Who may see and change what, through the pages: anonymous users are sent to
log in, outsiders get 404, readers see but may not change (403, no buttons)."""

import pytest
from django.urls import reverse

from experiments.models import Entrypoint, Experiment, Queue
from tests.factories import EntrypointFactory, ExperimentFactory, QueueFactory

FACTORIES = {
    "queue": QueueFactory,
    "entrypoint": EntrypointFactory,
    "experiment": ExperimentFactory,
}
MODELS = {"queue": Queue, "entrypoint": Entrypoint, "experiment": Experiment}
NOUNS = list(FACTORIES)


@pytest.fixture(params=NOUNS)
def noun(request):
    return request.param


@pytest.fixture
def resource(noun, team):
    return FACTORIES[noun](group=team, name=f"team-{noun}")


def url(noun, action, resource=None):
    return reverse(f"{noun}_{action}", args=[resource.pk] if resource else [])


@pytest.mark.parametrize(
    "path", ["/", "/groups/", "/queues/", "/entrypoints/", "/experiments/", "/experiments/new/"]
)
def test_anonymous_users_are_sent_to_log_in(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_anonymous_users_see_the_login_and_register_pages(client, db):
    assert b"Log in to Dioptra Lab" in client.get(reverse("login")).content
    assert b"Create an account" in client.get(reverse("register")).content


@pytest.mark.parametrize("action", ["detail", "edit", "delete"])
def test_outsiders_get_404_for_resources_of_other_groups(outsider_client, resource, noun, action):
    response = outsider_client.get(url(noun, action, resource))

    assert response.status_code == 404


def test_outsiders_do_not_see_other_groups_resources_in_lists(outsider_client, resource, noun):
    response = outsider_client.get(url(noun, "list"))

    assert response.status_code == 200
    assert resource.name not in response.content.decode()


def test_readers_see_a_resource_without_edit_or_delete_buttons(reader_client, resource, noun):
    response = reader_client.get(url(noun, "detail", resource))

    assert response.status_code == 200
    page = response.content.decode()
    assert resource.name in page
    assert url(noun, "edit", resource) not in page
    assert url(noun, "delete", resource) not in page
    assert "read-only" in page


def test_readers_see_list_rows_without_edit_buttons(reader_client, resource, noun):
    page = reader_client.get(url(noun, "list")).content.decode()

    assert resource.name in page
    assert url(noun, "edit", resource) not in page
    assert url(noun, "delete", resource) not in page


@pytest.mark.parametrize("action", ["edit", "delete"])
def test_readers_get_403_on_changes_and_nothing_changes(reader_client, resource, noun, action):
    assert reader_client.get(url(noun, action, resource)).status_code == 403

    response = reader_client.post(url(noun, action, resource), {"name": "renamed"})

    assert response.status_code == 403
    resource.refresh_from_db()
    assert resource.name == f"team-{noun}"
    assert resource.deleted_on is None


def test_readers_are_told_why_the_change_is_refused(reader_client, resource, noun):
    response = reader_client.get(url(noun, "edit", resource))

    assert b"but not change it" in response.content


def test_writers_see_edit_and_delete_buttons(writer_client, resource, noun):
    detail = writer_client.get(url(noun, "detail", resource)).content.decode()
    listing = writer_client.get(url(noun, "list")).content.decode()

    for page in (detail, listing):
        assert url(noun, "edit", resource) in page
        assert url(noun, "delete", resource) in page


def test_delete_asks_for_confirmation_then_removes_the_resource(writer_client, resource, noun):
    confirmation = writer_client.get(url(noun, "delete", resource))

    assert confirmation.status_code == 200
    assert f"Delete the {noun} <strong>{resource.name}</strong>" in confirmation.content.decode()
    assert MODELS[noun].objects.alive().filter(pk=resource.pk).exists()

    response = writer_client.post(url(noun, "delete", resource))

    assert response.status_code == 302
    assert response["Location"] == url(noun, "list")
    assert not MODELS[noun].objects.alive().filter(pk=resource.pk).exists()
    assert writer_client.get(url(noun, "detail", resource)).status_code == 404
    assert resource.name not in writer_client.get(url(noun, "list")).content.decode()


def test_readers_without_a_writable_group_are_told_how_to_get_one(reader_client, noun):
    response = reader_client.get(url(noun, "create"))

    assert response.status_code == 200
    assert b"none of your groups gives you write access" in response.content
