import pytest

from experiments.models import Queue
from tests.api.conftest import ERROR_KEYS, PAGE_KEYS, QUEUE_KEYS, send
from tests.conftest import logged_in
from tests.factories import GroupFactory, QueueFactory

URL = "/api/v1/queues"


@pytest.mark.parametrize("path", [URL, URL + "/"])
def test_writer_creates_a_queue(writer, team, path):
    body = {"group": team.pk, "name": "tensorflow-cpu", "description": None}

    response = send(logged_in(writer), "POST", path, body)

    assert response.status_code == 200
    assert set(response.json()) == QUEUE_KEYS
    assert response.json()["name"] == "tensorflow-cpu"
    assert response.json()["description"] is None
    assert Queue.objects.get().name == "tensorflow-cpu"


def test_create_errors(writer, reader, team):
    QueueFactory(group=team, name="taken")
    client = logged_in(writer)

    assert send(client, "POST", URL, {"group": team.pk, "name": "taken"}).status_code == 409
    assert send(client, "POST", URL, {"group": team.pk, "name": " "}).status_code == 400
    assert send(client, "POST", URL, {"group": 424242, "name": "q"}).status_code == 404
    assert send(client, "POST", URL, {"group": team.pk, "name": ["q"]}).status_code == 400
    response = send(logged_in(reader), "POST", URL, {"group": team.pk, "name": "q"})
    assert response.json()["error"] == "UserNotInGroupError"
    assert Queue.objects.count() == 1


@pytest.mark.parametrize("suffix", ["", "/"])
def test_get_a_queue(reader, outsider, team, suffix):
    queue = QueueFactory(group=team)

    response = logged_in(reader).get(f"{URL}/{queue.pk}{suffix}")

    assert response.status_code == 200
    assert set(response.json()) == QUEUE_KEYS
    assert logged_in(outsider).get(f"{URL}/{queue.pk}{suffix}").status_code == 404


def test_put_replaces_name_and_description(writer, team):
    queue = QueueFactory(group=team, name="old", description="was here")

    response = send(logged_in(writer), "PUT", f"{URL}/{queue.pk}/", {"name": "new"})

    assert response.status_code == 200
    assert response.json()["name"] == "new"
    assert response.json()["description"] is None  # PUT replaces: omitted means null
    assert response.json()["snapshot"] > queue.snapshot_id


def test_put_permissions_and_conflicts(writer, reader, outsider, team):
    QueueFactory(group=team, name="taken")
    queue = QueueFactory(group=team, name="mine")
    path = f"{URL}/{queue.pk}"

    assert send(logged_in(reader), "PUT", path, {"name": "x"}).status_code == 403
    assert send(logged_in(outsider), "PUT", path, {"name": "x"}).status_code == 404
    response = send(logged_in(writer), "PUT", path, {"name": "taken"})
    assert response.status_code == 409 and set(response.json()) == ERROR_KEYS
    response = send(logged_in(writer), "PUT", path, {"name": "x", "id": queue.pk})
    assert response.json() == {"errors": {"id": ["Unknown field."]}}
    queue.refresh_from_db()
    assert queue.name == "mine"


def test_delete_a_queue(writer, reader, team):
    queue = QueueFactory(group=team)
    path = f"{URL}/{queue.pk}"

    assert send(logged_in(reader), "DELETE", path).status_code == 403
    response = send(logged_in(writer), "DELETE", path)
    assert response.status_code == 200
    assert response.json() == {"status": "Success"}  # no "id", as in Dioptra
    assert logged_in(writer).get(path).status_code == 404


def test_list_queues(reader, team):
    queue = QueueFactory(group=team)
    QueueFactory()

    for path in (URL, URL + "/"):
        page = logged_in(reader).get(path).json()
        assert set(page) == PAGE_KEYS
        assert [q["id"] for q in page["data"]] == [queue.pk]


def test_list_search_group_sort_and_paging_together(reader, team):
    other = GroupFactory()
    reader.memberships.create(group=other, read=True)
    for name in ["gpu-a", "cpu-b", "gpu-c", "gpu-b"]:
        QueueFactory(group=team, name=name)
    QueueFactory(group=other, name="gpu-d")  # readable, but not in the group asked for
    params = {"search": "name:gpu*", "groupId": team.pk, "sortBy": "name", "descending": "true"}

    page = logged_in(reader).get(URL, {**params, "index": 1, "pageLength": 1}).json()

    assert page["totalNumResults"] == 3
    assert [q["name"] for q in page["data"]] == ["gpu-b"]
    links = f"pageLength=1&groupId={team.pk}&search=name%3Agpu%2A"
    assert page["prev"] == f"{URL}?index=0&{links}"
    assert page["next"] == f"{URL}?index=2&{links}"


@pytest.mark.parametrize("count", [3, 15])
def test_list_query_count_does_not_grow(writer, team, count, django_assert_num_queries):
    for _ in range(count):
        queue = QueueFactory(group=team)
        queue.tags.create(group=team, name=f"t{queue.pk}", creator=writer)
    client = logged_in(writer)

    # (a page that is not full needs no count) user, the page's ids,
    # their rows with their tags
    with django_assert_num_queries(3):
        response = client.get(URL, {"pageLength": 50})
    assert len(response.json()["data"]) == count
