"""Version history: the card on each resource page, and the page of one
snapshot (its fields, its neighbours, what has changed since)."""

import html

import pytest
from django.urls import reverse

from experiments.views.history import SNAPSHOTS_SHOWN
from experiments.views.tags import RESOURCE_PAGES
from tests.factories import (
    ArtifactFactory,
    EntrypointFactory,
    ExperimentFactory,
    JobFactory,
    MLModelFactory,
    PluginFactory,
    PluginFileFactory,
    PluginParameterTypeFactory,
    QueueFactory,
)

FACTORIES = [
    QueueFactory,
    ExperimentFactory,
    EntrypointFactory,
    PluginFactory,
    PluginFileFactory,
    PluginParameterTypeFactory,
    MLModelFactory,
    ArtifactFactory,
]


def snapshot_url(resource, snapshot) -> str:
    return reverse("snapshot_detail", args=[resource.resource_type, resource.pk, snapshot.pk])


def rename_queue(client, queue, name: str, description: str = "A queue."):
    response = client.post(
        reverse("queue_edit", args=[queue.pk]), {"name": name, "description": description}
    )
    assert response.status_code == 302


# The card on each resource page ------------------------------------------------------


@pytest.mark.parametrize("factory", FACTORIES)
def test_each_resource_page_lists_its_versions_newest_first_with_links(
    writer_client, writer, team, factory
):
    resource = factory(group=team)
    resource.record_snapshot(user=writer)
    snapshots = list(resource.snapshots().order_by("-id"))

    page = writer_client.get(RESOURCE_PAGES[resource.resource_type](resource)).content.decode()

    card = page[page.index('id="snapshot-history"') :]
    positions = [card.index(f'href="{snapshot_url(resource, s)}"') for s in snapshots]
    assert len(snapshots) == 2 and positions == sorted(positions)
    assert card.index("latest") < positions[1]
    assert writer.username in card


def test_the_card_shows_the_newest_versions_and_counts_them_all(writer_client, writer, team):
    queue = QueueFactory(group=team)
    for _ in range(SNAPSHOTS_SHOWN + 4):
        queue.record_snapshot(user=writer)
    oldest, newest = queue.snapshots().first(), queue.snapshots().last()

    page = writer_client.get(reverse("queue_detail", args=[queue.pk])).content.decode()

    assert snapshot_url(queue, newest) in page and snapshot_url(queue, oldest) not in page
    assert f"Showing the {SNAPSHOTS_SHOWN} most recent of {SNAPSHOTS_SHOWN + 5} versions." in page


# The snapshot page ---------------------------------------------------------------------


def test_renaming_a_queue_keeps_the_old_name_in_the_old_version(writer_client, writer, team):
    queue = QueueFactory(group=team, name="cpu")
    first = queue.snapshot

    rename_queue(writer_client, queue, "gpu")

    latest = queue.snapshots().last()
    assert queue.snapshots().count() == 2 and latest.pk > first.pk
    page = writer_client.get(snapshot_url(queue, first)).content.decode()
    assert "older version" in page and "latest</span>" not in page
    fields = page[page.index('id="snapshot-fields"') : page.index('id="changed-since"')]
    assert ">cpu<" in fields and ">gpu<" not in fields
    changed = page[page.index('id="changed-since"') :]
    assert ">name<" in changed and ">description<" not in changed
    assert changed.index(">cpu<") < changed.index(">gpu<")
    assert f'href="{snapshot_url(queue, latest)}" rel="next"' in page
    assert 'rel="prev"' not in page
    assert f'href="{reverse("queue_detail", args=[queue.pk])}"' in page


def test_the_latest_version_says_so_and_lists_no_changes(writer_client, writer, team):
    queue = QueueFactory(group=team, name="cpu")
    first = queue.snapshot
    rename_queue(writer_client, queue, "gpu")
    latest = queue.snapshots().last()

    page = writer_client.get(snapshot_url(queue, latest)).content.decode()

    assert "latest</span>" in page and "older version" not in page
    assert 'id="changed-since"' not in page
    fields = page[page.index('id="snapshot-fields"') :]
    assert ">gpu<" in fields and ">cpu<" not in fields
    assert f'href="{snapshot_url(queue, first)}" rel="prev"' in page
    assert 'rel="next"' not in page


