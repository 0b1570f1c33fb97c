"""Drafts on the pages: "Save as draft" on the create and edit forms of
queues, experiments, plugins, parameter types and models, the "Your drafts"
card of their lists, the draft banner of their pages, continuing and
discarding; the same drafts as the API's."""

import json
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from experiments.drafts import create_change_draft
from experiments.models import Draft, Experiment, MLModel, Plugin, PluginParameterType, Queue
from tests.api.conftest import send
from tests.conftest import logged_in
from tests.factories import (
    EntrypointFactory,
    ExperimentFactory,
    MembershipFactory,
    MLModelFactory,
    PluginFactory,
    PluginFileFactory,
    PluginParameterTypeFactory,
    QueueFactory,
)


@dataclass(frozen=True)
class Case:
    """One resource type's pages: URL names, the API route, and what its form
    sends beyond name and description (with the payload that makes)."""

    noun: str
    model: type
    factory: type
    resource_type: str
    api_route: str
    extra_form: dict = field(default_factory=dict)
    extra_payload: dict = field(default_factory=dict)

    def url(self, action: str, *args) -> str:
        return reverse(f"{self.noun}_{action}", args=args)


CASES = [
    Case("queue", Queue, QueueFactory, "queue", "queues"),
    Case(
        "experiment",
        Experiment,
        ExperimentFactory,
        "experiment",
        "experiments",
        extra_payload={"entrypoints": []},
    ),
    Case("plugin", Plugin, PluginFactory, "plugin", "plugins"),
    Case(
        "parameter_type",
        PluginParameterType,
        PluginParameterTypeFactory,
        "plugin_task_parameter_type",
        "pluginParameterTypes",
        extra_form={"structure": '{"list": "string"}'},
        extra_payload={"structure": {"list": "string"}},
    ),
    Case("model", MLModel, MLModelFactory, "ml_model", "models"),
]


@pytest.fixture(params=CASES, ids=[case.noun for case in CASES])
def case(request) -> Case:
    return request.param


def form_data(case: Case, **values) -> dict:
    return {"description": "", **case.extra_form, **values}


def save_new_draft(client, case: Case, team, **values):
    data = form_data(case, group=team.pk, save_draft="1", **values)
    return client.post(case.url("create"), data)


def other_writer(team):
    return MembershipFactory(group=team, read=True, write=True).user


# Drafts of new resources ------------------------------------------------------------


def test_the_forms_offer_save_as_draft(writer_client, team, case):
    resource = case.factory(group=team)

    for url in (case.url("create"), case.url("edit", resource.pk)):
        assert 'name="save_draft"' in writer_client.get(url).content.decode()


def test_an_unnamed_draft_is_saved_and_listed(writer_client, writer, team, case):
    response = save_new_draft(writer_client, case, team, name="", description="half done")

    assert response.status_code == 302
    assert response["Location"] == case.url("list")
    draft = Draft.objects.get()
    assert (draft.user, draft.group, draft.resource_type, draft.resource_id) == (
        writer,
        team,
        case.resource_type,
        None,
    )
    assert draft.payload == {"name": "", "description": "half done", **case.extra_payload}
    assert not case.model.objects.exists()
    page = writer_client.get(response["Location"]).content.decode()
    assert "saved. Continue it from" in page
    assert "Your drafts" in page and "(unnamed)" in page
    assert f"{case.url('create')}?draft={draft.pk}" in page
    assert reverse("draft_discard", args=[draft.pk]) in page


def test_the_list_has_no_drafts_card_without_drafts(writer_client, case):
    assert 'id="drafts-card"' not in writer_client.get(case.url("list")).content.decode()


def test_htmx_save_as_draft_sends_the_browser_to_the_list(writer_client, team, case, htmx_headers):
    data = form_data(case, group=team.pk, name="half", save_draft="1")

    response = writer_client.post(case.url("create"), data, **htmx_headers)

    assert response["HX-Redirect"] == case.url("list")
    assert Draft.objects.get().payload["name"] == "half"


def test_a_draft_still_needs_a_group(writer_client, case):
    response = writer_client.post(case.url("create"), form_data(case, name="x", save_draft="1"))

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Draft.objects.exists()


