"""Model pages: create, edit and delete with inline errors, the versions on the
model page (add one from an artifact, describe it), who sees what, and the
list's search, empty state and query count."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from experiments.models import MLModel, ModelVersion
from tests.conftest import logged_in
from tests.factories import ArtifactFactory, GroupFactory, MembershipFactory, MLModelFactory

LIST_URL = reverse("model_list")
CREATE_URL = reverse("model_create")


def detail_url(model) -> str:
    return reverse("model_detail", args=[model.pk])


def add_version_url(model) -> str:
    return reverse("model_version_create", args=[model.pk])


def version_edit_url(model, number: int) -> str:
    return reverse("model_version_edit", args=[model.pk, number])


@pytest.fixture
def model(team):
    return MLModelFactory(group=team, name="mnist-classifier")


@pytest.fixture
def artifact(team):
    return ArtifactFactory(group=team, uri="file:///runs/1/weights.keras")


# Creating, editing, deleting ---------------------------------------------------------


def test_writer_creates_a_model_and_lands_on_it(writer_client, writer, team):
    response = writer_client.post(
        CREATE_URL, {"group": team.pk, "name": "resnet", "description": "ImageNet"}
    )

    model = MLModel.objects.get(name="resnet")
    assert response.status_code == 302
    assert response["Location"] == detail_url(model)
    assert (model.group, model.creator, model.description) == (team, writer, "ImageNet")
    assert model.snapshots().count() == 1
    page = writer_client.get(response["Location"]).content.decode()
    assert "Model resnet created." in page
    assert "No versions yet." in page


def test_htmx_create_redirects_the_browser(writer_client, team, htmx_headers):
    response = writer_client.post(CREATE_URL, {"group": team.pk, "name": "gpt"}, **htmx_headers)

    assert response["HX-Redirect"] == detail_url(MLModel.objects.get())


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "A name is required."),
        ("   ", "A name is required."),
        ("m" * 300, "Names are at most 255 characters long (this one has 300)."),
        ("taken", "The model name &#x27;taken&#x27; is already taken in this group."),
    ],
)
def test_bad_names_are_explained_in_the_form_fragment(
    writer_client, team, htmx_headers, name, message
):
    MLModelFactory(group=team, name="taken")

    response = writer_client.post(CREATE_URL, {"group": team.pk, "name": name}, **htmx_headers)

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert message in response.content.decode()
    assert MLModel.objects.count() == 1


def test_a_taken_name_in_another_group_is_free(writer_client, team):
    MLModelFactory(group=GroupFactory(), name="shared-name")

    response = writer_client.post(CREATE_URL, {"group": team.pk, "name": "shared-name"})

    assert response.status_code == 302
    assert MLModel.objects.filter(name="shared-name").count() == 2


def test_a_reader_cannot_create_models(reader_client, team):
    form = reader_client.get(CREATE_URL).content.decode()
    response = reader_client.post(CREATE_URL, {"group": team.pk, "name": "sneaky"})

    assert "You cannot create models: none of your groups gives you write access." in form
    assert response.status_code == 200
    assert not MLModel.objects.exists()


def test_a_group_the_user_may_not_write_in_is_refused(writer_client, db):
    foreign = GroupFactory()

    response = writer_client.post(CREATE_URL, {"group": foreign.pk, "name": "sneaky"})

    assert response.status_code == 200
    assert "you need write access to it" in response.content.decode()
    assert not MLModel.objects.exists()


def test_edit_renames_and_the_old_name_stays_on_error(writer_client, team, model):
    MLModelFactory(group=team, name="taken")
    edit_url = reverse("model_edit", args=[model.pk])

    refused = writer_client.post(edit_url, {"name": "taken"})
    blank = writer_client.post(edit_url, {"name": ""})
    model.refresh_from_db()
    assert refused.status_code == blank.status_code == 200
    assert "already taken in this group" in refused.content.decode()
    assert "A name is required." in blank.content.decode()
    assert model.name == "mnist-classifier"
    assert "Edit mnist-classifier" in refused.content.decode()  # not the refused name

    saved = writer_client.post(edit_url, {"name": "renamed", "description": "new"})
    model.refresh_from_db()
    assert saved["Location"] == detail_url(model)
    assert (model.name, model.description) == ("renamed", "new")
    assert model.snapshots().count() == 2


def test_edit_form_starts_with_the_current_values(writer_client, model):
    page = writer_client.get(reverse("model_edit", args=[model.pk])).content.decode()

    assert 'value="mnist-classifier"' in page
    assert "A model." in page


def test_delete_asks_then_removes_the_model_from_the_list(writer_client, model):
    delete_url = reverse("model_delete", args=[model.pk])

    confirm = writer_client.get(delete_url).content.decode()
    response = writer_client.post(delete_url)

    assert "Delete the model <strong>mnist-classifier</strong>" in confirm
    assert response["Location"] == LIST_URL
    model.refresh_from_db()
    assert model.deleted_on is not None
    page = writer_client.get(LIST_URL).content.decode()
    assert "Model mnist-classifier deleted." in page
    assert "No models yet." in page
    assert writer_client.get(detail_url(model)).status_code == 404


# Who sees what ---------------------------------------------------------------------------


def test_readers_see_the_model_and_its_versions_but_no_buttons(
    reader_client, writer, model, artifact
):
    ModelVersion.objects.create(model=model, version_number=1, artifact=artifact)

    page = reader_client.get(detail_url(model)).content.decode()

    assert "mnist-classifier" in page and "read-only" in page
    assert "file:///runs/1/weights.keras" in page
    assert reverse("model_edit", args=[model.pk]) not in page
    assert reverse("model_delete", args=[model.pk]) not in page
    assert add_version_url(model) not in page
    assert version_edit_url(model, 1) not in page
    assert "Add a version" not in page


def test_readers_may_not_change_anything(reader_client, model, artifact):
    ModelVersion.objects.create(model=model, version_number=1, artifact=artifact)
    changes = [
        (reverse("model_edit", args=[model.pk]), {"name": "mine"}),
        (reverse("model_delete", args=[model.pk]), {}),
        (add_version_url(model), {"artifact": artifact.pk}),
        (version_edit_url(model, 1), {"description": "mine"}),
    ]

    for url, data in changes:
        assert reader_client.get(url).status_code in (403, 405)
        assert reader_client.post(url, data).status_code == 403
    model.refresh_from_db()
    assert (model.name, model.deleted_on, model.versions.count()) == ("mnist-classifier", None, 1)
    assert model.versions.get().description is None


@pytest.mark.parametrize("action", ["detail", "edit", "delete"])
def test_outsiders_get_404(outsider_client, model, action):
    assert outsider_client.get(reverse(f"model_{action}", args=[model.pk])).status_code == 404


def test_outsiders_cannot_reach_versions(outsider_client, model, artifact):
    ModelVersion.objects.create(model=model, version_number=1, artifact=artifact)

    assert outsider_client.post(add_version_url(model), {"artifact": 1}).status_code == 404
    assert outsider_client.get(version_edit_url(model, 1)).status_code == 404
    assert model.versions.count() == 1


def test_outsiders_do_not_see_other_groups_models_in_the_list(outsider_client, model):
    page = outsider_client.get(LIST_URL).content.decode()

    assert "mnist-classifier" not in page
    assert "No models yet." in page


@pytest.mark.parametrize("path", ["/models/", "/models/new/"])
def test_anonymous_users_are_sent_to_log_in(client, db, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={path}"


def test_anonymous_users_cannot_open_a_model(client, model):
    response = client.get(detail_url(model))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Versions ----------------------------------------------------------------------------------


def test_versions_are_numbered_one_two_in_the_order_they_are_added(
    writer_client, team, model, artifact
):
    second = ArtifactFactory(group=team, uri="file:///runs/2/weights.keras")

    first_response = writer_client.post(
        add_version_url(model), {"artifact": artifact.pk, "description": "baseline"}
    )
    writer_client.post(add_version_url(model), {"artifact": second.pk})

    assert first_response["Location"] == detail_url(model)
    assert list(model.versions.values_list("version_number", "artifact", "description")) == [
        (1, artifact.pk, "baseline"),
        (2, second.pk, ""),
    ]
    page = writer_client.get(detail_url(model)).content.decode()
    assert "Version 2 of mnist-classifier added." in page
    assert page.index("file:///runs/1/weights.keras") < page.index("file:///runs/2/weights.keras")
    assert reverse("job_detail", args=[artifact.job_id]) in page
    assert f"job #{second.job_id}" in page


def test_the_version_form_offers_readable_artifacts_by_job_and_uri(writer_client, model, artifact):
    hidden = ArtifactFactory(group=GroupFactory(), uri="file:///secret/weights.keras")

    page = writer_client.get(detail_url(model)).content.decode()

    assert "Add a version" in page
    assert f'<option value="{artifact.pk}">job #{artifact.job_id} · {artifact.uri}</option>' in page
    assert hidden.uri not in page


def test_the_version_form_offers_only_the_newest_artifacts(writer_client, model, team, monkeypatch):
    monkeypatch.setattr("experiments.views.artifacts.ARTIFACT_CHOICES", 2)
    oldest, middle, newest = (ArtifactFactory(group=team, uri=f"file:///{n}") for n in range(3))

    page = writer_client.get(detail_url(model)).content.decode()

    assert f'<option value="{newest.pk}">' in page
    assert f'<option value="{middle.pk}">' in page
    assert f'<option value="{oldest.pk}">' not in page
    # An older one can still be posted by id.
    response = writer_client.post(
        reverse("model_version_create", args=[model.pk]), {"artifact": oldest.pk}
    )
    assert response.status_code == 302
    assert model.versions.get().artifact == oldest


def test_an_artifact_the_user_cannot_read_is_a_form_error(
    writer_client, model, artifact, htmx_headers
):
    hidden = ArtifactFactory(group=GroupFactory())

    response = writer_client.post(add_version_url(model), {"artifact": hidden.pk}, **htmx_headers)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert f"Failed to locate artifact with artifact_id having value ({hidden.pk})." in content
    assert not model.versions.exists()


@pytest.mark.parametrize(
    ("artifact_id", "message"),
    [
        ("", "Choose the artifact this version is made from."),
        ("abc", "Choose the artifact by its id."),
        ("999999", "Failed to locate artifact with artifact_id having value (999999)."),
        ("99999999999999999999999", "Failed to locate artifact with artifact_id having value"),
    ],
)
def test_bad_artifact_choices_re_render_the_whole_page_without_htmx(
    writer_client, model, artifact, artifact_id, message
):
    response = writer_client.post(add_version_url(model), {"artifact": artifact_id})

    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert "<html" in content and "mnist-classifier" in content
    assert not model.versions.exists()


def test_a_writer_without_readable_artifacts_is_told_where_they_come_from(writer_client, model):
    page = writer_client.get(detail_url(model)).content.decode()

    assert "There is no artifact you can use yet." in page
    assert add_version_url(model) not in page


def test_a_stored_artifact_is_linked_for_download(
    writer_client, model, artifact, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    artifact.file.save("weights.keras", ContentFile(b"weights"), save=False)
    artifact.file_size = 7
    artifact.save()
    ModelVersion.objects.create(model=model, version_number=1, artifact=artifact)

    page = writer_client.get(detail_url(model)).content.decode()

    assert reverse("artifact_download", args=[artifact.pk]) in page
    assert "7\xa0bytes" in page


def test_an_artifact_the_viewer_cannot_read_is_not_shown(team, writer, reader, model):
    other = GroupFactory()
    MembershipFactory(group=other, user=writer, write=True)
    foreign = ArtifactFactory(group=other, uri="file:///other/weights.keras")
    writer_client = logged_in(writer)
    writer_client.post(add_version_url(model), {"artifact": foreign.pk})

    writer_page = writer_client.get(detail_url(model)).content.decode()
    reader_page = logged_in(reader).get(detail_url(model)).content.decode()

    assert "file:///other/weights.keras" in writer_page
    assert "file:///other/weights.keras" not in reader_page
    assert f"Artifact #{foreign.pk} is not available to you." in reader_page


def test_a_version_description_is_edited_on_its_own_page(writer_client, model, artifact):
    ModelVersion.objects.create(model=model, version_number=1, artifact=artifact)
    url = version_edit_url(model, 1)

    assert url in writer_client.get(detail_url(model)).content.decode()
    form = writer_client.get(url).content.decode()
    response = writer_client.post(url, {"description": "pruned"})

    assert "Edit version 1 of mnist-classifier" in form
    assert response["Location"] == detail_url(model)
    assert model.versions.get().description == "pruned"
    page = writer_client.get(detail_url(model)).content.decode()
    assert "Version 1 of mnist-classifier saved." in page and "pruned" in page


def test_editing_a_version_that_does_not_exist_is_404(writer_client, model):
    assert writer_client.get(version_edit_url(model, 7)).status_code == 404


def test_htmx_version_edit_redirects_the_browser(writer_client, model, artifact, htmx_headers):
    ModelVersion.objects.create(model=model, version_number=1, artifact=artifact)

    response = writer_client.post(version_edit_url(model, 1), {"description": "x"}, **htmx_headers)

    assert response["HX-Redirect"] == detail_url(model)


# The list ----------------------------------------------------------------------------------


def test_empty_list_says_how_to_start(writer_client, reader_client, team):
    writer_page = writer_client.get(LIST_URL).content.decode()
    reader_page = reader_client.get(LIST_URL).content.decode()

    assert "No models yet." in writer_page and CREATE_URL in writer_page
    assert "Ask a group owner for write access to create models." in reader_page
    assert CREATE_URL not in reader_page


def test_list_shows_version_counts_and_the_latest_version(writer_client, team, model, artifact):
    MLModelFactory(group=team, name="unversioned")
    for number in (1, 2, 3):
        ModelVersion.objects.create(model=model, version_number=number, artifact=artifact)

    page = writer_client.get(LIST_URL).content.decode()

    row = page[page.index("mnist-classifier") :].split("</tr>")[0]
    assert ">3</td>" in row and "v3" in row
    empty_row = page[page.index("unversioned") :].split("</tr>")[0]
    assert ">0</td>" in empty_row and "v" not in empty_row.split("</td>")[3]


def test_list_search_by_name(writer_client, team, htmx_headers):
    MLModelFactory(group=team, name="mnist-classifier")
    MLModelFactory(group=team, name="cifar-resnet")

    found = writer_client.get(LIST_URL, {"q": "MNIST"}, **htmx_headers).content.decode()
    missing = writer_client.get(LIST_URL, {"q": "nope"}).content.decode()

    assert "<html" not in found
    assert "mnist-classifier" in found and "cifar-resnet" not in found
    assert "No model matches “nope”." in missing


def test_readers_see_list_rows_without_edit_buttons(reader_client, model):
    page = reader_client.get(LIST_URL).content.decode()

    assert "mnist-classifier" in page and "read-only" in page
    assert reverse("model_edit", args=[model.pk]) not in page


def test_list_query_count_does_not_grow_with_rows(
    writer_client, team, artifact, django_assert_num_queries
):
    def populate(count):
        for _ in range(count):
            model = MLModelFactory(group=team)
            ModelVersion.objects.create(model=model, version_number=1, artifact=artifact)

    populate(2)
    # session user, count, rows (with version counts), writable group ids, the
    # user's drafts
    with django_assert_num_queries(5):
        writer_client.get(LIST_URL)
    populate(10)
    with django_assert_num_queries(5):
        response = writer_client.get(LIST_URL)

    assert "1–12 of 12 models" in response.content.decode()


def test_the_nav_links_to_models(writer_client, team):
    page = writer_client.get(reverse("job_list")).content.decode()

    assert f'href="{LIST_URL}">Models</a>' in page
