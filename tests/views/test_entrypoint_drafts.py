"""Drafts of entrypoints on the pages: "Save as draft" keeps the form with its
parameter and artifact parameter rows, the list's "Your drafts" card and the
page's banner continue it, with every row prefilled; the same drafts as the
API's. (test_drafts_pages covers the other resource types.)"""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experiments.models import Draft, Entrypoint
from tests.api.conftest import send
from tests.conftest import logged_in
from tests.factories import MembershipFactory, QueueFactory
from tests.views.plugin_helpers import builtin_types, trainer_plugin

LIST_URL = reverse("entrypoint_list")
CREATE_URL = reverse("entrypoint_create")
VALIDATE_URL = reverse("entrypoint_validate")
TASK_GRAPH = "train:\n  train_model:\n    epochs: $epochs\n"
ARTIFACT_GRAPH = "saved:\n  contents: $train.model\n"


def edit_url(entrypoint) -> str:
    return reverse("entrypoint_edit", args=[entrypoint.pk])


def detail_url(entrypoint) -> str:
    return reverse("entrypoint_detail", args=[entrypoint.pk])


@pytest.fixture
def types(writer):
    return builtin_types(writer)


@pytest.fixture
def plugin(writer, team):
    return trainer_plugin(writer, team)


@pytest.fixture
def queue(team):
    return QueueFactory(group=team, name="gpu")


def form_data(
    *,
    team=None,
    parameters=(),
    artifacts=(),
    initial_parameters=0,
    initial_artifacts=0,
    **fields,
) -> dict:
    """The entrypoint form: ``parameters`` as ``(name, type, default)`` and
    ``artifacts`` as ``(name, [(output name, type id or ""), ...])``. Without
    a ``team`` it is an edit form."""
    data = {
        "name": "",
        "description": "",
        "task_graph": "",
        "artifact_graph": "",
        "parameters-TOTAL_FORMS": str(len(parameters)),
        "parameters-INITIAL_FORMS": str(initial_parameters),
        "artifact_parameters-TOTAL_FORMS": str(len(artifacts)),
        "artifact_parameters-INITIAL_FORMS": str(initial_artifacts),
        **fields,
    }
    if team is not None:
        data["group"] = team.pk
    for index, (name, type_, default) in enumerate(parameters):
        data[f"parameters-{index}-name"] = name
        data[f"parameters-{index}-parameter_type"] = type_
        data[f"parameters-{index}-default_value"] = default
    for index, (name, outputs) in enumerate(artifacts):
        data[f"artifact_parameters-{index}-name"] = name
        for row, (output, type_id) in enumerate(outputs):
            data[f"artifact_parameters-{index}-out-{row}-name"] = output
            data[f"artifact_parameters-{index}-out-{row}-type"] = str(type_id)
    return data


def full_form(team, plugin, queue, types, **fields) -> dict:
    """A new entrypoint with every field filled in, two parameters and an
    artifact parameter with two outputs; ``fields`` change some."""
    values = {
        "team": team,
        "name": "train",
        "description": "trains a model",
        "task_graph": TASK_GRAPH,
        "artifact_graph": ARTIFACT_GRAPH,
        "queues": [queue.pk],
        "plugins": [plugin.pk],
        "artifact_plugins": [plugin.pk],
        "parameters": [("epochs", "integer", "3"), ("seed", "string", "")],
        "artifacts": [("counts", [("n", types["integer"].pk), ("label", types["string"].pk)])],
        **fields,
    }
    return form_data(**values)


def full_payload(plugin, queue, types) -> dict:
    return {
        "name": "train",
        "description": "trains a model",
        "taskGraph": TASK_GRAPH,
        "artifactGraph": ARTIFACT_GRAPH,
        "parameters": [
            {"name": "epochs", "parameterType": "integer", "defaultValue": "3"},
            {"name": "seed", "parameterType": "string", "defaultValue": None},
        ],
        "artifactParameters": [
            {
                "name": "counts",
                "outputParams": [
                    {"name": "n", "parameterType": types["integer"].pk},
                    {"name": "label", "parameterType": types["string"].pk},
                ],
            }
        ],
        "queues": [queue.pk],
        "plugins": [plugin.pk],
        "artifactPlugins": [plugin.pk],
    }


