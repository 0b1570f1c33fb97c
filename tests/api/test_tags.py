"""Tags in the REST API: ``/tags`` and the ``.../tags`` sub-routes of every
taggable resource (queues, experiments, entrypoints, plugins, plugin files,
parameter types, models, jobs)."""

import pytest

from experiments import accounts, definitions
from experiments.models import Tag
from tests.api.conftest import ERROR_KEYS, PAGE_KEYS, send
from tests.conftest import logged_in
from tests.factories import (
    EntrypointFactory,
    ExperimentFactory,
    GroupFactory,
    MembershipFactory,
    PluginFactory,
    PluginParameterTypeFactory,
    QueueFactory,
)
from tests.jobs.conftest import make_workflow

URL = "/api/v1/tags"
TAG_KEYS = {"id", "name", "group", "user", "createdOn", "lastModifiedOn"}
TAG_REF_KEYS = {"id", "name", "group", "url"}


def make_tag(group, name="mnist") -> Tag:
    return Tag.objects.create(group=group, name=name, creator=group.creator)


# /tags ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [URL, URL + "/"])
def test_writer_creates_a_tag(writer, team, path):
    response = send(logged_in(writer), "POST", path, {"group": team.pk, "name": " mnist "})

    assert response.status_code == 200
    body = response.json()
    assert set(body) == TAG_KEYS
    assert body["name"] == "mnist"
    assert body["group"] == {"id": team.pk, "name": "team", "url": f"/api/v1/groups/{team.pk}"}
    assert body["user"]["id"] == writer.pk
    assert Tag.objects.get().name == "mnist"


def test_create_errors(writer, reader, outsider, anonymous, team):
    make_tag(team, "taken")
    client = logged_in(writer)

    response = send(client, "POST", URL, {"group": team.pk, "name": "taken"})
    assert response.status_code == 409 and set(response.json()) == ERROR_KEYS
    assert response.json()["error"] == "EntityExistsError"
    assert send(client, "POST", URL, {"group": team.pk, "name": "  "}).status_code == 400
    assert send(client, "POST", URL, {"group": team.pk}).json() == {
        "errors": {"name": ["Missing data for required field."]}
    }
    assert send(client, "POST", URL, {"group": "team", "name": "x"}).status_code == 400
    assert send(client, "POST", URL, {"group": team.pk, "name": "x", "id": 3}).json() == {
        "errors": {"id": ["Unknown field."]}
    }
    assert send(client, "POST", URL, {"group": 424242, "name": "x"}).status_code == 404
    response = send(logged_in(reader), "POST", URL, {"group": team.pk, "name": "x"})
    assert response.status_code == 400 and response.json()["error"] == "UserNotInGroupError"
    assert send(logged_in(outsider), "POST", URL, {"group": team.pk, "name": "x"}).status_code == (
        404
    )
    assert send(anonymous, "POST", URL, {"group": team.pk, "name": "x"}).status_code == 401
    assert Tag.objects.count() == 1


def test_the_same_name_in_another_group_is_fine(writer, team):
    other = GroupFactory()
    MembershipFactory(group=other, user=writer, write=True)
    make_tag(team, "mnist")

    response = send(logged_in(writer), "POST", URL, {"group": other.pk, "name": "mnist"})

    assert response.status_code == 200


@pytest.mark.parametrize("suffix", ["", "/"])
def test_get_a_tag(reader, outsider, anonymous, team, suffix):
    tag = make_tag(team)

    response = logged_in(reader).get(f"{URL}/{tag.pk}{suffix}")

    assert response.status_code == 200
    assert set(response.json()) == TAG_KEYS
    assert logged_in(outsider).get(f"{URL}/{tag.pk}{suffix}").status_code == 404
    assert logged_in(reader).get(f"{URL}/424242{suffix}").status_code == 404
    assert anonymous.get(f"{URL}/{tag.pk}{suffix}").status_code == 401