def test_continue_prefills_the_create_form(writer_client, team, case):
    save_new_draft(writer_client, case, team, name="draft_name", description="to finish")
    draft = Draft.objects.get()

    page = writer_client.get(f"{case.url('create')}?draft={draft.pk}").content.decode()

    assert 'value="draft_name"' in page and "to finish</textarea>" in page
    assert f'<option value="{team.pk}" selected>' in page
    assert f'name="draft" value="{draft.pk}"' in page
    assert "You are continuing your draft" in page


def test_saving_a_continued_draft_again_updates_it(writer_client, team, case):
    save_new_draft(writer_client, case, team, name="first")
    draft = Draft.objects.get()

    save_new_draft(writer_client, case, team, name="second", draft=draft.pk)

    assert Draft.objects.get().pk == draft.pk
    assert Draft.objects.get().payload["name"] == "second"


def test_creating_from_a_continued_draft_removes_it(writer_client, team, case):
    save_new_draft(writer_client, case, team, name="")
    draft = Draft.objects.get()

    data = form_data(case, group=team.pk, name="finished_one", draft=draft.pk)
    response = writer_client.post(case.url("create"), data)

    resource = case.model.objects.get(name="finished_one")
    assert response.status_code == 302 and resource.group == team
    assert not Draft.objects.exists()


def test_a_refused_create_keeps_the_draft(writer_client, team, case):
    save_new_draft(writer_client, case, team, name="")
    draft = Draft.objects.get()

    data = form_data(case, group=team.pk, name="", draft=draft.pk)
    response = writer_client.post(case.url("create"), data)

    assert response.status_code == 200 and "A name is required." in response.content.decode()
    assert f'name="draft" value="{draft.pk}"' in response.content.decode()
    assert Draft.objects.filter(pk=draft.pk).exists()


def test_discard_removes_the_draft(writer_client, team, case):
    save_new_draft(writer_client, case, team, name="unwanted")
    url = reverse("draft_discard", args=[Draft.objects.get().pk])

    assert writer_client.get(url).status_code == 405
    response = writer_client.post(url)

    assert response.status_code == 302 and response["Location"] == case.url("list")
    assert not Draft.objects.exists()
    assert 'id="drafts-card"' not in writer_client.get(case.url("list")).content.decode()


def test_others_cannot_see_continue_or_discard_a_draft(writer_client, team, outsider, case):
    save_new_draft(writer_client, case, team, name="mine_only")
    draft = Draft.objects.get()

    for other in (other_writer(team), outsider):
        client = logged_in(other)
        assert "mine_only" not in client.get(case.url("list")).content.decode()
        assert client.get(f"{case.url('create')}?draft={draft.pk}").status_code == 404
        data = form_data(case, group=team.pk, name="stolen", save_draft="1", draft=draft.pk)
        assert client.post(case.url("create"), data).status_code == 404
        assert client.post(reverse("draft_discard", args=[draft.pk])).status_code == 404
    assert Draft.objects.get().payload["name"] == "mine_only"


@pytest.mark.parametrize("value", ["abc", "99999999999999999999", "١"])
def test_a_bad_draft_id_is_not_found(writer_client, case, value):
    assert writer_client.get(f"{case.url('create')}?draft={value}").status_code == 404


def test_a_draft_of_another_type_is_not_found(writer_client, team, case):
    other = next(c for c in CASES if c is not case)
    save_new_draft(writer_client, other, team, name="elsewhere")

    url = f"{case.url('create')}?draft={Draft.objects.get().pk}"

    assert writer_client.get(url).status_code == 404


def test_moving_a_draft_to_another_group_keeps_one_draft(writer, writer_client, team, case):
    lab = MembershipFactory(user=writer, read=True, write=True).group
    save_new_draft(writer_client, case, team, name="moving")

    save_new_draft(writer_client, case, lab, name="moved", draft=Draft.objects.get().pk)

    draft = Draft.objects.get()
    assert (draft.group, draft.payload["name"]) == (lab, "moved")


def test_reader_cannot_save_drafts(reader_client, team, case):
    resource = case.factory(group=team)

    assert save_new_draft(reader_client, case, team, name="nope").status_code == 403
    data = form_data(case, name="nope", save_draft="1")
    assert reader_client.post(case.url("edit", resource.pk), data).status_code == 403
    assert not Draft.objects.exists()


# Drafts of changes ----------------------------------------------------------------


def save_change_draft(client, case: Case, resource, **values):
    data = form_data(case, save_draft="1", **values)
    return client.post(case.url("edit", resource.pk), data)


