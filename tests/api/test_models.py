"""Models and model versions in the REST API."""

from datetime import datetime

import pytest

from experiments.models import Artifact, Job, MLModel, ModelVersion, Tag
from tests.api.conftest import ERROR_KEYS, PAGE_KEYS, RESOURCE_KEYS, send
from tests.conftest import logged_in
from tests.factories import (
    EntrypointFactory,
    ExperimentFactory,
    GroupFactory,
    QueueFactory,
    ResourceFactory,
)

URL = "/api/v1/models"
MODEL_KEYS = RESOURCE_KEYS | {"name", "description", "versions", "latestVersion"}
VERSION_KEYS = {"model", "description", "versionNumber", "artifact", "createdOn"}


class ModelFactory(ResourceFactory):
    class Meta:
        model = MLModel

    name = "mnist-classifier"
    description = "A model."


def make_artifact(group, uri="file:///runs/model.keras") -> Artifact:
    """An artifact of a queued job in ``group`` (no file: versions only point at it)."""
    experiment = ExperimentFactory(group=group)
    job = Job.objects.create(
        group=group,
        creator=group.creator,
        experiment=experiment,
        entrypoint=EntrypointFactory(group=group),
        queue=QueueFactory(group=group),
    )
    artifact = Artifact.objects.create(group=group, creator=group.creator, job=job, uri=uri)
    artifact.record_snapshot(user=group.creator)
    return artifact


@pytest.fixture
def artifact(team):
    return make_artifact(team)


@pytest.fixture
def model(team):
    return ModelFactory(group=team)


def add_version(client, model, artifact, **body):
    return send(client, "POST", f"{URL}/{model.pk}/versions", {"artifact": artifact.pk, **body})


# Models ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [URL, URL + "/"])
def test_writer_creates_a_model(writer, team, path):
    response = send(logged_in(writer), "POST", path, {"group": team.pk, "name": "resnet"})

    assert response.status_code == 200
    data = response.json()
    assert set(data) == MODEL_KEYS
    assert data["name"] == "resnet" and data["description"] is None
    assert data["versions"] == [] and data["latestVersion"] is None
    assert data["user"]["id"] == writer.pk and data["hasDraft"] is False
    assert MLModel.objects.get().snapshot_id == data["snapshot"]


def test_create_errors(writer, reader, team, model):
    client = logged_in(writer)

    response = send(client, "POST", URL, {"group": team.pk, "name": model.name})
    assert response.status_code == 409 and response.json()["error"] == "EntityExistsError"
    assert send(client, "POST", URL, {"group": team.pk, "name": " "}).status_code == 400
    assert send(client, "POST", URL, {"group": team.pk}).status_code == 400
    assert send(client, "POST", URL, {"group": 424242, "name": "m"}).status_code == 404
    response = send(client, "POST", URL, {"group": team.pk, "name": "m", "id": 3})
    assert response.json() == {"errors": {"id": ["Unknown field."]}}
    response = send(logged_in(reader), "POST", URL, {"group": team.pk, "name": "m"})
    assert response.status_code == 400 and response.json()["error"] == "UserNotInGroupError"
    assert MLModel.objects.count() == 1


def test_anonymous_gets_401(anonymous, model):
    assert send(anonymous, "GET", URL).status_code == 401
    assert send(anonymous, "GET", f"{URL}/{model.pk}").status_code == 401
    assert send(anonymous, "GET", f"{URL}/{model.pk}/versions").status_code == 401


@pytest.mark.parametrize("suffix", ["", "/"])
def test_get_a_model_with_its_versions(writer, reader, outsider, model, artifact, suffix):
    add_version(logged_in(writer), model, artifact, description="first")
    add_version(logged_in(writer), model, artifact, description="second")

    response = logged_in(reader).get(f"{URL}/{model.pk}{suffix}")

    assert response.status_code == 200
    data = response.json()
    assert set(data) == MODEL_KEYS
    assert data["versions"] == [
        {"versionNumber": n, "url": f"/api/v1/models/{model.pk}/versions/{n}"} for n in (1, 2)
    ]
    latest = data["latestVersion"]
    assert set(latest) == VERSION_KEYS
    assert latest["versionNumber"] == 2 and latest["description"] == "second"
    assert latest["model"] == {
        "id": model.pk,
        "name": model.name,
        "group": data["group"],
        "url": f"models/{model.pk}",  # Dioptra's ModelRef has no /api/v1/ prefix
    }
    assert latest["artifact"] == {
        "id": artifact.pk,
        "group": data["group"],
        "url": f"/api/v1/artifacts/{artifact.pk}",
    }
    assert logged_in(outsider).get(f"{URL}/{model.pk}{suffix}").status_code == 404
    assert logged_in(reader).get(f"{URL}/987654{suffix}").status_code == 404


