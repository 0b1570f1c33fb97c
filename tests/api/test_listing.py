"""Paging, sorting and searching, as every list does them (shown on queues
and experiments)."""

import pytest

from tests.conftest import logged_in
from tests.factories import ExperimentFactory, QueueFactory

QUEUES = "/api/v1/queues"
EXPERIMENTS = "/api/v1/experiments"


@pytest.fixture
def five_queues(team):
    return [QueueFactory(group=team, name=f"queue-{n}") for n in range(5)]


# Paging ---------------------------------------------------------------------------


def test_first_page_links_to_the_next(writer, five_queues):
    response = logged_in(writer).get(QUEUES, {"pageLength": 3})

    page = response.json()
    assert page["index"] == 0
    assert page["isComplete"] is False
    assert page["totalNumResults"] == 5
    assert page["first"] == "/api/v1/queues?index=0&pageLength=3"
    assert page["next"] == "/api/v1/queues?index=3&pageLength=3"
    assert "prev" not in page
    assert [q["id"] for q in page["data"]] == [q.pk for q in five_queues[:3]]


def test_last_page_links_back_and_has_no_next(writer, five_queues):
    page = logged_in(writer).get(QUEUES, {"index": 3, "pageLength": 3}).json()

    assert page["isComplete"] is True
    assert page["prev"] == "/api/v1/queues?index=0&pageLength=3"
    assert "next" not in page
    assert [q["id"] for q in page["data"]] == [q.pk for q in five_queues[3:]]


def test_index_past_the_end_is_an_empty_complete_page(writer, five_queues):
    page = logged_in(writer).get(QUEUES, {"index": 999999, "pageLength": 3}).json()

    assert page == {
        "index": 999999,
        "isComplete": True,
        "totalNumResults": 5,
        "first": "/api/v1/queues?index=0&pageLength=3",
        "prev": "/api/v1/queues?index=999996&pageLength=3",
        "data": [],
    }


@pytest.mark.parametrize(
    ("params", "total", "shown"),
    [
        ({"pageLength": 3}, 5, 3),  # a full page: counted
        ({"pageLength": 5}, 5, 5),  # full, and the last: counted all the same
        ({"index": 3, "pageLength": 3}, 5, 2),  # the short last page ends the list
        ({"index": 2, "pageLength": 0}, 5, 3),  # every row from index 2 on
        ({"index": 7, "pageLength": 0}, 5, 0),  # past the end: counted
        ({"pageLength": 10, "search": 'name:"none*"'}, 0, 0),  # nothing found
        ({"pageLength": 10, "search": 'name:"queue-?"', "index": 4}, 5, 1),
    ],
)
def test_total_is_right_whether_counted_or_read_off_the_page(
    writer, five_queues, params, total, shown
):
    page = logged_in(writer).get(QUEUES, params).json()

    assert (page["totalNumResults"], len(page["data"])) == (total, shown)


def test_page_links_carry_the_search(writer, five_queues):
    page = logged_in(writer).get(QUEUES, {"pageLength": 2, "search": "name:queue*"}).json()

    assert page["next"] == "/api/v1/queues?index=2&pageLength=2&search=name%3Aqueue%2A"