def test_a_change_draft_leaves_the_resource_and_shows_a_banner(writer_client, team, case):
    resource = case.factory(group=team, name="original", description="before")

    response = save_change_draft(writer_client, case, resource, name="", description="after")

    assert response.status_code == 302
    assert response["Location"] == case.url("detail", resource.pk)
    resource.refresh_from_db()
    assert (resource.name, resource.description) == ("original", "before")
    draft = Draft.objects.get()
    assert (draft.resource_id, draft.base_snapshot_id) == (resource.pk, resource.snapshot_id)
    assert draft.payload == {"name": "", "description": "after", **case.extra_payload}
    page = writer_client.get(response["Location"]).content.decode()
    assert "You have unsaved changes saved as a draft (saved " in page
    assert f"{case.url('edit', resource.pk)}?draft={draft.pk}" in page
    assert "has changed since" not in page


def test_continue_editing_prefills_the_edit_form(writer_client, team, case):
    resource = case.factory(group=team, name="original")
    save_change_draft(writer_client, case, resource, name="renamed", description="new words")
    draft = Draft.objects.get()

    page = writer_client.get(f"{case.url('edit', resource.pk)}?draft={draft.pk}").content.decode()

    assert 'value="renamed"' in page and "new words</textarea>" in page
    assert f'name="draft" value="{draft.pk}"' in page
    assert "You are continuing your draft" in page


def test_the_plain_edit_form_points_at_an_earlier_change_draft(writer_client, team, case):
    resource = case.factory(group=team, name="original")
    save_change_draft(writer_client, case, resource, name="renamed")
    draft = Draft.objects.get()

    page = writer_client.get(case.url("edit", resource.pk)).content.decode()

    assert "You have a draft of changes saved" in page
    assert f'href="?draft={draft.pk}">continue it</a>' in page
    assert 'value="original"' in page  # the form itself shows the saved values


def test_without_a_draft_the_edit_form_has_no_notice(writer_client, team, case):
    resource = case.factory(group=team)

    page = writer_client.get(case.url("edit", resource.pk)).content.decode()

    assert 'id="draft-notice"' not in page


def test_saving_a_change_draft_again_replaces_it(writer_client, team, case):
    resource = case.factory(group=team)
    save_change_draft(writer_client, case, resource, name="one")

    save_change_draft(writer_client, case, resource, name="two")

    assert Draft.objects.get().payload["name"] == "two"


def test_a_normal_save_from_a_continued_change_draft_removes_it(writer_client, team, case):
    resource = case.factory(group=team, name="original")
    save_change_draft(writer_client, case, resource, name="renamed")
    draft = Draft.objects.get()

    data = form_data(case, name="renamed", draft=draft.pk)
    response = writer_client.post(case.url("edit", resource.pk), data)

    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.name == "renamed"
    assert not Draft.objects.exists()
    assert "unsaved changes" not in writer_client.get(response["Location"]).content.decode()


def test_a_stale_change_draft_warns_and_saving_overwrites(writer_client, team, case):
    resource = case.factory(group=team, name="original")
    save_change_draft(writer_client, case, resource, name="mine")
    draft = Draft.objects.get()
    # Someone changes the resource meanwhile.
    writer_client.post(case.url("edit", resource.pk), form_data(case, name="theirs"))

    detail = writer_client.get(case.url("detail", resource.pk)).content.decode()
    edit_url = f"{case.url('edit', resource.pk)}?draft={draft.pk}"
    form = writer_client.get(edit_url).content.decode()

    assert "has changed since you started the draft" in detail
    assert 'value="mine"' in form and "has changed since you started it" in form
    writer_client.post(case.url("edit", resource.pk), form_data(case, name="mine", draft=draft.pk))
    resource.refresh_from_db()
    assert resource.name == "mine" and not Draft.objects.exists()


def test_discard_a_change_draft(writer_client, team, case):
    resource = case.factory(group=team)
    save_change_draft(writer_client, case, resource, name="unwanted")
    url = reverse("change_draft_discard", args=[case.resource_type, resource.pk])

    response = writer_client.post(url)

    assert response.status_code == 302
    assert response["Location"] == case.url("detail", resource.pk)
    assert not Draft.objects.exists()