def test_long_text_and_lists_are_shown_as_blocks(writer_client, team):
    queue = QueueFactory(group=team)
    entrypoint = EntrypointFactory(group=team, task_graph="step:\n  train:\n    epochs: 3\n")
    entrypoint.queues.add(queue)
    snapshot = entrypoint.record_snapshot(user=entrypoint.creator)

    page = writer_client.get(snapshot_url(entrypoint, snapshot)).content.decode()

    assert "<code>step:\n  train:\n    epochs: 3\n</code></pre>" in page
    assert f"<code>[\n  {queue.pk}\n]</code></pre>" in page  # queues, as JSON


def test_a_reader_sees_an_old_version_with_changes_of_long_text(reader_client, writer, team):
    file = PluginFileFactory(group=team, contents="def a():\n    pass\n")
    first = file.snapshot
    file.contents = "def b():\n    pass\n"
    file.save()
    file.record_snapshot(user=writer)

    page = reader_client.get(snapshot_url(file, first)).content.decode()

    assert "def a():\n    pass\n</code></pre>" in page
    changed = page[page.index('id="changed-since"') :]
    assert ">contents<" in changed and "def b" not in changed  # named, not repeated


def test_data_with_html_is_escaped(writer_client, team):
    queue = QueueFactory(group=team, name="cpu", description="<script>x</script>")
    first = queue.snapshot
    rename_queue(writer_client, queue, "cpu", description="<b>bold</b>")

    page = writer_client.get(snapshot_url(queue, first)).content.decode()

    assert "<script>x</script>" not in page and "<b>bold</b>" not in page
    assert html.escape("<script>x</script>") in page
    changed = page[page.index('id="changed-since"') :]
    assert html.escape("<b>bold</b>") in changed


# Who may see it, and bad addresses -----------------------------------------------------


def test_a_snapshot_of_another_resource_is_not_found(writer_client, team):
    queue, other = QueueFactory(group=team), QueueFactory(group=team)
    experiment = ExperimentFactory(group=team)

    assert writer_client.get(snapshot_url(queue, other.snapshot)).status_code == 404
    # Another type's snapshot, even of a resource with the same id.
    url = reverse("snapshot_detail", args=["queue", queue.pk, experiment.snapshot_id])
    assert writer_client.get(url).status_code == 404


def test_outsiders_get_404_and_anonymous_users_the_login_page(outsider_client, client, team):
    queue = QueueFactory(group=team)
    url = snapshot_url(queue, queue.snapshot)

    assert outsider_client.get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_deleted_resource_has_no_history_page(writer_client, team):
    queue = QueueFactory(group=team)
    queue.soft_delete()

    assert writer_client.get(snapshot_url(queue, queue.snapshot)).status_code == 404


@pytest.mark.parametrize("resource_type", ["job", "nonsense", "Queue"])
def test_unknown_types_are_not_found(writer_client, team, resource_type):
    job = JobFactory(experiment=ExperimentFactory(group=team))
    job.record_snapshot(user=job.creator)

    url = reverse("snapshot_detail", args=[resource_type, job.pk, job.snapshot_id])
    assert writer_client.get(url).status_code == 404


@pytest.mark.parametrize("too_large", ["pk", "snapshot"])
def test_ids_too_large_for_the_database_are_not_found(writer_client, team, too_large):
    queue = QueueFactory(group=team)
    pk = 10**30 if too_large == "pk" else queue.pk
    snapshot_pk = 10**30 if too_large == "snapshot" else queue.snapshot_id

    url = f"/history/queue/{pk}/{snapshot_pk}/"  # reverse() refuses such ids
    assert writer_client.get(url).status_code == 404
