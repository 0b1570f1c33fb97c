"""Entrypoint pages: typed parameters with defaults, task graph and queues."""

import pytest
from django.urls import reverse

from experiments.models import Entrypoint
from tests.factories import EntrypointFactory, EntrypointParameterFactory, QueueFactory
from tests.views.plugin_helpers import trainer_plugin

CREATE_URL = reverse("entrypoint_create")
TASK_GRAPH = "train:\n  train_model:\n    epochs: $epochs\n"


def form_data(team=None, rows=(), **fields):
    data = {
        "name": "train",
        "description": "Train a classifier.",
        "task_graph": TASK_GRAPH,
        "parameters-TOTAL_FORMS": str(len(rows)),
        "parameters-INITIAL_FORMS": "0",
        "artifact_parameters-TOTAL_FORMS": "0",
        "artifact_parameters-INITIAL_FORMS": "0",
        **fields,
    }
    if team is not None:
        data["group"] = team.pk
    for index, (name, parameter_type, default) in enumerate(rows):
        data[f"parameters-{index}-name"] = name
        data[f"parameters-{index}-parameter_type"] = parameter_type
        data[f"parameters-{index}-default_value"] = default
    return data


def test_writer_creates_an_entrypoint_with_parameters_and_queues(writer_client, writer, team):
    queue = QueueFactory(group=team, name="tensorflow-cpu")
    plugin = trainer_plugin(writer, team)

    response = writer_client.post(
        CREATE_URL,
        form_data(
            team,
            rows=[("epochs", "integer", "10"), ("", "string", ""), ("rate", "float", "")],
            queues=[queue.pk],
            plugins=[plugin.pk],
        ),
    )

    entrypoint = Entrypoint.objects.get(name="train")
    assert response.status_code == 302
    assert entrypoint.task_graph == TASK_GRAPH
    assert list(entrypoint.queues.all()) == [queue]
    assert [(p.plugin, p.plugin_snapshot_id) for p in entrypoint.pinned_plugins.all()] == [
        (plugin, plugin.snapshot_id)
    ]
    assert [p.as_dict() for p in entrypoint.parameters.all()] == [
        {"name": "epochs", "defaultValue": "10", "parameterType": "integer"},
        {"name": "rate", "defaultValue": None, "parameterType": "float"},
    ]
    detail = writer_client.get(response["Location"]).content.decode()
    assert "epochs" in detail and "tensorflow-cpu" in detail and "train_model" in detail


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([("epochs", "integer", "ten")], "The default of parameter &#x27;epochs&#x27; does not"),
        ([("x", "string", "1"), ("x", "float", "2")], "The parameter name &#x27;x&#x27; is used"),
        ([("", "string", "orphan default")], "A name is required."),
        ([("flag", "boolean", "maybe")], "is not a boolean (use true or false)"),
        ([("items", "list", "{}")], "is not a JSON list"),
    ],
)
def test_bad_parameters_are_explained_in_the_form(writer_client, team, htmx_headers, rows, message):
    response = writer_client.post(CREATE_URL, form_data(team, rows=rows), **htmx_headers)

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert message in response.content.decode()
    assert not Entrypoint.objects.exists()


def test_the_form_offers_every_parameter_type_and_an_add_row_button(writer_client, team):
    page = writer_client.get(CREATE_URL).content.decode()

    for parameter_type in ["string", "float", "integer", "boolean", "list", "mapping"]:
        assert f'<option value="{parameter_type}"' in page
    assert 'data-formset-add="parameters"' in page
    assert 'id="parameters-template"' in page
    assert "js/formset.js" in page


def test_without_queues_the_form_links_to_create_one(writer_client, team):
    page = writer_client.get(CREATE_URL).content.decode()

    assert "There are no queues you can use yet" in page
    assert reverse("queue_create") in page


def test_invisible_queue_ids_are_refused(writer_client, team):
    hidden = QueueFactory()

    response = writer_client.post(CREATE_URL, form_data(team, queues=[hidden.pk]))

    assert f"{hidden.pk} is not one you can use" in response.content.decode()
    assert not Entrypoint.objects.exists()


def test_edit_shows_the_parameters_and_replaces_them(writer_client, writer, team):
    plugin = trainer_plugin(writer, team)
    entrypoint = EntrypointFactory(group=team, name="train")
    EntrypointParameterFactory(entrypoint=entrypoint, name="epochs", default_value="3")
    edit_url = reverse("entrypoint_edit", args=[entrypoint.pk])

    form_page = writer_client.get(edit_url).content.decode()
    data = form_data(
        rows=[("epochs", "integer", "5"), ("seed", "integer", "1")], plugins=[plugin.pk]
    )
    data["parameters-INITIAL_FORMS"] = "1"
    response = writer_client.post(edit_url, data)

    assert 'value="epochs"' in form_page
    assert response.status_code == 302
    assert [(p.name, p.default_value) for p in entrypoint.parameters.all()] == [
        ("epochs", "5"),
        ("seed", "1"),
    ]


def test_list_query_count_does_not_grow_with_rows(writer_client, team, django_assert_num_queries):
    def populate(count):
        for _ in range(count):
            entrypoint = EntrypointFactory(group=team)
            entrypoint.queues.add(QueueFactory(group=team))
            EntrypointParameterFactory(entrypoint=entrypoint)

    populate(2)
    # user, count, rows (with parameter counts), their queues, writable group ids,
    # the user's drafts
    with django_assert_num_queries(6):
        writer_client.get(reverse("entrypoint_list"))
    populate(10)
    with django_assert_num_queries(6):
        response = writer_client.get(reverse("entrypoint_list"))

    assert "1–12 of 12 entrypoints" in response.content.decode()