def test_default_page_length_is_ten_and_zero_means_all(writer, team):
    for _ in range(12):
        QueueFactory(group=team)
    client = logged_in(writer)

    assert len(client.get(QUEUES).json()["data"]) == 10
    page = client.get(QUEUES, {"pageLength": 0}).json()
    assert len(page["data"]) == 12 and page["isComplete"] is True


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"pageLength": 1001}, "pageLength"),
        ({"pageLength": "ten"}, "pageLength"),
        ({"index": -1}, "index"),
        ({"index": "abc"}, "index"),
        ({"groupId": "abc"}, "groupId"),
        ({"descending": "maybe", "sortBy": "name"}, "descending"),
    ],
)
def test_bad_paging_parameters_are_400(writer, params, field):
    response = logged_in(writer).get(QUEUES, params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_page_length_of_a_thousand_is_allowed(writer):
    assert logged_in(writer).get(QUEUES, {"pageLength": 1000}).status_code == 200


# Sorting ---------------------------------------------------------------------------


def test_sort_by_name_both_ways(writer, team):
    for name in ("bravo", "alpha", "charlie"):
        QueueFactory(group=team, name=name)
    client = logged_in(writer)

    ascending = client.get(QUEUES, {"sortBy": "name"}).json()["data"]
    descending = client.get(QUEUES, {"sortBy": "name", "descending": "True"}).json()["data"]

    assert [q["name"] for q in ascending] == ["alpha", "bravo", "charlie"]
    assert [q["name"] for q in descending] == ["charlie", "bravo", "alpha"]


def test_sort_by_created_on_and_description(writer, team):
    first = ExperimentFactory(group=team, description="zulu")
    second = ExperimentFactory(group=team, description="alpha")
    client = logged_in(writer)

    by_created = client.get(EXPERIMENTS, {"sortBy": "createdOn", "descending": "true"})
    by_description = client.get(EXPERIMENTS, {"sortBy": "description"})

    assert [e["id"] for e in by_created.json()["data"]] == [second.pk, first.pk]
    assert [e["id"] for e in by_description.json()["data"]] == [second.pk, first.pk]


def test_unknown_sort_is_400(writer):
    response = logged_in(writer).get(EXPERIMENTS, {"sortBy": "colour"})

    assert response.status_code == 400
    assert response.json()["error"] == "SortParameterValidationError"


# Searching -------------------------------------------------------------------------


@pytest.fixture
def named_queues(team):
    names = {
        "tensorflow-cpu": "CPU queue for tensorflow",
        "tensorflow-gpu": "GPU queue",
        "pytorch": "A queue for torch jobs",
        "50% off": None,
        "a_c": "literal underscore",
        "abc": "plain",
        "star*name": "has a star",
    }
    return {name: QueueFactory(group=team, name=name, description=d) for name, d in names.items()}


def found(client, search: str) -> set[str]:
    response = client.get(QUEUES, {"search": search, "pageLength": 0})
    assert response.status_code == 200, response.json()
    return {q["name"] for q in response.json()["data"]}


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("name:tensorflow*", {"tensorflow-cpu", "tensorflow-gpu"}),
        ("name:'tensorflow-cpu'", {"tensorflow-cpu"}),
        ('name:"TENSORFLOW-?PU"', {"tensorflow-cpu", "tensorflow-gpu"}),
        ("name:pytorch", {"pytorch"}),
        ("name:pytorc", set()),
        ("name:a_c", {"a_c"}),
        ("name:a?c", {"a_c", "abc"}),
        ("name:'50% off'", {"50% off"}),
        ("name:'50%*'", {"50% off"}),
        ("name:'5_%*'", set()),
        ("name:star\\*name", {"star*name"}),
        ("name:\\*", set()),
        ("description:*queue*", {"tensorflow-cpu", "tensorflow-gpu", "pytorch"}),
        ("*queue*, name:tensorflow*", {"tensorflow-cpu", "tensorflow-gpu"}),
        ("description:*queue*,name:*gpu", {"tensorflow-gpu"}),
        ("queue tensorflow", {"tensorflow-cpu"}),
        ("torch", {"pytorch"}),
        ("'GPU queue'", {"tensorflow-gpu"}),
        ("underscore", {"a_c"}),
    ],
)
def test_search_language(writer, named_queues, search, expected):
    assert found(logged_in(writer), search) == expected


def test_a_lone_star_finds_everything(writer, named_queues):
    assert found(logged_in(writer), "*") == set(named_queues)


def test_search_by_tag_and_terms_are_anded(writer, team, named_queues):
    cpu, gpu = named_queues["tensorflow-cpu"], named_queues["tensorflow-gpu"]
    cv = cpu.tags.create(group=team, name="computer-vision", creator=writer)
    gpu.tags.add(cv)
    cpu.tags.create(group=team, name="fast", creator=writer)
    client = logged_in(writer)

    assert found(client, "tag:'computer-vision'") == {"tensorflow-cpu", "tensorflow-gpu"}
    assert found(client, "tag:computer*,tag:fast") == {"tensorflow-cpu"}
    assert found(client, "vision") == {"tensorflow-cpu", "tensorflow-gpu"}
    assert found(client, "tag:fast,name:*gpu") == set()


def test_search_is_url_decoded_once_more(writer, named_queues):
    assert found(logged_in(writer), "name%3Apytorch") == {"pytorch"}


@pytest.mark.parametrize(
    "search",
    ["colour:red", "bad-name:x", "name:two words", "'unclosed", "\\q", "name:", "a,,b", "a|b"],
)
def test_unknown_field_or_bad_syntax_is_422(writer, search):
    response = logged_in(writer).get(QUEUES, {"search": search})

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "SearchParseError"
    assert body["detail"]["query"] == search
    assert body["message"].startswith("Unprocessable Entity - ")


def test_unknown_field_names_it(writer):
    response = logged_in(writer).get(EXPERIMENTS, {"search": "colour:red"})

    assert response.json()["detail"]["reason"] == "'colour' is not a valid field"