def test_list_shows_the_tags_of_readable_groups(reader, outsider, team):
    make_tag(team, "a")
    make_tag(GroupFactory(), "hidden")

    response = logged_in(reader).get(URL)

    assert response.status_code == 200
    assert set(response.json()) == PAGE_KEYS
    assert [t["name"] for t in response.json()["data"]] == ["a"]
    assert set(response.json()["data"][0]) == TAG_KEYS
    assert logged_in(outsider).get(URL).json()["data"] == []


def test_list_pages_searches_sorts_and_filters_by_group(writer, team):
    for name in ["beta", "alpha", "gamma"]:
        make_tag(team, name)
    other = GroupFactory()
    MembershipFactory(group=other, user=writer)
    make_tag(other, "delta")
    client = logged_in(writer)

    page = client.get(URL, {"index": 1, "pageLength": 2, "sortBy": "name"}).json()
    assert [t["name"] for t in page["data"]] == ["beta", "delta"]
    assert page["totalNumResults"] == 4 and page["isComplete"] is False
    assert page["prev"] == "/api/v1/tags?index=0&pageLength=2"
    assert page["next"] == "/api/v1/tags?index=3&pageLength=2"
    page = client.get(URL, {"sortBy": "name", "descending": "True"}).json()
    assert [t["name"] for t in page["data"]] == ["gamma", "delta", "beta", "alpha"]
    page = client.get(URL, {"search": "name:?e*", "sortBy": "name"}).json()
    assert [t["name"] for t in page["data"]] == ["beta", "delta"]
    page = client.get(URL, {"groupId": other.pk}).json()
    assert [t["name"] for t in page["data"]] == ["delta"]
    assert client.get(URL, {"sortBy": "group"}).status_code == 400
    assert client.get(URL, {"search": "colour:red"}).status_code == 422
    assert client.get(URL, {"groupId": GroupFactory().pk}).status_code == 404
    assert client.get(URL, {"pageLength": 1001}).status_code == 400


@pytest.mark.parametrize("count", [1, 6])
def test_list_query_count_does_not_grow(writer, team, count, django_assert_num_queries):
    for n in range(count):
        make_tag(team, f"tag-{n}")
    client = logged_in(writer)

    with django_assert_num_queries(3):
        response = client.get(URL)

    assert len(response.json()["data"]) == count


def test_writer_renames_a_tag(writer, team):
    tag = make_tag(team, "old")

    response = send(logged_in(writer), "PUT", f"{URL}/{tag.pk}/", {"name": "new"})

    assert response.status_code == 200
    assert set(response.json()) == TAG_KEYS
    assert response.json()["name"] == "new"
    assert response.json()["lastModifiedOn"] > response.json()["createdOn"]
    tag.refresh_from_db()
    assert tag.name == "new"


def test_rename_errors(writer, reader, outsider, team):
    make_tag(team, "taken")
    tag = make_tag(team, "mine")
    path = f"{URL}/{tag.pk}"

    assert send(logged_in(reader), "PUT", path, {"name": "x"}).status_code == 403
    assert send(logged_in(outsider), "PUT", path, {"name": "x"}).status_code == 404
    assert send(logged_in(writer), "PUT", path, {"name": "taken"}).status_code == 409
    assert send(logged_in(writer), "PUT", path, {"name": "mine"}).status_code == 200
    assert send(logged_in(writer), "PUT", path, {}).status_code == 400
    assert send(logged_in(writer), "PUT", path, {"name": "x", "group": 1}).status_code == 400
    assert send(logged_in(writer), "PUT", path, "{not json").status_code == 400
    assert send(logged_in(writer), "PUT", f"{URL}/424242", {"name": "x"}).status_code == 404
    tag.refresh_from_db()
    assert tag.name == "mine"


