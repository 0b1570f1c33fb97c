from datetime import datetime

import pytest

from experiments.models import Draft, Experiment
from tests.api.conftest import ERROR_KEYS, EXPERIMENT_KEYS, PAGE_KEYS, REF_KEYS, send
from tests.conftest import logged_in
from tests.factories import EntrypointFactory, ExperimentFactory, GroupFactory, UserFactory

URL = "/api/v1/experiments"


def create(client, **body):
    return send(client, "POST", URL, body)


# Create -----------------------------------------------------------------------


@pytest.mark.parametrize("path", [URL, URL + "/"])
def test_writer_creates_an_experiment_with_entrypoints(writer, team, path):
    entrypoint = EntrypointFactory(group=team)
    body = {"group": team.pk, "name": "mnist", "description": "d", "entrypoints": [entrypoint.pk]}

    response = send(logged_in(writer), "POST", path, body)

    assert response.status_code == 200
    data = response.json()
    assert set(data) == EXPERIMENT_KEYS
    assert data["name"] == "mnist"
    assert data["description"] == "d"
    assert data["group"] == {"id": team.pk, "name": "team", "url": f"/api/v1/groups/{team.pk}"}
    assert data["user"] == {
        "id": writer.pk,
        "username": writer.username,
        "url": f"/api/v1/users/{writer.pk}",
    }
    assert [set(e) for e in data["entrypoints"]] == [REF_KEYS]
    assert data["entrypoints"][0]["url"] == f"/api/v1/entrypoints/{entrypoint.pk}"
    assert data["latestSnapshot"] is True and data["hasDraft"] is False
    assert data["tags"] == []
    assert datetime.fromisoformat(data["createdOn"]).utcoffset().total_seconds() == 0
    assert Experiment.objects.get(pk=data["id"]).snapshot_id == data["snapshot"]


@pytest.mark.parametrize("with_entrypoints", [False, True])
def test_create_answers_what_a_later_get_shows(writer, team, with_entrypoints):
    entrypoints = [EntrypointFactory(group=team).pk for _ in range(2)] if with_entrypoints else []
    client = logged_in(writer)

    created = create(client, group=team.pk, name="mnist", entrypoints=entrypoints).json()

    assert created == send(client, "GET", f"{URL}/{created['id']}").json()
    assert [e["id"] for e in created["entrypoints"]] == entrypoints


def test_duplicate_name_in_group_is_409(writer, team):
    ExperimentFactory(group=team, name="mnist")

    response = create(logged_in(writer), group=team.pk, name="mnist")

    assert response.status_code == 409
    assert set(response.json()) == ERROR_KEYS
    assert response.json()["error"] == "EntityExistsError"
    assert response.json()["message"].startswith("Conflict - ")
    assert response.json()["originating_path"] == "/api/v1/experiments?"


def test_same_name_in_another_group_is_fine(writer, team):
    ExperimentFactory(name="mnist")

    assert create(logged_in(writer), group=team.pk, name="mnist").status_code == 200


@pytest.mark.parametrize("name", ["", "   ", "x" * 256])
def test_blank_or_overlong_name_is_400(writer, team, name):
    response = create(logged_in(writer), group=team.pk, name=name)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["name"]


def test_reader_may_not_create_in_the_group(reader, team):
    response = create(logged_in(reader), group=team.pk, name="mnist")

    assert response.status_code == 400
    assert response.json()["error"] == "UserNotInGroupError"
    assert not Experiment.objects.exists()


def test_outsider_cannot_create_in_a_group_they_cannot_see(outsider, team):
    response = create(logged_in(outsider), group=team.pk, name="mnist")

    assert response.status_code == 404
    assert response.json()["error"] == "EntityDoesNotExistError"


def test_unknown_or_invisible_entrypoint_is_404(writer, team):
    hidden = EntrypointFactory()  # in a group the writer cannot read
    client = logged_in(writer)

    for entrypoint_id in (hidden.pk, 999999):
        response = create(client, group=team.pk, name="mnist", entrypoints=[entrypoint_id])
        assert response.status_code == 404
        assert response.json()["detail"]["id"] == entrypoint_id
    assert not Experiment.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("group", "1"),
        ("group", True),
        ("group", None),
        ("name", 5),
        ("description", 7),
        ("entrypoints", "1"),
        ("entrypoints", [True]),
        ("entrypoints", [{"id": 1}]),
        ("entrypoints", ["1"]),
    ],
)
def test_wrong_types_are_400_naming_the_field(writer, team, field, value):
    body = {"group": team.pk, "name": "mnist", field: value}

    response = send(logged_in(writer), "POST", URL, body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize("key", ["id", "snapshot", "user", "tags", "colour"])
def test_unknown_and_read_only_keys_are_400(writer, team, key):
    response = create(logged_in(writer), group=team.pk, name="mnist", **{key: 1})

    assert response.status_code == 400
    assert response.json() == {"errors": {key: ["Unknown field."]}}


def test_missing_required_fields_are_400(writer):
    response = create(logged_in(writer), description="no name, no group")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"group", "name"}