def test_others_cannot_see_continue_or_discard_a_change_draft(writer_client, team, outsider, case):
    resource = case.factory(group=team)
    save_change_draft(writer_client, case, resource, name="mine_only")
    draft = Draft.objects.get()
    discard_url = reverse("change_draft_discard", args=[case.resource_type, resource.pk])

    colleague = logged_in(other_writer(team))
    assert "unsaved changes" not in colleague.get(case.url("detail", resource.pk)).content.decode()
    edit_url = f"{case.url('edit', resource.pk)}?draft={draft.pk}"
    assert colleague.get(edit_url).status_code == 404
    assert colleague.post(discard_url).status_code == 404
    assert logged_in(outsider).post(discard_url).status_code == 404
    assert Draft.objects.exists()


def test_discarding_needs_a_type_with_page_drafts(writer, writer_client, team):
    # Plugin files have drafts in the API only.
    file = PluginFileFactory(group=team)
    create_change_draft(user=writer, resource=file, payload={})

    url = reverse("change_draft_discard", args=["plugin_file", file.pk])

    assert writer_client.post(url).status_code == 404
    assert Draft.objects.exists()


# The same drafts as the API's ----------------------------------------------------


def test_page_drafts_are_the_api_drafts(writer_client, team, case):
    resource = case.factory(group=team)
    save_new_draft(writer_client, case, team, name="from_pages")
    save_change_draft(writer_client, case, resource, name="changed_on_pages")

    body = send(writer_client, "GET", f"/api/v1/{case.api_route}/drafts").json()

    assert {row["payload"]["name"] for row in body["data"]} == {"from_pages", "changed_on_pages"}
    assert {row["resource"] for row in body["data"]} == {None, resource.pk}


def test_the_api_commits_a_draft_saved_on_the_pages(writer_client, team, case):
    save_new_draft(writer_client, case, team, name="committed", description="via the API")

    response = send(
        writer_client, "POST", f"/api/v1/workflows/draftCommit/{Draft.objects.get().pk}"
    )

    assert response.status_code == 200, response.content
    assert case.model.objects.get(name="committed").description == "via the API"


def test_an_api_draft_is_continued_on_the_pages(writer_client, team):
    body = {"group": team.pk, "name": "from_api", "description": "started elsewhere"}
    draft = send(writer_client, "POST", "/api/v1/queues/drafts", body).json()

    listing = writer_client.get(reverse("queue_list")).content.decode()
    page = writer_client.get(f"{reverse('queue_create')}?draft={draft['id']}").content.decode()

    assert "from_api" in listing
    assert 'value="from_api"' in page and "started elsewhere</textarea>" in page


def test_an_experiment_draft_keeps_its_entrypoints(writer_client, team):
    entrypoint = EntrypointFactory(group=team)
    save_new_draft(writer_client, CASES[1], team, name="exp", entrypoints=[entrypoint.pk])
    draft = Draft.objects.get()

    page = writer_client.get(f"{reverse('experiment_create')}?draft={draft.pk}").content.decode()

    assert draft.payload["entrypoints"] == [entrypoint.pk]
    assert f'<option value="{entrypoint.pk}" selected>' in page


def test_a_type_draft_refuses_what_the_api_would(writer_client, team):
    case = CASES[3]
    response = save_new_draft(writer_client, case, team, name="t", structure='{"list": NaN}')

    assert response.status_code == 200
    assert "NaN and Infinity are not valid JSON values." in response.content.decode()
    assert not Draft.objects.exists()


def test_list_query_count_does_not_grow_with_drafts(writer_client, team, case):
    def queries() -> int:
        writer_client.get(case.url("list"))  # shows the "saved" messages first
        with CaptureQueriesContext(connection) as captured:
            response = writer_client.get(case.url("list"))
        assert 'id="drafts-card"' in response.content.decode()
        return len(captured)

    save_new_draft(writer_client, case, team, name="one")
    with_one = queries()
    for number in range(5):
        save_new_draft(writer_client, case, team, name=f"more_{number}")

    assert queries() == with_one


def test_json_structure_prefills_as_text(writer_client, team):
    case = CASES[3]
    save_new_draft(writer_client, case, team, name="t")
    draft = Draft.objects.get()

    page = writer_client.get(f"{case.url('create')}?draft={draft.pk}").content.decode()

    assert json.dumps({"list": "string"}, indent=2).replace('"', "&quot;") in page
