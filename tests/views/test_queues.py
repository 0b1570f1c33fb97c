"""Queue pages: create, edit (with inline errors), list query counts."""

import pytest
from django.urls import reverse

from experiments.models import Queue
from tests.factories import EntrypointFactory, QueueFactory

CREATE_URL = reverse("queue_create")


def test_writer_creates_a_queue_and_lands_on_it(writer_client, writer, team):
    response = writer_client.post(
        CREATE_URL, {"group": team.pk, "name": "tensorflow-cpu", "description": "CPU workers"}
    )

    queue = Queue.objects.get(name="tensorflow-cpu")
    assert response.status_code == 302
    assert response["Location"] == reverse("queue_detail", args=[queue.pk])
    assert (queue.group, queue.creator, queue.description) == (team, writer, "CPU workers")
    detail = writer_client.get(response["Location"]).content.decode()
    assert "Queue tensorflow-cpu created." in detail


def test_htmx_create_redirects_the_browser(writer_client, team, htmx_headers):
    response = writer_client.post(CREATE_URL, {"group": team.pk, "name": "gpu"}, **htmx_headers)

    assert response["HX-Redirect"] == reverse("queue_detail", args=[Queue.objects.get().pk])


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "A name is required."),
        ("q" * 300, "Names are at most 255 characters long (this one has 300)."),
        ("taken", "The queue name &#x27;taken&#x27; is already taken in this group."),
    ],
)
def test_bad_names_are_explained_in_the_form_fragment(
    writer_client, team, htmx_headers, name, message
):
    QueueFactory(group=team, name="taken")

    response = writer_client.post(CREATE_URL, {"group": team.pk, "name": name}, **htmx_headers)

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert message in response.content.decode()
    assert Queue.objects.count() == 1


def test_a_group_the_user_is_not_in_is_refused(writer_client, outsider, db):
    from tests.factories import GroupFactory

    foreign = GroupFactory()

    response = writer_client.post(CREATE_URL, {"group": foreign.pk, "name": "sneaky"})

    assert "you need write access to it" in response.content.decode()
    assert not Queue.objects.exists()


def test_edit_renames_and_the_old_name_stays_on_error(writer_client, team):
    QueueFactory(group=team, name="taken")
    queue = QueueFactory(group=team, name="mine")
    edit_url = reverse("queue_edit", args=[queue.pk])

    refused = writer_client.post(edit_url, {"name": "taken"})
    queue.refresh_from_db()
    assert queue.name == "mine"
    assert "Edit mine" in refused.content.decode()  # the page title is not the refused name

    writer_client.post(edit_url, {"name": "renamed", "description": "new"})
    queue.refresh_from_db()
    assert (queue.name, queue.description) == ("renamed", "new")


def test_detail_lists_the_entrypoints_that_run_on_it(writer_client, team):
    queue = QueueFactory(group=team)
    entrypoint = EntrypointFactory(group=team, name="train-model")
    entrypoint.queues.add(queue)

    page = writer_client.get(reverse("queue_detail", args=[queue.pk])).content.decode()

    assert "train-model" in page


def test_empty_queue_list_says_how_to_start(writer_client, team):
    page = writer_client.get(reverse("queue_list")).content.decode()

    assert "No queues yet." in page
    assert CREATE_URL in page


def test_list_query_count_does_not_grow_with_rows(writer_client, team, django_assert_num_queries):
    def populate(count):
        for _ in range(count):
            EntrypointFactory(group=team).queues.add(QueueFactory(group=team))

    populate(2)
    # user, count, rows (with entrypoint counts), writable group ids, the user's drafts
    with django_assert_num_queries(5):
        writer_client.get(reverse("queue_list"))
    populate(10)
    with django_assert_num_queries(5):
        response = writer_client.get(reverse("queue_list"))

    assert "1–12 of 12 queues" in response.content.decode()


def test_list_sorts_by_created_as_a_plain_link(writer_client, team):
    first, second = QueueFactory(group=team, name="b-first"), QueueFactory(group=team, name="a-2nd")

    newest_first = writer_client.get(reverse("queue_list"), {"sort": "-created"}).content.decode()
    by_name = writer_client.get(reverse("queue_list")).content.decode()

    assert newest_first.index(second.name) < newest_first.index(first.name)
    assert by_name.index(second.name) < by_name.index(first.name)
