"""Artifact parameters in the pages: the entrypoint form edits them (a name
and the typed outputs its artifact loads as), the entrypoint page shows them,
and the run-a-job form asks for an artifact for each."""

import html
import re

import pytest
from django.urls import reverse

from experiments import accounts, definitions
from experiments.definitions import ArtifactParameterSpec, ParameterSpec, TaskSpec
from experiments.models import (
    NAME_MAX_LENGTH,
    Entrypoint,
    EntrypointArtifactParameter,
    Job,
    PluginTask,
)
from tests.conftest import logged_in
from tests.factories import ArtifactFactory, EntrypointFactory, PluginParameterTypeFactory
from tests.jobs.conftest import builtin, make_plugin, make_workflow
from tests.views.plugin_helpers import builtin_types, trainer_plugin

CREATE_URL = reverse("entrypoint_create")
VALIDATE_URL = reverse("entrypoint_validate")
TASK_GRAPH = "train:\n  train_model:\n    epochs: $epochs\n"
# Takes its epochs from the artifact parameter `counts` (one integer output).
ARTIFACT_GRAPH = "train:\n  train_model:\n    epochs: $counts\n"


def form_data(team=None, artifacts=(), *, initial=0, **fields):
    """The entrypoint form with one parameter, epochs, and ``artifacts``:
    ``(name, [(output name, type id), ...])``, the outputs numbered 0, 2, 4, …
    as rows removed in the page leave gaps. Without a ``team`` it is an edit
    form, whose parameter row and ``initial`` artifact rows were shown saved."""
    data = {
        "name": "train",
        "description": "",
        "task_graph": TASK_GRAPH,
        "artifact_graph": "",
        "parameters-TOTAL_FORMS": "1",
        "parameters-INITIAL_FORMS": "0" if team is not None else "1",
        "parameters-0-name": "epochs",
        "parameters-0-parameter_type": "integer",
        "parameters-0-default_value": "3",
        "artifact_parameters-TOTAL_FORMS": str(len(artifacts)),
        "artifact_parameters-INITIAL_FORMS": str(initial),
        **fields,
    }
    if team is not None:
        data["group"] = team.pk
    for index, (name, outputs) in enumerate(artifacts):
        data[f"artifact_parameters-{index}-name"] = name
        for row, (output, type_id) in enumerate(outputs):
            data[f"artifact_parameters-{index}-out-{2 * row}-name"] = output
            data[f"artifact_parameters-{index}-out-{2 * row}-type"] = str(type_id)
    return data


@pytest.fixture
def types(writer):
    return builtin_types(writer)


@pytest.fixture
def array(writer, team):
    return definitions.create_parameter_type(user=writer, group_id=team.pk, name="Array")


@pytest.fixture
def plugin(writer, team):
    return trainer_plugin(writer, team)


# The entrypoint form ----------------------------------------------------------------


def test_the_form_offers_an_artifact_parameter_editor(writer_client, team, types, array):
    page = writer_client.get(CREATE_URL).content.decode()

    assert 'data-formset-add="artifact_parameters"' in page
    assert 'id="artifact_parameters-template"' in page
    assert 'name="artifact_parameters-__prefix__-out-__row__-name"' in page
    # The types the user may see, builtins first.
    assert f'<option value="{array.pk}">Array · team</option>' in page
    assert page.index(f'<option value="{types["integer"].pk}">') < page.index("Array · team")


def test_writer_creates_an_entrypoint_with_artifact_parameters(
    writer_client, team, types, array, plugin
):
    artifacts = [
        ("model", [("weights", array.pk), ("", types["string"].pk), ("labels", array.pk)]),
        ("", []),  # a blank row is dropped
        ("counts", [("n", types["integer"].pk)]),
    ]

    response = writer_client.post(CREATE_URL, form_data(team, artifacts, plugins=[plugin.pk]))

    assert response.status_code == 302
    entrypoint = Entrypoint.objects.get(name="train")
    assert [p.as_dict() for p in entrypoint.artifact_parameters.all()] == [
        {
            "name": "model",
            "outputParams": [
                {"name": "weights", "parameterType": array.pk},
                {"name": "labels", "parameterType": array.pk},
            ],
        },
        {"name": "counts", "outputParams": [{"name": "n", "parameterType": types["integer"].pk}]},
    ]
    api = writer_client.get(f"/api/v1/entrypoints/{entrypoint.pk}").json()
    assert [
        (a["name"], [(o["name"], o["parameterType"]["name"]) for o in a["outputParams"]])
        for a in api["artifactParameters"]
    ] == [("model", [("weights", "Array"), ("labels", "Array")]), ("counts", [("n", "integer")])]