@pytest.mark.parametrize("body", ['{"group": 1, "name": ', "[1, 2]", "not json"])
def test_malformed_json_is_400(writer, body):
    response = send(logged_in(writer), "POST", URL, body)

    assert response.status_code == 400


def test_malformed_json_names_the_problem(writer):
    response = send(logged_in(writer), "POST", URL, '{"name": ')

    assert response.json()["message"].startswith("Failed to decode JSON object")


def test_body_is_json_whatever_the_content_type(writer, team):
    response = logged_in(writer).post(
        URL, data=f'{{"group": {team.pk}, "name": "plain"}}', content_type="text/plain"
    )

    assert response.status_code == 200
    assert response.json()["name"] == "plain"


# Read -------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_reader_gets_an_experiment(reader, team, suffix):
    experiment = ExperimentFactory(group=team)

    response = logged_in(reader).get(f"{URL}/{experiment.pk}{suffix}")

    assert response.status_code == 200
    assert set(response.json()) == EXPERIMENT_KEYS
    assert response.json()["id"] == experiment.pk


def test_outsider_unknown_and_deleted_experiments_are_404(outsider, writer, team):
    experiment = ExperimentFactory(group=team)
    deleted = ExperimentFactory(group=team)
    deleted.soft_delete()

    assert logged_in(outsider).get(f"{URL}/{experiment.pk}").status_code == 404
    assert logged_in(writer).get(f"{URL}/{deleted.pk}").status_code == 404
    response = logged_in(writer).get(f"{URL}/987654")
    assert response.status_code == 404
    assert response.json()["error"] == "EntityDoesNotExistError"


@pytest.mark.parametrize("path", [f"{URL}/abc", f"{URL}/1.5", f"{URL}/-1", f"{URL}/{'9' * 30}"])
def test_non_integer_or_huge_ids_are_404(writer, path):
    assert logged_in(writer).get(path).status_code == 404


def test_has_draft_shows_the_users_own_draft(writer, reader, team):
    experiment = ExperimentFactory(group=team)
    Draft.objects.create(
        group=team, user=writer, resource_type="experiment", resource_id=experiment.pk
    )

    assert logged_in(writer).get(f"{URL}/{experiment.pk}").json()["hasDraft"] is True
    assert logged_in(reader).get(f"{URL}/{experiment.pk}").json()["hasDraft"] is False


def test_anonymous_gets_401_with_werkzeugs_message(anonymous, team):
    experiment = ExperimentFactory(group=team)

    for response in (
        anonymous.get(URL),
        anonymous.get(f"{URL}/{experiment.pk}"),
        send(anonymous, "POST", URL, {"group": team.pk, "name": "x"}),
        send(anonymous, "DELETE", f"{URL}/{experiment.pk}"),
    ):
        assert response.status_code == 401
        assert response.json()["message"].startswith("The server could not verify")


def test_unsupported_method_is_405(writer, team):
    experiment = ExperimentFactory(group=team)

    response = send(logged_in(writer), "PATCH", f"{URL}/{experiment.pk}", {"name": "x"})

    assert response.status_code == 405
    assert response.json() == {"message": "The method is not allowed for the requested URL."}


# Modify -----------------------------------------------------------------------


def test_writer_modifies_and_a_new_snapshot_is_recorded(writer, team):
    entrypoint = EntrypointFactory(group=team)
    experiment = ExperimentFactory(group=team, name="old")
    experiment.entrypoints.add(entrypoint)
    old_snapshot = experiment.snapshot_id

    response = send(logged_in(writer), "PUT", f"{URL}/{experiment.pk}", {"name": "new"})

    assert response.status_code == 200
    data = response.json()
    assert set(data) == EXPERIMENT_KEYS
    assert data["name"] == "new"
    assert data["entrypoints"] == []  # omitted entrypoints are removed, as in Dioptra
    assert data["snapshot"] > old_snapshot
    assert data["user"]["id"] == writer.pk


def test_renaming_to_a_taken_name_is_409_and_to_its_own_name_is_fine(writer, team):
    ExperimentFactory(group=team, name="taken")
    experiment = ExperimentFactory(group=team, name="mine")
    client = logged_in(writer)

    assert send(client, "PUT", f"{URL}/{experiment.pk}", {"name": "taken"}).status_code == 409
    assert send(client, "PUT", f"{URL}/{experiment.pk}", {"name": "mine"}).status_code == 200