def test_writer_deletes_a_tag_and_it_leaves_every_resource(writer, reader, outsider, team):
    tag = make_tag(team)
    queue = QueueFactory(group=team)
    queue.tags.add(tag)
    path = f"{URL}/{tag.pk}"

    assert send(logged_in(reader), "DELETE", path).status_code == 403
    assert send(logged_in(outsider), "DELETE", path).status_code == 404
    response = send(logged_in(writer), "DELETE", path + "/")

    assert response.status_code == 200
    assert response.json() == {"status": "Success", "id": [tag.pk]}
    assert not Tag.objects.exists()
    assert logged_in(writer).get(f"/api/v1/queues/{queue.pk}").json()["tags"] == []
    assert send(logged_in(writer), "DELETE", path).status_code == 404


def test_methods_not_allowed(writer, team):
    tag = make_tag(team)
    response = send(logged_in(writer), "POST", f"{URL}/{tag.pk}", {"name": "x"})
    assert response.status_code == 405
    assert send(logged_in(writer), "DELETE", URL).status_code == 405


# /tags/{id}/resources ------------------------------------------------------------------------


@pytest.fixture
def tagged(writer, team):
    """A tag on a queue, a deleted queue, an experiment and an entrypoint of `team`,
    and on a queue of a group the team's members cannot read."""
    tag = make_tag(team)
    queue, gone = QueueFactory(group=team), QueueFactory(group=team)
    gone.soft_delete()
    experiment = ExperimentFactory(group=team)
    entrypoint = EntrypointFactory(group=team)
    hidden = QueueFactory(group=GroupFactory())
    for resource in (queue, gone, experiment, entrypoint, hidden):
        resource.tags.add(tag)
    return tag, queue, gone, experiment, entrypoint


@pytest.mark.parametrize("suffix", ["", "/"])
def test_tag_resources_lists_what_carries_the_tag(reader, tagged, suffix):
    tag, queue, gone, experiment, entrypoint = tagged

    response = logged_in(reader).get(f"{URL}/{tag.pk}/resources{suffix}")

    assert response.status_code == 200
    assert set(response.json()) == PAGE_KEYS
    assert response.json()["data"] == [
        f"/api/v1/entry_point/{entrypoint.pk}",
        f"/api/v1/experiment/{experiment.pk}",
        f"/api/v1/queue/{queue.pk}",
        f"/api/v1/queue/{gone.pk}",  # deleted resources stay listed, as in Dioptra
    ]
    assert response.json()["totalNumResults"] == 4


def test_tag_resources_filters_by_type_and_pages(reader, outsider, tagged):
    tag, queue, gone, *_ = tagged
    client = logged_in(reader)
    path = f"{URL}/{tag.pk}/resources"

    page = client.get(path, {"resourceType": "queue", "index": 1, "pageLength": 1}).json()
    assert page["data"] == [f"/api/v1/queue/{gone.pk}"]
    assert page["totalNumResults"] == 2 and page["isComplete"] is True
    assert page["first"] == f"/api/v1/tags/{tag.pk}/resources?index=0&pageLength=1"
    assert client.get(path, {"resourceType": "ml_model"}).json()["data"] == []
    response = client.get(path, {"resourceType": "queues"})
    assert response.status_code == 400 and "resourceType" in response.json()["errors"]
    assert client.get(path, {"index": -1}).status_code == 400
    assert logged_in(outsider).get(path).status_code == 404


@pytest.mark.parametrize("count", [1, 5])
def test_tag_resources_query_count_does_not_grow(writer, team, count, django_assert_num_queries):
    tag = make_tag(team)
    for _ in range(count):
        QueueFactory(group=team).tags.add(tag)
        ExperimentFactory(group=team).tags.add(tag)
    client = logged_in(writer)

    with django_assert_num_queries(4):
        response = client.get(f"{URL}/{tag.pk}/resources", {"pageLength": 100})

    assert len(response.json()["data"]) == 2 * count


# .../{id}/tags on every taggable resource ---------------------------------------------------


def _plugin_file(writer, team):
    plugin = PluginFactory(group=team)
    file = definitions.create_plugin_file(user=writer, plugin=plugin, filename="a.py", contents="")
    return f"/api/v1/plugins/{plugin.pk}/files/{file.pk}", file