def test_the_entrypoint_page_shows_its_artifact_parameters(writer_client, writer, team, array):
    entrypoint = EntrypointFactory(group=team)
    model = EntrypointArtifactParameter.objects.create(
        entrypoint=entrypoint, position=0, name="model"
    )
    model.outputs.create(position=0, name="weights", parameter_type=array)
    bare = EntrypointFactory(group=team)

    page = writer_client.get(reverse("entrypoint_detail", args=[entrypoint.pk])).content.decode()
    bare_page = writer_client.get(reverse("entrypoint_detail", args=[bare.pk])).content.decode()

    assert 'id="artifact-parameters"' in page
    assert '<td class="font-monospace">model</td>' in page
    assert '<span class="font-monospace">weights</span>: Array' in page
    assert 'id="artifact-parameters"' not in bare_page


def test_edit_shows_the_artifact_parameters_and_replaces_them(
    writer_client, writer, team, types, array, plugin
):
    entrypoint = definitions.create_entrypoint(
        user=writer,
        group_id=team.pk,
        name="train",
        task_graph=TASK_GRAPH,
        parameters=[ParameterSpec("epochs", "integer", "3")],
        artifact_parameters=[ArtifactParameterSpec("model", [("weights", array.pk)])],
        plugin_ids=[plugin.pk],
    )
    edit_url = reverse("entrypoint_edit", args=[entrypoint.pk])

    form_page = writer_client.get(edit_url).content.decode()
    changed = writer_client.post(
        edit_url,
        form_data(
            artifacts=[("model", [("weights", array.pk), ("bias", types["number"].pk)])],
            initial=1,
            plugins=[plugin.pk],
        ),
    )
    after_change = [p.as_dict() for p in entrypoint.artifact_parameters.all()]
    emptied = writer_client.post(edit_url, form_data(plugins=[plugin.pk]))

    assert 'name="artifact_parameters-0-name" value="model"' in form_page
    assert 'name="artifact_parameters-0-out-0-name" value="weights"' in form_page
    assert f'<option value="{array.pk}" selected>Array · team</option>' in form_page
    assert changed.status_code == 302 and emptied.status_code == 302
    assert after_change == [
        {
            "name": "model",
            "outputParams": [
                {"name": "weights", "parameterType": array.pk},
                {"name": "bias", "parameterType": types["number"].pk},
            ],
        }
    ]
    assert not entrypoint.artifact_parameters.exists()


def _long_name() -> str:
    return "x" * (NAME_MAX_LENGTH + 1)


