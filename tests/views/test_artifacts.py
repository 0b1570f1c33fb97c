"""Artifact pages: the list across jobs (search, sort, who sees what, query
count), one artifact's page (where it came from, download, preview, model
versions), and changing its description."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from experiments import accounts, definitions
from experiments.models import ModelVersion, PluginTask
from tests.factories import (
    ArtifactFactory,
    GroupFactory,
    JobFactory,
    MLModelFactory,
    PluginFileFactory,
    TagFactory,
)
from tests.jobs.conftest import builtin, make_plugin

LIST_URL = reverse("artifact_list")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def detail_url(artifact) -> str:
    return reverse("artifact_detail", args=[artifact.pk])


def edit_url(artifact) -> str:
    return reverse("artifact_edit", args=[artifact.pk])


def download_url(artifact) -> str:
    return reverse("artifact_download", args=[artifact.pk])


def stored(artifact, name: str, data: bytes = b"bytes"):
    artifact.file.save(name, ContentFile(data), save=False)
    artifact.file_size = len(data)
    artifact.save()
    return artifact


# The list ---------------------------------------------------------------------------


def test_list_shows_each_artifact_with_its_job_experiment_task_and_size(writer_client, team, media):
    job = JobFactory(experiment__group=team, experiment__name="mnist-attacks")
    task = PluginTask.objects.create(
        file=PluginFileFactory(group=team), name="NumpyArraySaver", kind="artifact"
    )
    weights = stored(
        ArtifactFactory(group=team, job=job, uri="file:///runs/7/weights.npy", task=task),
        "weights.npy",
        b"x" * 2048,
    )
    folder = ArtifactFactory(group=team, job=job, uri="file:///runs/7/plots", is_dir=True)

    page = writer_client.get(LIST_URL).content.decode()

    assert f'href="{detail_url(weights)}"' in page and f'href="{detail_url(folder)}"' in page
    assert 'title="file:///runs/7/weights.npy"' in page
    assert f'href="{reverse("job_detail", args=[job.pk])}"' in page
    assert "mnist-attacks" in page
    assert "NumpyArraySaver" in page
    assert "2.0\xa0KB" in page
    assert "directory" in page
    assert f'href="{download_url(weights)}"' in page
    assert download_url(folder) not in page  # nothing stored for it


def test_list_shows_only_artifacts_the_user_may_read(reader_client, team):
    mine = ArtifactFactory(group=team, uri="file:///ours/model.keras")
    ArtifactFactory(group=GroupFactory(), uri="file:///theirs/secret.keras")
    gone = ArtifactFactory(group=team, uri="file:///ours/gone.keras")
    gone.soft_delete()

    page = reader_client.get(LIST_URL).content.decode()

    assert mine.uri in page
    assert "secret.keras" not in page and "gone.keras" not in page
    assert "1–1 of 1 artifacts" in page


def test_search_matches_the_uri_or_the_description(writer_client, team, htmx_headers):
    ArtifactFactory(group=team, uri="file:///runs/1/adversarial.npy")
    ArtifactFactory(group=team, uri="file:///runs/2/x.npy", description="FGSM Adversarial set")
    ArtifactFactory(group=team, uri="file:///runs/3/clean.npy", description="clean images")

    response = writer_client.get(LIST_URL, {"q": "adversarial"}, **htmx_headers)

    fragment = response.content.decode()
    assert "<html" not in fragment and 'id="artifact-table"' in fragment
    assert "adversarial.npy" in fragment and "/runs/2/x.npy" in fragment
    assert "clean.npy" not in fragment


def test_a_search_without_matches_offers_the_whole_list(writer_client, team):
    ArtifactFactory(group=team)

    page = writer_client.get(LIST_URL, {"q": "nothing-like-it"}).content.decode()

    assert "No artifact matches “nothing-like-it”." in page
    assert f'href="{LIST_URL}"' in page


def test_list_sorts_by_uri_and_newest_first_by_default(writer_client, team):
    older = ArtifactFactory(group=team, uri="file:///a/first.npy")
    newer = ArtifactFactory(group=team, uri="file:///b/second.npy")

    by_default = writer_client.get(LIST_URL).content.decode()
    by_uri = writer_client.get(LIST_URL, {"sort": "uri"}).content.decode()
    by_nonsense = writer_client.get(LIST_URL, {"sort": "-name"})

    assert by_default.index(newer.uri) < by_default.index(older.uri)
    assert by_uri.index(older.uri) < by_uri.index(newer.uri)
    assert by_nonsense.status_code == 200


def test_empty_list_says_where_artifacts_come_from(writer_client, team):
    page = writer_client.get(LIST_URL).content.decode()

    assert "No artifacts yet." in page
    assert "artifact output graph" in page
    assert f'href="{reverse("job_list")}"' in page


def test_list_query_count_does_not_grow_with_rows(
    writer_client, team, media, django_assert_num_queries
):
    task = PluginTask.objects.create(
        file=PluginFileFactory(group=team), name="Saver", kind="artifact"
    )

    def populate(count):
        for n in range(count):
            stored(ArtifactFactory(group=team, task=task), f"f{n}.csv")

    populate(2)
    # user, count, rows (with their jobs, experiments and tasks)
    with django_assert_num_queries(3):
        writer_client.get(LIST_URL)
    populate(10)
    with django_assert_num_queries(3):
        response = writer_client.get(LIST_URL)

    assert "1–12 of 12 artifacts" in response.content.decode()


def test_the_nav_links_the_list(writer_client, team):
    page = writer_client.get(reverse("home")).content.decode()

    assert f'href="{LIST_URL}">Artifacts</a>' in page


# One artifact -----------------------------------------------------------------------


def test_detail_links_where_it_came_from_and_its_download(writer_client, team, media):
    job = JobFactory(experiment__group=team, experiment__name="mnist", entrypoint__name="train")
    artifact = stored(
        ArtifactFactory(group=team, job=job, uri="file:///runs/1/weights.keras"),
        "weights.keras",
        b"w" * 10,
    )

    response = writer_client.get(detail_url(artifact))

    page = response.content.decode()
    assert response.status_code == 200
    assert "file:///runs/1/weights.keras" in page
    assert f'href="{reverse("job_detail", args=[job.pk])}"' in page
    assert f'href="{reverse("experiment_detail", args=[job.experiment_id])}">mnist</a>' in page
    assert f'href="{reverse("entrypoint_detail", args=[job.entrypoint_id])}">train</a>' in page
    assert f'href="{download_url(artifact)}"' in page
    assert "10\xa0bytes" in page
    assert 'id="artifact-preview"' not in page  # not an image


def test_an_artifact_registered_by_uri_only_has_no_download(reader_client, team):
    artifact = ArtifactFactory(group=team, uri="s3://bucket/weights.keras")

    page = reader_client.get(detail_url(artifact)).content.decode()

    assert download_url(artifact) not in page
    assert "registered by its URI only" in page


def test_an_image_artifact_is_previewed(reader_client, team, media):
    image = stored(ArtifactFactory(group=team, uri="file:///runs/1/examples.png"), "examples.png")
    svg = stored(ArtifactFactory(group=team, uri="file:///runs/1/page.svg"), "page.svg")

    image_page = reader_client.get(detail_url(image)).content.decode()
    svg_page = reader_client.get(detail_url(svg)).content.decode()

    assert f'src="{download_url(image)}?inline=1"' in image_page
    assert f'src="{download_url(svg)}?inline=1"' not in svg_page  # SVG can carry script


def test_detail_names_its_task(reader_client, team):
    task = PluginTask.objects.create(
        file=PluginFileFactory(group=team, filename="savers.py"), name="CsvSaver", kind="artifact"
    )
    artifact = ArtifactFactory(group=team, task=task)

    page = reader_client.get(detail_url(artifact)).content.decode()

    assert "CsvSaver" in page and "savers.py" in page


def test_detail_lists_the_model_versions_made_from_it(reader_client, team):
    artifact = ArtifactFactory(group=team)
    model = MLModelFactory(group=team, name="resnet")
    ModelVersion.objects.create(model=model, version_number=3, artifact=artifact)
    hidden = MLModelFactory(group=GroupFactory(), name="their-model")
    ModelVersion.objects.create(model=hidden, version_number=1, artifact=artifact)
    ModelVersion.objects.create(model=model, version_number=4, artifact=ArtifactFactory(group=team))

    page = reader_client.get(detail_url(artifact)).content.decode()

    assert f'href="{reverse("model_detail", args=[model.pk])}#version-3"' in page
    assert "resnet v3" in page
    assert "resnet v4" not in page  # made from another artifact
    assert "their-model" not in page  # a model the reader may not see


def test_outsiders_and_deleted_artifacts_are_not_found(outsider_client, writer_client, team):
    artifact = ArtifactFactory(group=team)
    gone = ArtifactFactory(group=team)
    gone.soft_delete()

    assert outsider_client.get(detail_url(artifact)).status_code == 404
    assert writer_client.get(detail_url(gone)).status_code == 404
    assert writer_client.get(f"/artifacts/{10**30}/").status_code == 404


def test_a_deleted_job_is_named_without_a_link(reader_client, team):
    artifact = ArtifactFactory(group=team)
    artifact.job.soft_delete()

    page = reader_client.get(detail_url(artifact)).content.decode()

    assert f"job #{artifact.job_id}" in page
    assert reverse("job_detail", args=[artifact.job_id]) not in page


def test_the_job_page_links_its_artifacts_pages(writer_client, team):
    artifact = ArtifactFactory(group=team)

    page = writer_client.get(reverse("job_detail", args=[artifact.job_id])).content.decode()

    assert f'href="{detail_url(artifact)}"' in page


def test_the_model_page_links_the_artifact_of_each_version(writer_client, team):
    artifact = ArtifactFactory(group=team)
    model = MLModelFactory(group=team)
    ModelVersion.objects.create(model=model, version_number=1, artifact=artifact)

    page = writer_client.get(reverse("model_detail", args=[model.pk])).content.decode()

    assert f'href="{detail_url(artifact)}"' in page


def test_a_tag_page_links_the_artifacts_carrying_it(reader_client, team):
    artifact = ArtifactFactory(group=team, uri="file:///runs/1/tagged.npy")
    tag = TagFactory(group=team)
    artifact.tags.add(tag)

    page = reader_client.get(reverse("tag_detail", args=[tag.pk])).content.decode()

    assert f'href="{detail_url(artifact)}">file:///runs/1/tagged.npy</a>' in page


def test_detail_shows_its_version_history(writer_client, writer, team):
    artifact = ArtifactFactory(group=team, description="first")
    writer_client.post(edit_url(artifact), {"description": "second"})
    snapshots = list(artifact.snapshots().order_by("id"))

    page = writer_client.get(detail_url(artifact)).content.decode()
    older = writer_client.get(
        reverse("snapshot_detail", args=["artifact", artifact.pk, snapshots[0].pk])
    )

    assert 'id="snapshot-history"' in page
    for snapshot in snapshots:
        assert reverse("snapshot_detail", args=["artifact", artifact.pk, snapshot.pk]) in page
    assert older.status_code == 200
    assert f'href="{detail_url(artifact)}"' in older.content.decode()


# Changing the description -----------------------------------------------------------


def test_writer_changes_the_description(writer_client, writer, team):
    artifact = ArtifactFactory(group=team, description="old")
    before = artifact.snapshots().count()

    response = writer_client.post(edit_url(artifact), {"description": "Adversarial examples"})

    artifact.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == detail_url(artifact)
    assert artifact.description == "Adversarial examples"
    assert artifact.snapshots().count() == before + 1
    page = writer_client.get(response["Location"]).content.decode()
    assert f"Artifact #{artifact.pk} saved." in page
    assert f'action="{edit_url(artifact)}"' in page
    assert "Adversarial examples" in page


def test_htmx_edit_redirects_the_browser(writer_client, team, htmx_headers):
    artifact = ArtifactFactory(group=team)

    response = writer_client.post(edit_url(artifact), {"description": "new"}, **htmx_headers)

    assert response.status_code == 200
    assert response["HX-Redirect"] == detail_url(artifact)


def test_the_description_keeps_the_task_that_loads_the_artifact(writer_client, writer, team):
    accounts.ensure_public_group(creator=writer)
    plugin = make_plugin(
        writer,
        team,
        name="savers",
        code="class CsvSaver: ...\n",
        tasks=[definitions.TaskSpec("CsvSaver", kind="artifact", outputs=[("df", builtin("any"))])],
    )
    task = plugin.files.get().tasks.get()
    artifact = ArtifactFactory(group=team, task=task, plugin_snapshot_id=plugin.snapshot_id)

    writer_client.post(edit_url(artifact), {"description": "kept task"})

    artifact.refresh_from_db()
    assert (artifact.description, artifact.task_id) == ("kept task", task.pk)
    assert artifact.plugin_snapshot_id == plugin.snapshot_id


def test_a_refused_change_is_explained_in_the_form(writer_client, writer, team, htmx_headers):
    accounts.ensure_public_group(creator=writer)
    plugin = make_plugin(
        writer,
        team,
        name="savers",
        code="class CsvSaver: ...\n",
        tasks=[definitions.TaskSpec("CsvSaver", kind="artifact", outputs=[("df", builtin("any"))])],
    )
    artifact = ArtifactFactory(
        group=team,
        description="old",
        task=plugin.files.get().tasks.get(),
        plugin_snapshot_id=plugin.snapshot_id,
    )
    definitions.delete_resource(user=writer, resource=plugin)

    fragment = writer_client.post(edit_url(artifact), {"description": "new"}, **htmx_headers)
    page = writer_client.post(edit_url(artifact), {"description": "new"})

    artifact.refresh_from_db()
    assert fragment.status_code == 200 and page.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert 'class="alert alert-danger"' in fragment.content.decode()
    assert 'id="artifact-details"' in page.content.decode()  # the whole page again
    assert artifact.description == "old"


def test_readers_see_the_description_but_may_not_change_it(reader_client, team):
    artifact = ArtifactFactory(group=team, description="Trained weights")

    page = reader_client.get(detail_url(artifact)).content.decode()
    response = reader_client.post(edit_url(artifact), {"description": "mine now"})

    artifact.refresh_from_db()
    assert "Trained weights" in page and edit_url(artifact) not in page
    assert response.status_code == 403
    assert artifact.description == "Trained weights"


def test_outsiders_may_not_change_it(outsider_client, team):
    artifact = ArtifactFactory(group=team, description="Trained weights")

    response = outsider_client.post(edit_url(artifact), {"description": "mine now"})

    artifact.refresh_from_db()
    assert response.status_code == 404
    assert artifact.description == "Trained weights"


def test_anonymous_users_are_sent_to_log_in(client, team):
    artifact = ArtifactFactory(group=team, description="Trained weights")

    for response in (
        client.get(LIST_URL),
        client.get(detail_url(artifact)),
        client.post(edit_url(artifact), {"description": "anon"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    artifact.refresh_from_db()
    assert artifact.description == "Trained weights"


def test_the_description_is_changed_only_by_post(writer_client, team):
    artifact = ArtifactFactory(group=team)

    assert writer_client.get(edit_url(artifact)).status_code == 405