def _job(writer, team):
    accounts.ensure_public_group(creator=writer)
    job = make_workflow(writer, team).submit(writer)
    return f"/api/v1/jobs/{job.pk}", job


def _model(writer, team):
    model = definitions.create_model(user=writer, group_id=team.pk, name="classifier")
    return f"/api/v1/models/{model.pk}", model


def _factory(route, factory):
    def make(writer, team):
        resource = factory(group=team)
        return f"/api/v1/{route}/{resource.pk}", resource

    return make


TAGGABLE = {
    "queues": _factory("queues", QueueFactory),
    "experiments": _factory("experiments", ExperimentFactory),
    "entrypoints": _factory("entrypoints", EntrypointFactory),
    "plugins": _factory("plugins", PluginFactory),
    "pluginParameterTypes": _factory("pluginParameterTypes", PluginParameterTypeFactory),
    "models": _model,
    "jobs": _job,
    "plugin files": _plugin_file,
}


@pytest.fixture(params=list(TAGGABLE))
def taggable(request, writer, team):
    """(the resource's URL, the resource) for each taggable type."""
    return TAGGABLE[request.param](writer, team)


def names(response) -> list[str]:
    return [t["name"] for t in response.json()]


def test_tags_of_a_resource_append_replace_and_remove(writer, team, taggable):
    path, resource = taggable
    a, b, c = make_tag(team, "a"), make_tag(team, "b"), make_tag(team, "c")
    snapshot_id = resource.snapshot_id
    client = logged_in(writer)

    assert client.get(f"{path}/tags").json() == []
    response = send(client, "POST", f"{path}/tags", {"ids": [c.pk, a.pk]})
    assert response.status_code == 200
    assert names(response) == ["c", "a"]
    assert set(response.json()[0]) == TAG_REF_KEYS
    assert response.json()[0]["url"] == f"/api/v1/tags/{c.pk}"
    # Appending ignores tags already attached and keeps the attachment order.
    assert names(send(client, "POST", f"{path}/tags/", {"ids": [a.pk, b.pk, b.pk]})) == [
        "c",
        "a",
        "b",
    ]
    assert names(client.get(f"{path}/tags/")) == ["c", "a", "b"]
    assert [t["name"] for t in client.get(path).json()["tags"]] == ["c", "a", "b"]
    # Replacing uses the order given.
    assert names(send(client, "PUT", f"{path}/tags", {"ids": [b.pk, c.pk]})) == ["b", "c"]
    assert names(client.get(f"{path}/tags")) == ["b", "c"]
    response = send(client, "DELETE", f"{path}/tags/{b.pk}")
    assert response.json() == {"status": "Success", "id": [b.pk]}
    assert names(client.get(f"{path}/tags")) == ["c"]
    assert send(client, "DELETE", f"{path}/tags/{b.pk}/").status_code == 404
    send(client, "POST", f"{path}/tags", {"ids": [a.pk]})
    response = send(client, "DELETE", f"{path}/tags/")
    assert response.json() == {"status": "Success", "id": [c.pk, a.pk]}
    assert client.get(f"{path}/tags").json() == []
    # Tags belong to the resource, not to a snapshot: none was made.
    resource.refresh_from_db()
    assert resource.snapshot_id == snapshot_id


def test_tag_changes_need_write_access(writer, reader, outsider, anonymous, team, taggable):
    path, resource = taggable
    tag = make_tag(team)
    resource.tags.add(tag)

    assert names(logged_in(reader).get(f"{path}/tags")) == ["mnist"]
    for method, suffix, body in [
        ("POST", "", {"ids": [tag.pk]}),
        ("PUT", "", {"ids": []}),
        ("DELETE", "", None),
        ("DELETE", f"/{tag.pk}", None),
    ]:
        assert send(logged_in(reader), method, f"{path}/tags{suffix}", body).status_code == 403
        assert send(logged_in(outsider), method, f"{path}/tags{suffix}", body).status_code == 404
        assert send(anonymous, method, f"{path}/tags{suffix}", body).status_code == 401
    assert logged_in(outsider).get(f"{path}/tags").status_code == 404
    assert list(resource.tags.all()) == [tag]