@pytest.mark.parametrize(
    ("artifacts", "message"),
    [
        (
            lambda t: [("model", [("a", t["any"])]), ("model", [("b", t["any"])])],
            "The artifact parameter name &#x27;model&#x27; is used twice.",
        ),
        (lambda t: [("", [("weights", t["any"])])], "A name is required."),
        (lambda t: [(_long_name(), [("weights", t["any"])])], "Names are at most"),
        (
            lambda t: [("model", [("w", t["any"]), ("w", t["string"])])],
            "Artifact parameter &#x27;model&#x27; names an output twice.",
        ),
        (
            lambda t: [("model", [(_long_name(), t["any"])])],
            "An output of artifact parameter &#x27;model&#x27;: names are at most",
        ),
        (
            lambda t: [("model", [("weights", 424242)])],
            "Failed to locate plugin parameter type with id having value (424242).",
        ),
        (
            lambda t: [("model", [("weights", "")])],
            "Choose the type of output &#x27;weights&#x27;.",
        ),
        (
            lambda t: [("model", [("weights", 10**30)])],
            "Choose the type of output &#x27;weights&#x27;.",
        ),
        (
            lambda t: [("model", [("weights", "²")])],
            "Choose the type of output &#x27;weights&#x27;.",
        ),
        (lambda t: [("model", [])], "Artifact input &quot;model&quot;: needs at least one output"),
    ],
)
def test_bad_artifact_parameters_are_explained_in_the_form(
    writer_client, team, types, plugin, htmx_headers, artifacts, message
):
    type_ids = {name: t.pk for name, t in types.items()}
    data = form_data(team, artifacts(type_ids), plugins=[plugin.pk])

    response = writer_client.post(CREATE_URL, data, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert message in page[page.index('id="artifact-parameters"') :]
    assert not Entrypoint.objects.exists()


def test_a_type_of_a_group_the_writer_cannot_read_is_refused(writer_client, team, plugin):
    hidden = PluginParameterTypeFactory(name="Secret")  # in a group of its own

    response = writer_client.post(
        CREATE_URL, form_data(team, [("model", [("weights", hidden.pk)])], plugins=[plugin.pk])
    )

    assert response.status_code == 200
    assert f"Failed to locate plugin parameter type with id having value ({hidden.pk})" in (
        response.content.decode()
    )
    assert not Entrypoint.objects.exists()


def test_the_workflow_check_uses_the_artifact_parameters_being_edited(
    writer_client, team, types, plugin, htmx_headers
):
    counts = [("counts", [("n", types["integer"].pk)])]

    with_them = writer_client.post(
        VALIDATE_URL,
        form_data(team, counts, plugins=[plugin.pk], task_graph=ARTIFACT_GRAPH),
        **htmx_headers,
    )
    without = writer_client.post(
        VALIDATE_URL,
        form_data(team, plugins=[plugin.pk], task_graph=ARTIFACT_GRAPH),
        **htmx_headers,
    )
    saved = writer_client.post(
        CREATE_URL, form_data(team, counts, plugins=[plugin.pk], task_graph=ARTIFACT_GRAPH)
    )

    assert "No problems found." in with_them.content.decode()
    assert "unresolvable reference: $counts" in without.content.decode()
    assert saved.status_code == 302


# The run-a-job form -------------------------------------------------------------------

SAVERS = """
from dioptra.sdk.api.artifact import ArtifactTaskInterface


class TextArtifactTask(ArtifactTaskInterface):
    pass


class CountArtifactTask(ArtifactTaskInterface):
    pass
"""
GREET_GRAPH = "greet:\n  hello_world:\n    name: $greeting\n"


@pytest.fixture
def savers(writer, team):
    accounts.ensure_public_group(creator=writer)
    return make_plugin(
        writer,
        team,
        name="savers",
        code=SAVERS,
        tasks=[
            TaskSpec(
                "TextArtifactTask",
                kind=PluginTask.Kind.ARTIFACT,
                outputs=[("text", builtin("string"))],
            ),
            TaskSpec(
                "CountArtifactTask",
                kind=PluginTask.Kind.ARTIFACT,
                outputs=[("count", builtin("integer"))],
            ),
        ],
    )


def saved_artifact(savers, task_name: str, **fields):
    """An artifact a job saved with one of the `savers` tasks."""
    return ArtifactFactory(
        task=PluginTask.objects.get(file__plugin=savers, name=task_name),
        plugin_snapshot_id=savers.snapshot_id,
        **fields,
    )


@pytest.fixture
def greet(writer, team, savers):
    """A workflow greeting the text of an artifact: artifact parameter `greeting`."""
    return make_workflow(
        writer,
        team,
        graph=GREET_GRAPH,
        parameters=[],
        artifact_parameters=[ArtifactParameterSpec("greeting", [("text", builtin("string"))])],
        name="greet",
    )


def field_errors(response, name: str) -> list[str]:
    """The errors the page shows under the form field ``name``."""
    page = response.content.decode()
    return [
        html.unescape(error)
        for error in re.findall(rf'<p id="error_\d+_id_{name}"><strong>(.*?)</strong></p>', page)
    ]


def submit_url(flow) -> str:
    return reverse("experiment_job_submit", args=[flow.experiment.pk])


def job_data(flow, **changes) -> dict:
    return {
        "entrypoint": flow.entrypoint.pk,
        "shown_entrypoint": flow.entrypoint.pk,
        "queue": flow.queue.pk,
        "description": "",
        "timeout": "",
        **changes,
    }


def test_the_job_form_offers_the_readable_artifacts_newest_first(
    writer_client, team, greet, savers
):
    older = saved_artifact(savers, "TextArtifactTask", group=team)
    newer = saved_artifact(savers, "TextArtifactTask", group=team)
    hidden = saved_artifact(savers, "TextArtifactTask")  # another group's

    page = writer_client.get(
        reverse("experiment_detail", args=[greet.experiment.pk])
    ).content.decode()

    assert "Artifacts it takes" in page
    assert 'name="artifact_0"' in page
    assert "loads it as text: string" in page
    newer_option = f'<option value="{newer.pk}">job #{newer.job_id} · {newer.uri}</option>'
    older_option = f'<option value="{older.pk}">job #{older.job_id} · {older.uri}</option>'
    assert newer_option in page and older_option in page
    assert page.index(newer_option) < page.index(older_option)
    assert f'<option value="{hidden.pk}"' not in page
    assert "There are no artifacts you can read yet" not in page


def test_an_entrypoint_without_artifact_parameters_asks_for_none(writer_client, writer, team):
    accounts.ensure_public_group(creator=writer)
    hello = make_workflow(writer, team, name="hello")

    page = writer_client.get(submit_url(hello), {"entrypoint": hello.entrypoint.pk})

    assert "Artifacts it takes" not in page.content.decode()


def test_submitting_with_an_artifact_creates_the_job_with_it(
    writer_client, team, greet, savers, htmx_headers
):
    artifact = saved_artifact(savers, "TextArtifactTask", group=team)

    response = writer_client.post(
        submit_url(greet), job_data(greet, artifact_0=artifact.pk), **htmx_headers
    )

    job = Job.objects.get(experiment=greet.experiment)
    assert response.status_code == 200 and "job-submitted" in response["HX-Trigger"]
    expected = {"greeting": {"id": artifact.pk, "snapshotId": artifact.snapshot_id}}
    assert job.artifact_values == expected
    assert writer_client.get(f"/api/v1/jobs/{job.pk}").json()["artifactValues"] == expected


def test_a_missing_artifact_is_a_form_error(writer_client, greet, htmx_headers):
    response = writer_client.post(submit_url(greet), job_data(greet), **htmx_headers)

    assert response.status_code == 200
    assert field_errors(response, "artifact_0") == ["Choose the artifact greeting is taken from."]
    assert "There are no artifacts you can read yet" in response.content.decode()
    assert not greet.experiment.jobs.exists()


@pytest.mark.parametrize("value", ["many", "-1", "²", str(2**70)])
def test_a_malformed_artifact_id_is_a_form_error(writer_client, greet, htmx_headers, value):
    response = writer_client.post(
        submit_url(greet), job_data(greet, artifact_0=value), **htmx_headers
    )

    assert response.status_code == 200
    assert field_errors(response, "artifact_0")
    assert not greet.experiment.jobs.exists()


@pytest.mark.parametrize("value", ["²", str(2**70)])
def test_a_malformed_entrypoint_choice_asks_for_one(writer_client, greet, htmx_headers, value):
    response = writer_client.post(
        submit_url(greet), job_data(greet, entrypoint=value), **htmx_headers
    )

    assert response.status_code == 200
    assert "Choose one of the experiment&#x27;s entrypoints." in response.content.decode()
    assert not greet.experiment.jobs.exists()


def test_an_artifact_of_a_group_the_user_cannot_read_is_refused(
    writer_client, greet, savers, htmx_headers
):
    hidden = saved_artifact(savers, "TextArtifactTask")

    response = writer_client.post(
        submit_url(greet), job_data(greet, artifact_0=hidden.pk), **htmx_headers
    )

    assert response.status_code == 200
    assert field_errors(response, "artifact_0") == [
        f"Failed to locate artifact with id having value ({hidden.pk})."
    ]
    assert not greet.experiment.jobs.exists()


def test_an_artifact_of_other_output_types_is_refused_on_its_field(
    writer_client, team, greet, savers, htmx_headers
):
    counted = saved_artifact(savers, "CountArtifactTask", group=team)

    response = writer_client.post(
        submit_url(greet), job_data(greet, artifact_0=counted.pk), **htmx_headers
    )

    assert response.status_code == 200
    [error] = field_errors(response, "artifact_0")
    assert error == (
        f"artifact {counted.pk} gives outputs of types (integer), "
        "but artifact parameter 'greeting' expects (string)"
    )
    assert not greet.experiment.jobs.exists()


def test_readers_cannot_submit_with_an_artifact(team, greet, savers, reader):
    artifact = saved_artifact(savers, "TextArtifactTask", group=team)

    response = logged_in(reader).post(submit_url(greet), job_data(greet, artifact_0=artifact.pk))

    assert response.status_code == 403
    assert not greet.experiment.jobs.exists()