def test_put_replaces_name_and_description(writer, model):
    response = send(logged_in(writer), "PUT", f"{URL}/{model.pk}", {"name": "renamed"})

    assert response.status_code == 200
    assert response.json()["name"] == "renamed"
    assert response.json()["description"] is None  # omitted means null
    assert response.json()["snapshot"] > model.snapshot_id
    assert set(response.json()) == MODEL_KEYS


def test_put_permissions_and_conflicts(writer, reader, outsider, team, model):
    ModelFactory(group=team, name="taken")
    path = f"{URL}/{model.pk}/"

    assert send(logged_in(reader), "PUT", path, {"name": "x"}).status_code == 403
    assert send(logged_in(outsider), "PUT", path, {"name": "x"}).status_code == 404
    response = send(logged_in(writer), "PUT", path, {"name": "taken"})
    assert response.status_code == 409 and set(response.json()) == ERROR_KEYS
    assert send(logged_in(writer), "PUT", path, {"description": "d"}).status_code == 400
    model.refresh_from_db()
    assert model.name == "mnist-classifier"


def test_delete_a_model_frees_its_name(writer, reader, team, model):
    path = f"{URL}/{model.pk}"

    assert send(logged_in(reader), "DELETE", path).status_code == 403
    response = send(logged_in(writer), "DELETE", path)

    assert response.status_code == 200
    assert response.json() == {"status": "Success"}  # no "id", as in Dioptra
    assert send(logged_in(writer), "GET", path).status_code == 404
    assert send(logged_in(writer), "DELETE", path).status_code == 404
    again = send(logged_in(writer), "POST", URL, {"group": team.pk, "name": model.name})
    assert again.status_code == 200


def test_list_models_pages_sorts_and_searches(reader, team):
    b = ModelFactory(group=team, name="beta", description="second one")
    a = ModelFactory(group=team, name="alpha", description="first one")
    ModelFactory(name="hidden")  # another group's
    client = logged_in(reader)

    page = client.get(URL, {"pageLength": 1}).json()
    by_name = client.get(URL + "/", {"sortBy": "name"}).json()
    descending = client.get(URL, {"sortBy": "name", "descending": "True"}).json()
    searched = client.get(URL, {"search": "description:first*"}).json()
    in_group = client.get(URL, {"groupId": team.pk}).json()

    assert set(page) == PAGE_KEYS | {"next"}
    assert page["totalNumResults"] == 2 and page["data"][0]["id"] == b.pk
    assert page["next"] == "/api/v1/models?index=1&pageLength=1"
    assert [m["name"] for m in by_name["data"]] == ["alpha", "beta"]
    assert [m["name"] for m in descending["data"]] == ["beta", "alpha"]
    assert [m["id"] for m in searched["data"]] == [a.pk]
    assert in_group["totalNumResults"] == 2
    assert client.get(URL, {"sortBy": "size"}).status_code == 400
    assert client.get(URL, {"search": "colour:red"}).status_code == 422
    assert client.get(URL, {"groupId": GroupFactory().pk}).status_code == 404


def test_search_by_tag(reader, writer, team, model):
    ModelFactory(group=team, name="other")
    model.tags.add(Tag.objects.create(group=team, name="production", creator=writer))

    page = logged_in(reader).get(URL, {"search": "tag:prod*"}).json()

    assert [m["id"] for m in page["data"]] == [model.pk]


@pytest.mark.parametrize("count", [2, 8])
def test_list_query_count_does_not_grow(writer, team, count, django_assert_num_queries):
    artifact = make_artifact(team)
    tag = Tag.objects.create(group=team, name="best", creator=writer)
    for n in range(count):
        model = ModelFactory(group=team, name=f"model-{n}")
        model.tags.add(tag)
        ModelVersion.objects.create(model=model, version_number=1, artifact=artifact)
    client = logged_in(writer)

    # (a page that is not full needs no count) user, the page's ids,
    # their rows with their tags, versions (with their artifacts)
    with django_assert_num_queries(4):
        response = client.get(URL, {"pageLength": 100})

    assert len(response.json()["data"]) == count
    assert all(m["latestVersion"]["versionNumber"] == 1 for m in response.json()["data"])