@pytest.fixture
def entrypoint(writer_client, team, plugin, queue, types) -> Entrypoint:
    """An entrypoint made through the form, with a parameter and an artifact parameter."""
    data = form_data(
        team=team,
        name="train",
        task_graph=TASK_GRAPH,
        queues=[queue.pk],
        plugins=[plugin.pk],
        parameters=[("epochs", "integer", "3")],
        artifacts=[("counts", [("n", types["integer"].pk)])],
    )
    assert writer_client.post(CREATE_URL, data).status_code == 302
    return Entrypoint.objects.get(name="train")


def edit_form(plugin, queue, types, **fields) -> dict:
    """The edit form of the ``entrypoint`` fixture, with ``fields`` changed."""
    values = {
        "name": "train",
        "task_graph": TASK_GRAPH,
        "queues": [queue.pk],
        "plugins": [plugin.pk],
        "parameters": [("epochs", "integer", "3")],
        "artifacts": [("counts", [("n", types["integer"].pk)])],
        "initial_parameters": 1,
        "initial_artifacts": 1,
        **fields,
    }
    return form_data(**values)


def selected(page: str, name: str) -> list[str]:
    """The values chosen in the page's select ``name``."""
    match = re.search(rf'<select\b[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert match, f"no select {name}"
    return re.findall(r'<option value="([^"]*)" selected>', match.group(1))


def assert_prefilled(page: str, team, plugin, queue, types) -> None:
    """The page's form shows the values of full_form, every row included."""
    assert selected(page, "group") == [str(team.pk)]
    assert 'value="train"' in page and "trains a model</textarea>" in page
    assert html.escape(TASK_GRAPH) in page and html.escape(ARTIFACT_GRAPH) in page
    assert selected(page, "queues") == [str(queue.pk)]
    assert selected(page, "plugins") == [str(plugin.pk)]
    assert selected(page, "artifact_plugins") == [str(plugin.pk)]
    assert 'name="parameters-INITIAL_FORMS" value="2"' in page
    assert 'name="parameters-0-name" value="epochs"' in page
    assert selected(page, "parameters-0-parameter_type") == ["integer"]
    assert 'name="parameters-0-default_value" value="3"' in page
    assert 'name="parameters-1-name" value="seed"' in page
    assert selected(page, "parameters-1-parameter_type") == ["string"]
    assert 'name="parameters-1-default_value" value=' not in page  # no default
    assert 'name="artifact_parameters-0-name" value="counts"' in page
    assert 'name="artifact_parameters-0-out-0-name" value="n"' in page
    assert selected(page, "artifact_parameters-0-out-0-type") == [str(types["integer"].pk)]
    assert 'name="artifact_parameters-0-out-1-name" value="label"' in page
    assert selected(page, "artifact_parameters-0-out-1-type") == [str(types["string"].pk)]


# Drafts of new entrypoints ---------------------------------------------------------


def test_the_forms_offer_save_as_draft(writer_client, entrypoint):
    for url in (CREATE_URL, edit_url(entrypoint)):
        assert 'name="save_draft"' in writer_client.get(url).content.decode()


def test_a_draft_keeps_every_field_and_row(writer_client, writer, team, plugin, queue, types):
    data = full_form(team, plugin, queue, types, save_draft="1")

    response = writer_client.post(CREATE_URL, data)

    assert response.status_code == 302 and response["Location"] == LIST_URL
    draft = Draft.objects.get()
    assert (draft.user, draft.group, draft.resource_type, draft.resource_id) == (
        writer,
        team,
        "entry_point",
        None,
    )
    assert draft.payload == full_payload(plugin, queue, types)
    assert not Entrypoint.objects.exists()
    listing = writer_client.get(LIST_URL).content.decode()
    assert "Draft of entrypoint train saved." in listing
    assert 'id="drafts-card"' in listing and f"{CREATE_URL}?draft={draft.pk}" in listing
    body = send(writer_client, "GET", "/api/v1/entrypoints/drafts").json()
    assert [(row["id"], row["payload"]) for row in body["data"]] == [(draft.pk, draft.payload)]


def test_an_unfinished_draft_is_saved(writer_client, team):
    data = form_data(team=team, parameters=[("", "string", "")], save_draft="1")

    response = writer_client.post(CREATE_URL, data)

    assert response.status_code == 302
    assert Draft.objects.get().payload == {
        "name": "",
        "description": "",
        "taskGraph": "",
        "artifactGraph": "",
        "parameters": [],
        "artifactParameters": [],
        "queues": [],
        "plugins": [],
        "artifactPlugins": [],
    }
    assert "(unnamed)" in writer_client.get(LIST_URL).content.decode()


def test_a_draft_still_needs_a_group(writer_client):
    response = writer_client.post(CREATE_URL, form_data(name="x", save_draft="1"))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Draft.objects.exists()


def test_a_draft_output_still_needs_a_type(writer_client, team, types):
    # The draft is the API's body, whose outputs have a type.
    data = form_data(team=team, artifacts=[("counts", [("n", "")])], save_draft="1")

    response = writer_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert "Choose the type of output &#x27;n&#x27;." in response.content.decode()
    assert not Draft.objects.exists()


def test_a_draft_refuses_a_parameter_type_the_api_would(writer_client, team):
    data = form_data(team=team, parameters=[("epochs", "", "3")], save_draft="1")

    response = writer_client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert "parameters: 0: parameterType: Must be one of:" in response.content.decode()
    assert not Draft.objects.exists()


def test_continue_prefills_the_form_and_its_rows(writer_client, team, plugin, queue, types):
    writer_client.post(CREATE_URL, full_form(team, plugin, queue, types, save_draft="1"))
    draft = Draft.objects.get()

    page = writer_client.get(f"{CREATE_URL}?draft={draft.pk}").content.decode()

    assert_prefilled(page, team, plugin, queue, types)
    assert f'name="draft" value="{draft.pk}"' in page
    assert "You are continuing your draft" in page


def test_saving_a_continued_draft_again_updates_it(writer_client, team):
    writer_client.post(CREATE_URL, form_data(team=team, name="first", save_draft="1"))
    draft = Draft.objects.get()

    data = form_data(team=team, name="second", task_graph="a:", save_draft="1", draft=draft.pk)
    writer_client.post(CREATE_URL, data)

    draft.refresh_from_db()
    assert Draft.objects.get().pk == draft.pk
    assert (draft.payload["name"], draft.payload["taskGraph"]) == ("second", "a:")


def test_creating_from_a_continued_draft_removes_it(writer_client, team, plugin, queue, types):
    writer_client.post(CREATE_URL, form_data(team=team, name="", save_draft="1"))
    draft = Draft.objects.get()

    data = full_form(
        team, plugin, queue, types, artifact_graph="", artifact_plugins=[], draft=draft.pk
    )
    response = writer_client.post(CREATE_URL, data)

    entrypoint = Entrypoint.objects.get(name="train")
    assert response.status_code == 302 and response["Location"] == detail_url(entrypoint)
    assert [p.name for p in entrypoint.parameters.all()] == ["epochs", "seed"]
    assert not Draft.objects.exists()


def test_a_refused_create_keeps_the_draft(writer_client, team, plugin):
    writer_client.post(CREATE_URL, form_data(team=team, name="half", save_draft="1"))
    draft = Draft.objects.get()

    # The workflow calls a task no attached plugin has: refused after the checks of the form.
    data = form_data(
        team=team,
        name="half",
        task_graph="s:\n  no_such_task:\n    x: 1\n",
        plugins=[plugin.pk],
        draft=draft.pk,
    )
    response = writer_client.post(CREATE_URL, data)

    assert response.status_code == 200 and "no_such_task" in response.content.decode()
    assert f'name="draft" value="{draft.pk}"' in response.content.decode()
    assert not Entrypoint.objects.exists()
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_htmx_save_as_draft_sends_the_browser_to_the_list(writer_client, team, htmx_headers):
    data = form_data(team=team, name="half", save_draft="1")

    response = writer_client.post(CREATE_URL, data, **htmx_headers)

    assert response["HX-Redirect"] == LIST_URL
    assert Draft.objects.get().payload["name"] == "half"


def test_the_workflow_check_takes_the_form_with_its_draft(
    writer_client, team, plugin, htmx_headers
):
    writer_client.post(CREATE_URL, form_data(team=team, name="half", save_draft="1"))
    draft = Draft.objects.get()
    data = form_data(
        team=team,
        name="half",
        task_graph=TASK_GRAPH,
        plugins=[plugin.pk],
        parameters=[("epochs", "integer", "3")],
        draft=draft.pk,
    )

    response = writer_client.post(VALIDATE_URL, data, **htmx_headers)

    assert response.status_code == 200
    assert "No problems found." in response.content.decode()
    draft.refresh_from_db()
    assert draft.payload["taskGraph"] == ""  # checking saves nothing


def test_others_cannot_see_continue_or_discard_a_draft(writer_client, team, outsider):
    writer_client.post(CREATE_URL, form_data(team=team, name="mine_only", save_draft="1"))
    draft = Draft.objects.get()
    colleague = MembershipFactory(group=team, read=True, write=True).user

    for other in (colleague, outsider):
        client = logged_in(other)
        assert "mine_only" not in client.get(LIST_URL).content.decode()
        assert client.get(f"{CREATE_URL}?draft={draft.pk}").status_code == 404
        data = form_data(team=team, name="stolen", save_draft="1", draft=draft.pk)
        assert client.post(CREATE_URL, data).status_code == 404
        assert client.post(reverse("draft_discard", args=[draft.pk])).status_code == 404
    assert Draft.objects.get().payload["name"] == "mine_only"


def test_a_queue_draft_is_not_an_entrypoint_draft(writer_client, team):
    writer_client.post(reverse("queue_create"), {"group": team.pk, "name": "q", "save_draft": "1"})

    assert writer_client.get(f"{CREATE_URL}?draft={Draft.objects.get().pk}").status_code == 404


def test_reader_cannot_save_drafts(reader_client, team, entrypoint):
    data = form_data(team=team, name="nope", save_draft="1")
    assert reader_client.post(CREATE_URL, data).status_code == 403
    data = form_data(name="nope", save_draft="1")
    assert reader_client.post(edit_url(entrypoint), data).status_code == 403
    assert not Draft.objects.exists()


def test_discard_removes_the_draft(writer_client, team):
    writer_client.post(CREATE_URL, form_data(team=team, name="unwanted", save_draft="1"))

    response = writer_client.post(reverse("draft_discard", args=[Draft.objects.get().pk]))

    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert not Draft.objects.exists()


def test_list_query_count_does_not_grow_with_drafts(writer_client, team):
    def queries() -> int:
        writer_client.get(LIST_URL)  # shows the "saved" messages first
        with CaptureQueriesContext(connection) as captured:
            response = writer_client.get(LIST_URL)
        assert 'id="drafts-card"' in response.content.decode()
        return len(captured)

    writer_client.post(CREATE_URL, form_data(team=team, name="one", save_draft="1"))
    with_one = queries()
    for number in range(5):
        writer_client.post(CREATE_URL, form_data(team=team, name=f"n{number}", save_draft="1"))

    assert queries() == with_one


# Drafts of changes -----------------------------------------------------------------


def test_a_change_draft_leaves_the_entrypoint_and_shows_a_banner(
    writer_client, entrypoint, plugin, queue, types
):
    data = edit_form(
        plugin,
        queue,
        types,
        name="",
        task_graph="",
        parameters=[("epochs", "integer", "5"), ("rate", "float", "")],
        artifacts=[("counts", [("n", types["integer"].pk), ("m", types["number"].pk)])],
        save_draft="1",
    )

    response = writer_client.post(edit_url(entrypoint), data)

    assert response.status_code == 302 and response["Location"] == detail_url(entrypoint)
    entrypoint.refresh_from_db()
    assert (entrypoint.name, entrypoint.task_graph) == ("train", TASK_GRAPH)
    draft = Draft.objects.get()
    assert (draft.resource_id, draft.base_snapshot_id) == (entrypoint.pk, entrypoint.snapshot_id)
    # The API's PUT body: a change keeps the pinned plugins.
    assert draft.payload == {
        "name": "",
        "description": "",
        "taskGraph": "",
        "artifactGraph": "",
        "parameters": [
            {"name": "epochs", "parameterType": "integer", "defaultValue": "5"},
            {"name": "rate", "parameterType": "float", "defaultValue": None},
        ],
        "artifactParameters": [
            {
                "name": "counts",
                "outputParams": [
                    {"name": "n", "parameterType": types["integer"].pk},
                    {"name": "m", "parameterType": types["number"].pk},
                ],
            }
        ],
        "queues": [queue.pk],
    }
    page = writer_client.get(detail_url(entrypoint)).content.decode()
    assert "You have unsaved changes saved as a draft (saved " in page
    assert f"{edit_url(entrypoint)}?draft={draft.pk}" in page
    assert "has changed since" not in page
    body = send(writer_client, "GET", f"/api/v1/entrypoints/{entrypoint.pk}/draft").json()
    assert body["payload"] == draft.payload


def test_continue_editing_prefills_the_form_and_its_rows(
    writer_client, entrypoint, plugin, queue, types
):
    data = edit_form(
        plugin,
        queue,
        types,
        description="new words",
        parameters=[("epochs", "integer", "7"), ("rate", "float", "0.1")],
        artifacts=[("weights", [("w", types["number"].pk)])],
        save_draft="1",
    )
    writer_client.post(edit_url(entrypoint), data)
    draft = Draft.objects.get()

    page = writer_client.get(f"{edit_url(entrypoint)}?draft={draft.pk}").content.decode()

    assert "new words</textarea>" in page
    assert 'name="parameters-0-default_value" value="7"' in page
    assert 'name="parameters-1-name" value="rate"' in page
    assert 'name="parameters-1-default_value" value="0.1"' in page
    assert selected(page, "parameters-1-parameter_type") == ["float"]
    assert 'name="artifact_parameters-0-name" value="weights"' in page
    assert 'name="artifact_parameters-0-out-0-name" value="w"' in page
    assert selected(page, "artifact_parameters-0-out-0-type") == [str(types["number"].pk)]
    assert selected(page, "plugins") == [str(plugin.pk)]  # the pinned plugin
    assert f'name="draft" value="{draft.pk}"' in page
    assert "You are continuing your draft" in page


def test_a_change_draft_cannot_change_the_plugins(writer_client, entrypoint, plugin, queue, types):
    data = edit_form(plugin, queue, types, plugins=[], artifact_plugins=[plugin.pk])

    response = writer_client.post(edit_url(entrypoint), {**data, "save_draft": "1"})

    assert response.status_code == 200
    assert response.content.decode().count("A draft of changes keeps the pinned plugins") == 2
    assert not Draft.objects.exists()


def test_a_normal_save_from_a_continued_change_draft_removes_it(
    writer_client, entrypoint, plugin, queue, types
):
    data = edit_form(plugin, queue, types, description="changed", save_draft="1")
    writer_client.post(edit_url(entrypoint), data)
    draft = Draft.objects.get()

    data = edit_form(plugin, queue, types, description="changed", draft=draft.pk)
    response = writer_client.post(edit_url(entrypoint), data)

    assert response.status_code == 302
    entrypoint.refresh_from_db()
    assert entrypoint.description == "changed"
    assert not Draft.objects.exists()
    assert "unsaved changes" not in writer_client.get(detail_url(entrypoint)).content.decode()


def test_a_stale_change_draft_warns_and_saving_overwrites(
    writer_client, entrypoint, plugin, queue, types
):
    data = edit_form(plugin, queue, types, description="mine", save_draft="1")
    writer_client.post(edit_url(entrypoint), data)
    draft = Draft.objects.get()
    # Someone changes the entrypoint meanwhile.
    writer_client.post(edit_url(entrypoint), edit_form(plugin, queue, types, description="theirs"))

    detail = writer_client.get(detail_url(entrypoint)).content.decode()
    form = writer_client.get(f"{edit_url(entrypoint)}?draft={draft.pk}").content.decode()

    assert "has changed since you started the draft" in detail
    assert "mine</textarea>" in form and "has changed since you started it" in form
    data = edit_form(plugin, queue, types, description="mine", draft=draft.pk)
    writer_client.post(edit_url(entrypoint), data)
    entrypoint.refresh_from_db()
    assert entrypoint.description == "mine" and not Draft.objects.exists()


def test_others_cannot_see_continue_or_discard_a_change_draft(
    writer_client, team, outsider, entrypoint, plugin, queue, types
):
    writer_client.post(edit_url(entrypoint), edit_form(plugin, queue, types, save_draft="1"))
    draft = Draft.objects.get()
    discard_url = reverse("change_draft_discard", args=["entry_point", entrypoint.pk])
    colleague = logged_in(MembershipFactory(group=team, read=True, write=True).user)

    assert "unsaved changes" not in colleague.get(detail_url(entrypoint)).content.decode()
    assert colleague.get(f"{edit_url(entrypoint)}?draft={draft.pk}").status_code == 404
    assert colleague.post(discard_url).status_code == 404
    assert logged_in(outsider).post(discard_url).status_code == 404
    assert Draft.objects.exists()


def test_discard_a_change_draft(writer_client, entrypoint, plugin, queue, types):
    writer_client.post(edit_url(entrypoint), edit_form(plugin, queue, types, save_draft="1"))
    url = reverse("change_draft_discard", args=["entry_point", entrypoint.pk])

    response = writer_client.post(url)

    assert response.status_code == 302 and response["Location"] == detail_url(entrypoint)
    assert not Draft.objects.exists()


# The same drafts as the API's ----------------------------------------------------


def test_the_api_commits_a_draft_saved_on_the_pages(writer_client, team, plugin, queue, types):
    data = full_form(team, plugin, queue, types, artifact_graph="", save_draft="1")
    writer_client.post(CREATE_URL, data)

    response = send(
        writer_client, "POST", f"/api/v1/workflows/draftCommit/{Draft.objects.get().pk}"
    )

    assert response.status_code == 200, response.content
    entrypoint = Entrypoint.objects.get(name="train")
    assert [a.name for a in entrypoint.artifact_parameters.all()] == ["counts"]


def test_an_api_draft_is_continued_on_the_pages(writer_client, team, plugin, queue, types):
    body = {"group": team.pk, **full_payload(plugin, queue, types)}
    draft = send(writer_client, "POST", "/api/v1/entrypoints/drafts", body).json()

    listing = writer_client.get(LIST_URL).content.decode()
    page = writer_client.get(f"{CREATE_URL}?draft={draft['id']}").content.decode()

    assert f"{CREATE_URL}?draft={draft['id']}" in listing
    assert_prefilled(page, team, plugin, queue, types)
