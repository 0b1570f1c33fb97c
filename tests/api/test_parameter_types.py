import pytest

from experiments.models import PluginParameterType
from tests.api.conftest import ERROR_KEYS, PAGE_KEYS, RESOURCE_KEYS, send
from tests.api.plugin_helpers import builtin_types
from tests.conftest import logged_in
from tests.factories import PluginParameterTypeFactory, UserFactory

URL = "/api/v1/pluginParameterTypes"
TYPE_KEYS = RESOURCE_KEYS | {"name", "description", "structure"}


@pytest.mark.parametrize("path", [URL, URL + "/"])
@pytest.mark.parametrize("structure", [{"list": "integer"}, {}, None])
def test_writer_creates_a_type_with_an_opaque_structure(writer, team, path, structure):
    body = {"group": team.pk, "name": "int_list", "description": "ints", "structure": structure}

    response = send(logged_in(writer), "POST", path, body)

    assert response.status_code == 200, response.json()
    data = response.json()
    assert set(data) == TYPE_KEYS
    assert (data["name"], data["description"], data["structure"]) == ("int_list", "ints", structure)
    assert data["user"]["id"] == writer.pk
    assert logged_in(writer).get(f"{URL}/{data['id']}").json() == data


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "taken"}, 409),
        ({"name": "String"}, 400),  # a builtin name, whatever its case
        ({"name": " any "}, 400),
        ({"name": ""}, 400),
        ({"name": "t", "structure": "list"}, 400),
        ({"name": "t", "structure": [1]}, 400),
        ({"name": "t", "structure": {"list": "nul\x00"}}, 400),
        ('{"name": "t", "structure": {"x": NaN}}', 400),
        ({"name": "t", "group": "invalid"}, 400),
        ({"name": "t", "group": 424242}, 404),
        ({"name": "t", "snapshot": 1}, 400),
        ({"structure": {}}, 400),
    ],
)
def test_create_type_errors(writer, team, body, status):
    PluginParameterTypeFactory(group=team, name="taken")

    if isinstance(body, str):  # raw JSON text
        body = body.replace("{", f'{{"group": {team.pk}, ', 1)
    else:
        body = {"group": team.pk, **body}

    response = send(logged_in(writer), "POST", URL, body)

    assert response.status_code == status, response.json()
    assert PluginParameterType.objects.count() == 1


def test_builtin_name_is_a_dioptra_error(writer, team):
    response = send(logged_in(writer), "POST", URL, {"group": team.pk, "name": "integer"})

    assert set(response.json()) == ERROR_KEYS
    assert "builtin" in response.json()["message"]


def test_builtins_are_listed_but_read_only(writer, team):
    builtins = builtin_types(writer)
    string = builtins["string"]
    client = logged_in(writer)

    listed = client.get(URL, {"pageLength": 0}).json()
    assert {t["name"] for t in listed["data"]} >= {"any", "string", "integer", "null"}
    assert client.get(f"{URL}/{string.pk}").json()["structure"] is None
    response = send(client, "PUT", f"{URL}/{string.pk}", {"name": "text"})
    assert response.status_code == 403 and "builtin" in response.json()["message"]
    assert send(client, "DELETE", f"{URL}/{string.pk}").status_code == 403
    string.refresh_from_db()
    assert (string.name, string.deleted_on) == ("string", None)


def test_put_replaces_the_definition(writer, team):
    kind = PluginParameterTypeFactory(group=team, name="image", structure={"list": "any"})

    response = send(logged_in(writer), "PUT", f"{URL}/{kind.pk}/", {"name": "picture"})

    assert response.status_code == 200, response.json()
    data = response.json()
    assert (data["name"], data["description"], data["structure"]) == ("picture", None, None)
    assert data["snapshot"] > kind.snapshot_id


def test_put_and_delete_permissions_and_conflicts(writer, reader, outsider, anonymous, team):
    PluginParameterTypeFactory(group=team, name="taken")
    kind = PluginParameterTypeFactory(group=team, name="mine")
    path = f"{URL}/{kind.pk}"

    assert anonymous.get(path).status_code == 401
    assert logged_in(outsider).get(path).status_code == 404
    assert logged_in(reader).get(path).status_code == 200
    assert send(logged_in(reader), "PUT", path, {"name": "x"}).status_code == 403
    assert send(logged_in(outsider), "PUT", path, {"name": "x"}).status_code == 404
    assert send(logged_in(writer), "PUT", path, {"name": "taken"}).status_code == 409
    assert send(logged_in(writer), "PUT", path, {"name": "integer"}).status_code == 400
    assert send(logged_in(reader), "DELETE", path).status_code == 403
    assert send(logged_in(outsider), "DELETE", path).status_code == 404
    assert send(logged_in(writer), "DELETE", path).json() == {"status": "Success", "id": [kind.pk]}
    assert logged_in(writer).get(path).status_code == 404
    kind.refresh_from_db()
    assert kind.name == "mine"


def test_list_search_sort_and_paging(writer, team):
    for name in ["beta", "alpha", "gamma"]:
        PluginParameterTypeFactory(group=team, name=name, description=f"the {name} type")
    client = logged_in(writer)

    page = client.get(URL, {"sortBy": "name", "pageLength": 2, "groupId": team.pk}).json()
    assert set(page) == PAGE_KEYS | {"next"}
    assert [t["name"] for t in page["data"]] == ["alpha", "beta"]
    assert page["next"] == f"/api/v1/pluginParameterTypes?index=2&pageLength=2&groupId={team.pk}"
    found = client.get(URL, {"search": "description:*gamma*"}).json()
    assert [t["name"] for t in found["data"]] == ["gamma"]
    assert client.get(URL, {"sortBy": "structure"}).status_code == 400


def test_superuser_lists_every_groups_types(writer, team):
    PluginParameterTypeFactory(group=team, name="image-mine")
    PluginParameterTypeFactory(name="image-theirs")  # another group's
    PluginParameterTypeFactory(group=team, name="table")
    params = {"search": "name:image*", "sortBy": "name", "descending": "true"}

    as_admin = logged_in(UserFactory(is_superuser=True)).get(URL, params).json()
    as_writer = logged_in(writer).get(URL, params).json()

    assert [t["name"] for t in as_admin["data"]] == ["image-theirs", "image-mine"]
    assert [t["name"] for t in as_writer["data"]] == ["image-mine"]


@pytest.mark.parametrize("count", [1, 9])
def test_list_query_count_does_not_grow(writer, team, count, django_assert_num_queries):
    for n in range(count):
        PluginParameterTypeFactory(group=team, name=f"t{n}")
    client = logged_in(writer)

    # (a page that is not full needs no count) user, the page's ids,
    # their rows with their tags
    with django_assert_num_queries(3):
        response = client.get(URL, {"pageLength": 100})
    assert len(response.json()["data"]) == count
