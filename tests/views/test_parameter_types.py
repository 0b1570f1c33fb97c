"""Plugin parameter type pages: list with builtins read-only, JSON structures
with clear errors, create/edit/delete as the permission rules say."""

import pytest
from django.urls import reverse

from experiments.models import PluginParameterType
from tests.factories import PluginParameterTypeFactory
from tests.views.plugin_helpers import builtin_types

LIST_URL = reverse("parameter_type_list")
CREATE_URL = reverse("parameter_type_create")


def test_list_shows_builtins_with_a_badge_and_no_edit_controls(writer_client, writer, team):
    types = builtin_types(writer)
    mine = PluginParameterTypeFactory(group=team, name="NumpyArray")

    page = writer_client.get(LIST_URL).content.decode()

    assert "builtin</span>" in page
    assert reverse("parameter_type_edit", args=[mine.pk]) in page
    for builtin in types.values():
        assert reverse("parameter_type_detail", args=[builtin.pk]) in page
        assert reverse("parameter_type_edit", args=[builtin.pk]) not in page
        assert reverse("parameter_type_delete", args=[builtin.pk]) not in page


def test_builtin_types_cannot_be_edited_or_deleted(writer_client, writer):
    integer = builtin_types(writer)["integer"]

    detail = writer_client.get(reverse("parameter_type_detail", args=[integer.pk]))
    edit = writer_client.post(reverse("parameter_type_edit", args=[integer.pk]), {"name": "int"})
    delete = writer_client.post(reverse("parameter_type_delete", args=[integer.pk]))

    assert "A builtin type of the task-graph engine." in detail.content.decode()
    assert reverse("parameter_type_edit", args=[integer.pk]) not in detail.content.decode()
    assert edit.status_code == 403
    assert delete.status_code == 403
    integer.refresh_from_db()
    assert integer.name == "integer" and integer.deleted_on is None


def test_list_searches_and_answers_htmx_with_the_table_only(writer_client, team, htmx_headers):
    PluginParameterTypeFactory(group=team, name="NumpyArray")
    PluginParameterTypeFactory(group=team, name="Model")

    fragment = writer_client.get(LIST_URL, {"q": "numpy"}, **htmx_headers).content.decode()

    assert "<html" not in fragment and 'id="type-table"' in fragment
    assert "NumpyArray" in fragment and "Model<" not in fragment


def test_list_query_count_does_not_grow_with_rows(writer_client, team, django_assert_num_queries):
    PluginParameterTypeFactory.create_batch(2, group=team, structure={"list": "string"})
    # user, count, rows, writable group ids, the user's drafts
    with django_assert_num_queries(5):
        writer_client.get(LIST_URL)
    PluginParameterTypeFactory.create_batch(10, group=team)
    with django_assert_num_queries(5):
        response = writer_client.get(LIST_URL)

    assert "1–12 of 12 types" in response.content.decode()


def test_writer_creates_a_structured_type(writer_client, writer, team):
    response = writer_client.post(
        CREATE_URL,
        {
            "group": team.pk,
            "name": "hyperparameters",
            "structure": '{"mapping": {"lr": "number", "epochs": "integer"}}',
        },
    )

    created = PluginParameterType.objects.get(name="hyperparameters")
    assert response["Location"] == reverse("parameter_type_detail", args=[created.pk])
    assert created.structure == {"mapping": {"lr": "number", "epochs": "integer"}}
    assert (created.group, created.creator, created.is_builtin) == (team, writer, False)
    detail = writer_client.get(response["Location"]).content.decode()
    assert "&quot;epochs&quot;: &quot;integer&quot;" in detail
    assert f"#{created.snapshot_id}<" in detail


def test_a_blank_structure_makes_a_simple_type(writer_client, team):
    writer_client.post(CREATE_URL, {"group": team.pk, "name": "Model", "structure": "  "})

    assert PluginParameterType.objects.get(name="Model").structure is None


@pytest.mark.parametrize(
    ("structure", "message"),
    [
        ('{"list": "string"', "The structure is not valid JSON: Expecting"),
        ("{'list': 'string'}", "(line 1, column 2)"),
        ('"string"', "The structure must be a JSON object such as"),
    ],
)
def test_bad_structures_are_explained_next_to_the_field(
    writer_client, team, htmx_headers, structure, message
):
    response = writer_client.post(
        CREATE_URL, {"group": team.pk, "name": "t", "structure": structure}, **htmx_headers
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert message in page
    assert page.index('id="id_structure"') < page.index(message)
    assert not PluginParameterType.objects.exists()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("Integer", "&#x27;Integer&#x27; is the name of a builtin type; choose another name."),
        ("taken", "The plugin parameter type name &#x27;taken&#x27; is already taken"),
        ("", "A name is required."),
    ],
)
def test_bad_names_are_explained(writer_client, team, name, message):
    PluginParameterTypeFactory(group=team, name="taken")

    response = writer_client.post(CREATE_URL, {"group": team.pk, "name": name})

    assert message in response.content.decode()
    assert PluginParameterType.objects.count() == 1


def test_the_create_form_takes_suggestions_from_detect_tasks(writer_client, team):
    page = writer_client.get(
        CREATE_URL, {"name": "np_ndarray", "group": team.pk, "description": "np.ndarray"}
    ).content.decode()

    assert 'value="np_ndarray"' in page
    assert f'<option value="{team.pk}" selected>' in page
    assert "\nnp.ndarray</textarea>" in page


def test_edit_changes_the_structure_and_makes_a_snapshot(writer_client, team):
    parameter_type = PluginParameterTypeFactory(group=team, name="scores")
    before = parameter_type.snapshot_id
    edit_url = reverse("parameter_type_edit", args=[parameter_type.pk])

    response = writer_client.post(edit_url, {"name": "scores", "structure": '{"list": "number"}'})

    parameter_type.refresh_from_db()
    assert response.status_code == 302
    assert parameter_type.structure == {"list": "number"}
    assert parameter_type.snapshot_id > before
    assert "&quot;list&quot;: &quot;number&quot;" in writer_client.get(edit_url).content.decode()


def test_delete_removes_a_type_from_the_list(writer_client, team):
    parameter_type = PluginParameterTypeFactory(group=team, name="obsolete")

    response = writer_client.post(reverse("parameter_type_delete", args=[parameter_type.pk]))

    assert response["Location"] == LIST_URL
    parameter_type.refresh_from_db()
    assert parameter_type.deleted_on is not None


def test_readers_see_types_but_may_not_change_them(reader_client, team):
    parameter_type = PluginParameterTypeFactory(group=team, name="NumpyArray")
    edit_url = reverse("parameter_type_edit", args=[parameter_type.pk])

    detail = reader_client.get(reverse("parameter_type_detail", args=[parameter_type.pk]))
    listing = reader_client.get(LIST_URL).content.decode()

    assert "read-only" in detail.content.decode()
    assert edit_url not in detail.content.decode() and edit_url not in listing
    assert reader_client.get(edit_url).status_code == 403
    assert reader_client.post(CREATE_URL, {"group": team.pk, "name": "x"}).status_code == 200
    assert not PluginParameterType.objects.filter(name="x").exists()


def test_outsiders_get_404(outsider_client, team):
    parameter_type = PluginParameterTypeFactory(group=team, name="NumpyArray")

    for action in ["detail", "edit", "delete"]:
        url = reverse(f"parameter_type_{action}", args=[parameter_type.pk])
        assert outsider_client.get(url).status_code == 404
    assert "NumpyArray" not in outsider_client.get(LIST_URL).content.decode()