def test_reader_may_not_modify_and_outsider_may_not_see(reader, outsider, team):
    experiment = ExperimentFactory(group=team, name="old")

    response = send(logged_in(reader), "PUT", f"{URL}/{experiment.pk}", {"name": "new"})
    assert response.status_code == 403
    assert set(response.json()) == ERROR_KEYS

    response = send(logged_in(outsider), "PUT", f"{URL}/{experiment.pk}", {"name": "new"})
    assert response.status_code == 404

    experiment.refresh_from_db()
    assert experiment.name == "old"


def test_modify_rejects_read_only_keys(writer, team):
    experiment = ExperimentFactory(group=team)

    response = send(
        logged_in(writer), "PUT", f"{URL}/{experiment.pk}", {"name": "x", "group": team.pk}
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"group": ["Unknown field."]}


# Delete -----------------------------------------------------------------------


@pytest.mark.parametrize("actor", ["writer", "group_admin"])
def test_member_with_write_deletes_and_the_name_is_free_again(request, team, actor):
    client = logged_in(request.getfixturevalue(actor))
    experiment = ExperimentFactory(group=team, name="mnist")

    response = send(client, "DELETE", f"{URL}/{experiment.pk}")

    assert response.status_code == 200
    assert response.json() == {"status": "Success", "id": [experiment.pk]}
    assert client.get(f"{URL}/{experiment.pk}").status_code == 404
    assert create(client, group=team.pk, name="mnist").status_code == 200


def test_reader_may_not_delete_and_outsider_gets_404(reader, outsider, team):
    experiment = ExperimentFactory(group=team)

    assert send(logged_in(reader), "DELETE", f"{URL}/{experiment.pk}").status_code == 403
    assert send(logged_in(outsider), "DELETE", f"{URL}/{experiment.pk}").status_code == 404
    experiment.refresh_from_db()
    assert experiment.deleted_on is None


# Entrypoints of an experiment ---------------------------------------------------


@pytest.fixture
def experiment_with_entrypoint(team):
    experiment = ExperimentFactory(group=team)
    first = EntrypointFactory(group=team)
    experiment.entrypoints.add(first)
    return experiment, first


def test_entrypoints_of_an_experiment_are_refs(reader, experiment_with_entrypoint):
    experiment, first = experiment_with_entrypoint

    for suffix in ("", "/"):
        response = logged_in(reader).get(f"{URL}/{experiment.pk}/entrypoints{suffix}")
        assert response.status_code == 200
        assert [e["id"] for e in response.json()] == [first.pk]
        assert set(response.json()[0]) == REF_KEYS


def test_post_appends_and_put_replaces_entrypoints(writer, team, experiment_with_entrypoint):
    experiment, first = experiment_with_entrypoint
    second, third = EntrypointFactory(group=team), EntrypointFactory(group=team)
    path = f"{URL}/{experiment.pk}/entrypoints"
    client = logged_in(writer)

    response = send(client, "POST", path, {"ids": [second.pk]})
    assert response.status_code == 200
    assert [e["id"] for e in response.json()] == [first.pk, second.pk]

    response = send(client, "PUT", path + "/", {"ids": [third.pk]})
    assert [e["id"] for e in response.json()] == [third.pk]
    experiment.refresh_from_db()
    assert experiment.snapshots().last().data["entrypoints"] == [third.pk]


def test_delete_removes_all_or_one_entrypoint(writer, team, experiment_with_entrypoint):
    experiment, first = experiment_with_entrypoint
    second = EntrypointFactory(group=team)
    experiment.entrypoints.add(second)
    path = f"{URL}/{experiment.pk}/entrypoints"
    client = logged_in(writer)

    response = send(client, "DELETE", f"{path}/{first.pk}")
    assert response.json() == {"status": "Success", "id": [first.pk]}
    assert [e["id"] for e in client.get(path).json()] == [second.pk]
    assert send(client, "DELETE", f"{path}/{first.pk}").status_code == 404

    response = send(client, "DELETE", path)
    assert response.json() == {"status": "Success", "id": [second.pk]}
    assert client.get(path).json() == []


def test_entrypoint_changes_check_permissions_and_ids(
    reader, outsider, writer, experiment_with_entrypoint
):
    experiment, first = experiment_with_entrypoint
    path = f"{URL}/{experiment.pk}/entrypoints"

    assert send(logged_in(reader), "POST", path, {"ids": [first.pk]}).status_code == 403
    assert send(logged_in(reader), "DELETE", path).status_code == 403
    assert logged_in(outsider).get(path).status_code == 404
    assert send(logged_in(writer), "POST", path, {"ids": [424242]}).status_code == 404
    response = send(logged_in(writer), "PUT", path, {"ids": ["x"]})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["ids"]
    assert send(logged_in(writer), "PUT", path, {}).status_code == 400
    assert [e.pk for e in experiment.entrypoints.all()] == [first.pk]