@pytest.mark.parametrize(
    "body, status",
    [
        ({}, 400),
        ({"ids": "1"}, 400),
        ({"ids": [True]}, 400),
        ({"ids": [1.5]}, 400),
        ({"ids": [], "name": "x"}, 400),
        ([1, 2], 400),
        ("{broken", 400),
    ],
)
def test_bad_tag_bodies(writer, queue_path, body, status):
    for method in ("POST", "PUT"):
        assert send(logged_in(writer), method, f"{queue_path}/tags", body).status_code == status


@pytest.fixture
def queue_path(team):
    return f"/api/v1/queues/{QueueFactory(group=team).pk}"


def test_unknown_or_unreadable_tags_are_not_found(writer, team, queue_path):
    hidden = make_tag(GroupFactory(), "hidden")
    mine = make_tag(team)
    client = logged_in(writer)

    for ids in ([424242], [mine.pk, hidden.pk]):
        response = send(client, "POST", f"{queue_path}/tags", {"ids": ids})
        assert response.status_code == 404
        assert response.json()["error"] == "EntityDoesNotExistError"
    assert send(client, "PUT", f"{queue_path}/tags", {"ids": [hidden.pk]}).status_code == 404
    assert client.get(f"{queue_path}/tags").json() == []


def test_tags_of_missing_or_deleted_resources_are_not_found(writer, team):
    queue = QueueFactory(group=team)
    queue.soft_delete()
    plugin = PluginFactory(group=team)
    client = logged_in(writer)

    assert client.get(f"/api/v1/queues/{queue.pk}/tags").status_code == 404
    assert client.get("/api/v1/experiments/424242/tags").status_code == 404
    assert client.get(f"/api/v1/plugins/{plugin.pk}/files/424242/tags").status_code == 404
    assert send(client, "DELETE", f"/api/v1/queues/{queue.pk}/tags/1").status_code == 404


def test_a_tag_sub_route_answers_405_for_other_methods(writer, team, queue_path):
    tag = make_tag(team)
    client = logged_in(writer)

    assert client.get(f"{queue_path}/tags/{tag.pk}").status_code == 405
    assert send(client, "PATCH", f"{queue_path}/tags", {"ids": []}).status_code == 405


def test_builtin_parameter_types_cannot_be_tagged(writer, team):
    accounts.ensure_public_group(creator=writer)
    string = definitions.common.PluginParameterType.objects.get(is_builtin=True, name="string")
    tag = make_tag(team)

    path = f"/api/v1/pluginParameterTypes/{string.pk}/tags"
    assert send(logged_in(writer), "POST", path, {"ids": [tag.pk]}).status_code == 403


def test_resource_lists_show_tags_in_attachment_order(writer, team):
    a, b = make_tag(team, "a"), make_tag(team, "b")
    first, second = QueueFactory(group=team, name="first"), QueueFactory(group=team, name="second")
    first.tags.add(b)
    first.tags.add(a)
    second.tags.add(a)
    second.tags.add(b)

    data = logged_in(writer).get("/api/v1/queues").json()["data"]

    assert [[t["name"] for t in q["tags"]] for q in data] == [["b", "a"], ["a", "b"]]


@pytest.mark.parametrize("count", [1, 5])
def test_resource_tags_query_count_does_not_grow(
    writer, team, queue_path, count, django_assert_num_queries
):
    ids = [make_tag(team, f"tag-{n}").pk for n in range(count)]
    client = logged_in(writer)
    send(client, "PUT", f"{queue_path}/tags", {"ids": ids})

    with django_assert_num_queries(3):
        response = client.get(f"{queue_path}/tags")

    assert len(response.json()) == count