# Versions -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_add_versions_numbers_them_in_turn(writer, model, artifact, suffix):
    client = logged_in(writer)
    path = f"{URL}/{model.pk}/versions{suffix}"

    first = send(client, "POST", path, {"artifact": artifact.pk, "description": "v1"})
    second = send(client, "POST", path, {"artifact": artifact.pk})

    assert first.status_code == 200 and second.status_code == 200
    assert set(first.json()) == VERSION_KEYS
    assert first.json()["versionNumber"] == 1 and first.json()["description"] == "v1"
    assert second.json()["versionNumber"] == 2 and second.json()["description"] is None
    assert datetime.fromisoformat(first.json()["createdOn"]).utcoffset().total_seconds() == 0
    model.refresh_from_db()
    assert model.snapshots().count() == 1  # a version is no change to the model itself


def test_add_version_errors(writer, reader, outsider, team, model, artifact):
    foreign = make_artifact(GroupFactory(), uri="file:///elsewhere")
    client = logged_in(writer)
    path = f"{URL}/{model.pk}/versions"

    assert send(client, "POST", path, {}).json() == {
        "errors": {"artifact": ["Missing data for required field."]}
    }
    assert send(client, "POST", path, {"artifact": "one"}).status_code == 400
    response = send(client, "POST", path, {"artifact": 987654})
    assert response.status_code == 404 and "artifact" in response.json()["message"]
    assert send(client, "POST", path, {"artifact": foreign.pk}).status_code == 404
    assert (
        send(client, "POST", f"{URL}/987654/versions", {"artifact": artifact.pk}).status_code == 404
    )
    assert send(logged_in(reader), "POST", path, {"artifact": artifact.pk}).status_code == 403
    assert send(logged_in(outsider), "POST", path, {"artifact": artifact.pk}).status_code == 404
    assert not ModelVersion.objects.exists()


def test_list_versions(writer, reader, outsider, model, artifact):
    client = logged_in(writer)
    for description in ("baseline", "tuned", "tuned again"):
        add_version(client, model, artifact, description=description)
    path = f"{URL}/{model.pk}/versions"

    page = logged_in(reader).get(path, {"pageLength": 2}).json()
    searched = logged_in(reader).get(path + "/", {"search": "description:tuned*"}).json()

    assert set(page) == PAGE_KEYS | {"next"}
    assert page["totalNumResults"] == 3
    assert [v["versionNumber"] for v in page["data"]] == [1, 2]
    assert all(set(v) == VERSION_KEYS for v in page["data"])
    assert page["next"] == f"/api/v1/models/{model.pk}/versions?index=2&pageLength=2"
    assert [v["versionNumber"] for v in searched["data"]] == [2, 3]
    assert logged_in(reader).get(path, {"search": "tag:x"}).json()["data"] == []
    assert logged_in(reader).get(path, {"search": "name:x"}).status_code == 422
    assert logged_in(outsider).get(path).status_code == 404


@pytest.mark.parametrize("count", [2, 8])
def test_version_list_query_count_does_not_grow(
    writer, model, artifact, count, django_assert_num_queries
):
    for n in range(count):
        ModelVersion.objects.create(model=model, version_number=n + 1, artifact=artifact)
    client = logged_in(writer)

    # user, model, count, versions with their artifacts
    with django_assert_num_queries(4):
        response = client.get(f"{URL}/{model.pk}/versions", {"pageLength": 100})

    assert len(response.json()["data"]) == count


@pytest.mark.parametrize("suffix", ["", "/"])
def test_get_and_describe_a_version(writer, reader, outsider, model, artifact, suffix):
    add_version(logged_in(writer), model, artifact, description="old")
    path = f"{URL}/{model.pk}/versions/1{suffix}"

    got = logged_in(reader).get(path)
    changed = send(logged_in(writer), "PUT", path, {"description": "new"})
    cleared = send(logged_in(writer), "PUT", path, {})

    assert got.status_code == 200 and set(got.json()) == VERSION_KEYS
    assert got.json()["description"] == "old"
    assert changed.status_code == 200 and changed.json()["description"] == "new"
    assert cleared.json()["description"] is None
    assert logged_in(reader).get(f"{URL}/{model.pk}/versions/2{suffix}").status_code == 404
    assert logged_in(outsider).get(path).status_code == 404


def test_version_change_errors(writer, reader, model, artifact):
    add_version(logged_in(writer), model, artifact, description="old")
    path = f"{URL}/{model.pk}/versions/1"

    assert send(logged_in(reader), "PUT", path, {"description": "x"}).status_code == 403
    assert send(logged_in(writer), "PUT", path, {"description": 5}).status_code == 400
    response = send(logged_in(writer), "PUT", path, {"artifact": artifact.pk})
    assert response.json() == {"errors": {"artifact": ["Unknown field."]}}
    assert send(logged_in(writer), "PUT", f"{URL}/{model.pk}/versions/9", {}).status_code == 404
    assert send(logged_in(writer), "DELETE", path).status_code == 405
    assert ModelVersion.objects.get().description == "old"