# List ---------------------------------------------------------------------------


def test_list_shows_only_visible_experiments(reader, team):
    mine = ExperimentFactory(group=team)
    ExperimentFactory()  # another group
    deleted = ExperimentFactory(group=team)
    deleted.soft_delete()

    response = logged_in(reader).get(URL)

    assert response.status_code == 200
    assert set(response.json()) == PAGE_KEYS
    assert [e["id"] for e in response.json()["data"]] == [mine.pk]
    assert set(response.json()["data"][0]) == EXPERIMENT_KEYS


def test_superuser_lists_every_group(team):
    ExperimentFactory(group=team)
    ExperimentFactory()
    admin = UserFactory(is_superuser=True)

    assert logged_in(admin).get(URL).json()["totalNumResults"] == 2


def test_group_id_filters_and_an_unseen_group_is_404(writer, team):
    other = GroupFactory()
    writer.memberships.create(group=other, read=True)
    in_team = ExperimentFactory(group=team)
    ExperimentFactory(group=other)
    client = logged_in(writer)

    response = client.get(URL, {"groupId": team.pk})
    assert [e["id"] for e in response.json()["data"]] == [in_team.pk]
    assert response.json()["first"] == f"{URL}?index=0&pageLength=10&groupId={team.pk}"
    assert client.get(URL, {"groupId": GroupFactory().pk}).status_code == 404


def test_show_deleted_is_accepted(writer, team):
    ExperimentFactory(group=team)

    response = logged_in(writer).get(URL, {"showDeleted": "False"})

    assert response.status_code == 200
    assert response.json()["totalNumResults"] == 1


def _make_experiments(team, count):
    for _ in range(count):
        experiment = ExperimentFactory(group=team)
        experiment.entrypoints.add(EntrypointFactory(group=team))
        experiment.tags.create(group=team, name=f"tag-{experiment.pk}", creator=team.creator)


@pytest.mark.parametrize("count", [3, 15])
def test_list_query_count_does_not_grow_with_rows(writer, team, count, django_assert_num_queries):
    _make_experiments(team, count)
    client = logged_in(writer)

    # (a page that is not full needs no count) user, the page's ids,
    # their rows with their tags and entrypoints
    with django_assert_num_queries(3):
        response = client.get(URL, {"pageLength": 100})
    assert len(response.json()["data"]) == count
    assert all(len(e["tags"]) == 1 and len(e["entrypoints"]) == 1 for e in response.json()["data"])


def test_omitted_description_is_null_as_in_dioptra(writer, team):
    client = logged_in(writer)

    created = create(client, group=team.pk, name="bare").json()
    assert created["description"] is None

    send(client, "PUT", f"{URL}/{created['id']}", {"name": "bare", "description": "now"})
    modified = send(client, "PUT", f"{URL}/{created['id']}", {"name": "bare"}).json()
    assert modified["description"] is None


def test_get_and_create_each_take_a_few_queries(writer, team, django_assert_num_queries):
    _make_experiments(team, 1)
    experiment = Experiment.objects.get()
    client = logged_in(writer)

    # user, the experiment with its tags and entrypoints
    with django_assert_num_queries(2):
        got = client.get(f"{URL}/{experiment.pk}")
    # user, group with the membership, then (in a savepoint here) the
    # experiment, its snapshot and the snapshot's id on the experiment
    with django_assert_num_queries(7):
        created = send(client, "POST", URL, {"group": team.pk, "name": "fresh"})

    assert len(got.json()["tags"]) == 1 and len(got.json()["entrypoints"]) == 1
    assert created.status_code == 200
    assert created.json()["snapshot"] == Experiment.objects.get(name="fresh").snapshot_id


def test_a_searched_page_reads_its_total_along_with_its_ids(
    writer, team, django_assert_num_queries
):
    _make_experiments(team, 5)
    client = logged_in(writer)
    search = {"search": "name:*", "pageLength": 2}

    # user, the page's ids each with the total, their rows
    with django_assert_num_queries(3):
        searched = client.get(URL, {**search, "index": 2}).json()
    # user, the page's ids, their rows, a count
    with django_assert_num_queries(4):
        whole = client.get(URL, {"pageLength": 2, "index": 2}).json()
    # user, the page's ids (none), a count
    with django_assert_num_queries(3):
        past_the_end = client.get(URL, {**search, "index": 10}).json()

    assert searched["totalNumResults"] == whole["totalNumResults"] == 5
    assert searched["data"] == whole["data"] and len(searched["data"]) == 2
    assert past_the_end["totalNumResults"] == 5 and past_the_end["data"] == []
