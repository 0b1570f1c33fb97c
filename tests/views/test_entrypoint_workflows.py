"""The entrypoint form's workflow: attached plugins pinned at a version, errors
of the task and artifact graphs shown per step, validation as you type, and on
the detail page the pinned tasks and "Sync to latest"."""

import pytest
from django.urls import reverse

from experiments import definitions
from experiments.definitions import ParameterSpec, TaskSpec
from experiments.models import Entrypoint
from tests.views.plugin_helpers import trainer_plugin

CREATE_URL = reverse("entrypoint_create")
VALIDATE_URL = reverse("entrypoint_validate")
GOOD_GRAPH = "train:\n  train_model:\n    epochs: $epochs\n"
BAD_GRAPH = """\
first:
  train_model:
    epochs: $epochs
second:
  no_such_task: [1]
third:
  hello_world:
    name: $missing
"""


def form_data(
    team=None, *, plugins=(), task_graph=GOOD_GRAPH, rows=(("epochs", "integer", "3"),), **fields
):
    data = {
        "name": "train",
        "description": "",
        "task_graph": task_graph,
        "artifact_graph": "",
        "plugins": [p.pk for p in plugins],
        "parameters-TOTAL_FORMS": str(len(rows)),
        # An edit form starts with the saved rows.
        "parameters-INITIAL_FORMS": "0" if team is not None else str(len(rows)),
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


@pytest.fixture
def plugin(writer, team):
    return trainer_plugin(writer, team)


@pytest.fixture
def entrypoint(writer, team, plugin):
    return definitions.create_entrypoint(
        user=writer,
        group_id=team.pk,
        name="train",
        task_graph=GOOD_GRAPH,
        parameters=[ParameterSpec("epochs", "integer", "3")],
        plugin_ids=[plugin.pk],
    )


def remove_train_model(writer, plugin):
    """A new plugin version in which train_model is gone."""
    hello_only = [t for t in plugin.files.get().tasks.all() if t.name == "hello_world"]
    registration = hello_only[0].as_registration()
    definitions.update_plugin_file(
        user=writer,
        file=plugin.files.get(),
        filename="tasks.py",
        contents="# train_model was removed\n",
        tasks=[
            TaskSpec(
                "hello_world",
                inputs=[(p["name"], p["parameterType"], True) for p in registration["inputParams"]],
            )
        ],
    )
    plugin.refresh_from_db()


# The form -------------------------------------------------------------------------


def test_the_form_offers_visible_plugins_and_live_validation(writer_client, plugin):
    page = writer_client.get(CREATE_URL).content.decode()

    assert 'name="plugins"' in page and 'name="artifact_plugins"' in page
    assert f'<option value="{plugin.pk}">trainer · team</option>' in page
    assert 'name="artifact_graph"' in page
    assert f'hx-post="{VALIDATE_URL}"' in page
    assert 'hx-trigger="keyup changed delay:500ms from:closest form' in page


def test_without_plugins_the_form_links_to_create_one(writer_client, team):
    page = writer_client.get(CREATE_URL).content.decode()

    assert 'No plugins yet — <a href="' + reverse("plugin_create") + '">create one</a>' in page


def test_attached_plugins_are_pinned_at_their_latest_version(writer_client, team, plugin):
    response = writer_client.post(CREATE_URL, form_data(team, plugins=[plugin]))

    entrypoint = Entrypoint.objects.get(name="train")
    assert response.status_code == 302
    assert [(p.plugin_id, p.plugin_snapshot_id) for p in entrypoint.pinned_plugins.all()] == [
        (plugin.pk, plugin.snapshot_id)
    ]


def test_each_workflow_error_is_shown_under_the_task_graph_with_step_and_line(
    writer_client, team, plugin, htmx_headers
):
    response = writer_client.post(
        CREATE_URL, form_data(team, plugins=[plugin], task_graph=BAD_GRAPH), **htmx_headers
    )

    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page
    task_graph_errors = page[
        page.index('id="id_task_graph_error"') : page.index('id="id_artifact_graph"')
    ]
    assert (
        "Step &quot;second&quot; (line 4): unrecognized task plugin: no_such_task"
        in task_graph_errors
    )
    assert "Step &quot;third&quot; (line 6): unresolvable reference: $missing" in task_graph_errors
    assert not Entrypoint.objects.exists()


def test_artifact_graph_errors_are_shown_under_the_artifact_graph(writer_client, team, plugin):
    response = writer_client.post(
        CREATE_URL,
        form_data(team, plugins=[plugin], artifact_graph="saved:\n  contents: [unclosed\n"),
    )

    page = response.content.decode()
    artifact_errors = page[page.index('id="id_artifact_graph_error"') :]
    assert "Artifact output graph: invalid YAML on line 3" in artifact_errors
    assert 'id="id_task_graph_error"' not in page
    assert not Entrypoint.objects.exists()


def test_a_graph_calling_a_task_without_plugins_explains_why(writer_client, team):
    response = writer_client.post(CREATE_URL, form_data(team))

    assert "The &quot;tasks&quot; section needs at least one entry" in response.content.decode()


def test_editing_keeps_pinned_versions_unless_the_plugin_choice_changes(
    writer_client, writer, entrypoint, plugin
):
    pinned = entrypoint.pinned_plugins.get().plugin_snapshot_id
    definitions.update_plugin(user=writer, plugin=plugin, name="trainer", description="v2")
    plugin.refresh_from_db()
    edit_url = reverse("entrypoint_edit", args=[entrypoint.pk])

    form_page = writer_client.get(edit_url).content.decode()
    kept = writer_client.post(edit_url, form_data(plugins=[plugin], description="same plugins"))

    assert f'<option value="{plugin.pk}" selected>' in form_page
    assert kept.status_code == 302
    assert entrypoint.pinned_plugins.get().plugin_snapshot_id == pinned != plugin.snapshot_id


# Live validation ---------------------------------------------------------------------


def test_live_validation_of_a_valid_workflow(writer_client, team, plugin, htmx_headers):
    response = writer_client.post(VALIDATE_URL, form_data(team, plugins=[plugin]), **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="workflow-issues"')
    assert "No problems found." in page
    assert not Entrypoint.objects.exists()


def test_live_validation_lists_each_problem_with_its_field_step_and_line(
    writer_client, team, plugin, htmx_headers
):
    data = form_data(
        team,
        plugins=[plugin],
        task_graph=BAD_GRAPH,
        artifact_graph="saved:\n  contents: $first.model\n  task: just-a-string\n",
    )

    page = writer_client.post(VALIDATE_URL, data, **htmx_headers).content.decode()

    assert "No problems found." not in page
    assert (
        "Artifact output graph</span>Line 1: artifact output &quot;saved&quot;: task must" in page
    )


def test_live_validation_checks_types_of_unsaved_parameters(
    writer_client, team, plugin, htmx_headers
):
    data = form_data(team, plugins=[plugin], rows=[("epochs", "string", "ten")])

    page = writer_client.post(VALIDATE_URL, data, **htmx_headers).content.decode()

    assert (
        "Task graph</span>Step &quot;train&quot; (line 1): in keyword argument &quot;epochs&quot;"
        in page
    )
    assert "Found string; expected integer" in page


def test_live_validation_names_steps_and_lines(writer_client, team, plugin, htmx_headers):
    data = form_data(team, plugins=[plugin], task_graph=BAD_GRAPH)

    page = writer_client.post(VALIDATE_URL, data, **htmx_headers).content.decode()

    assert "Step &quot;second&quot; (line 4): unrecognized task plugin: no_such_task" in page
    assert "Step &quot;third&quot; (line 6): unresolvable reference: $missing" in page


def test_live_validation_shows_yaml_syntax_errors(writer_client, team, plugin, htmx_headers):
    data = form_data(team, plugins=[plugin], task_graph="train:\n  train_model: [1,\n")

    page = writer_client.post(VALIDATE_URL, data, **htmx_headers).content.decode()

    assert "Task graph</span>Task graph: invalid YAML on line 3" in page


def test_validation_without_javascript_renders_the_whole_form(writer_client, team, plugin):
    response = writer_client.post(VALIDATE_URL, form_data(team, plugins=[plugin], name="kept"))

    page = response.content.decode()
    assert "<html" in page and "No problems found." in page
    assert 'value="kept"' in page
    assert not Entrypoint.objects.exists()


def test_edit_validation_uses_the_pinned_versions(
    writer_client, writer, entrypoint, plugin, htmx_headers
):
    remove_train_model(writer, plugin)
    url = reverse("entrypoint_edit_validate", args=[entrypoint.pk])

    pinned = writer_client.post(url, form_data(plugins=[plugin]), **htmx_headers)
    repinned = writer_client.post(url, form_data(plugins=[]), **htmx_headers)

    assert "No problems found." in pinned.content.decode()
    assert "No problems found." not in repinned.content.decode()


def test_edit_validation_follows_the_permission_rules(reader_client, outsider_client, entrypoint):
    url = reverse("entrypoint_edit_validate", args=[entrypoint.pk])

    assert reader_client.post(url, form_data()).status_code == 403
    assert outsider_client.post(url, form_data()).status_code == 404


def test_validate_only_accepts_posts(writer_client, team):
    assert writer_client.get(VALIDATE_URL).status_code == 405


# The detail page --------------------------------------------------------------------


def test_detail_shows_the_tasks_of_the_pinned_versions(writer_client, writer, entrypoint, plugin):
    remove_train_model(writer, plugin)

    page = writer_client.get(reverse("entrypoint_detail", args=[entrypoint.pk])).content.decode()

    panel = page[page.index('id="available-tasks"') :]
    assert "train_model</span>(" in panel  # still in the pinned version
    assert "epochs: <span" in panel and ">integer</span>" in panel
    assert "hello_world</span>(" in panel


def test_detail_flags_an_out_of_date_plugin_and_syncs_it(writer_client, writer, entrypoint, plugin):
    definitions.update_plugin(user=writer, plugin=plugin, name="trainer", description="v2")
    plugin.refresh_from_db()
    before = entrypoint.snapshot_id
    detail_url = reverse("entrypoint_detail", args=[entrypoint.pk])
    sync_url = reverse("entrypoint_sync_plugins", args=[entrypoint.pk])

    page = writer_client.get(detail_url).content.decode()
    response = writer_client.post(sync_url)

    assert "out of date" in page and sync_url in page
    assert response["Location"] == detail_url
    entrypoint.refresh_from_db()
    assert entrypoint.pinned_plugins.get().plugin_snapshot_id == plugin.snapshot_id
    assert entrypoint.snapshot_id > before
    assert [p.name for p in entrypoint.parameters.all()] == ["epochs"]
    synced = writer_client.get(detail_url).content.decode()
    assert "The plugins are pinned at their latest versions." in synced
    assert "out of date" not in synced and sync_url not in synced


def test_sync_is_refused_when_the_latest_version_breaks_the_workflow(
    writer_client, writer, entrypoint, plugin
):
    pinned = entrypoint.pinned_plugins.get().plugin_snapshot_id
    remove_train_model(writer, plugin)

    response = writer_client.post(
        reverse("entrypoint_sync_plugins", args=[entrypoint.pk]), follow=True
    )

    page = response.content.decode()
    assert "The plugins were not synced" in page
    assert "Step &quot;train&quot; (line 1): unrecognized task plugin: train_model" in page
    assert entrypoint.pinned_plugins.get().plugin_snapshot_id == pinned


def test_readers_see_out_of_date_plugins_but_cannot_sync(reader_client, writer, entrypoint, plugin):
    definitions.update_plugin(user=writer, plugin=plugin, name="trainer", description="v2")
    sync_url = reverse("entrypoint_sync_plugins", args=[entrypoint.pk])

    page = reader_client.get(reverse("entrypoint_detail", args=[entrypoint.pk])).content.decode()

    assert "out of date" in page and sync_url not in page
    assert reader_client.post(sync_url).status_code == 403
