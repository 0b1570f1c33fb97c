"""Experiment pages: the htmx create form with inline errors, the list with
search, sort and pages, the detail page with its entrypoints and jobs."""

import json

import pytest
from django.urls import reverse

from experiments.models import Experiment, Job
from tests.factories import (
    EntrypointFactory,
    ExperimentFactory,
    GroupFactory,
    MembershipFactory,
    QueueFactory,
)

LIST_URL = reverse("experiment_list")
CREATE_URL = reverse("experiment_create")


def make_job(experiment, *, status=Job.Status.QUEUED):
    entrypoint = EntrypointFactory(group=experiment.group)
    return Job.objects.create(
        group=experiment.group,
        creator=experiment.creator,
        experiment=experiment,
        entrypoint=entrypoint,
        queue=QueueFactory(group=experiment.group),
        status=status,
    )


def create_form(team, **changes):
    return {"group": team.pk, "name": "mnist-robustness", "description": "", **changes}


# Creating ---------------------------------------------------------------------


def test_plain_post_creates_the_experiment_and_opens_it(writer_client, writer, team):
    entrypoint = EntrypointFactory(group=team)

    response = writer_client.post(CREATE_URL, create_form(team, entrypoints=[entrypoint.pk]))

    experiment = Experiment.objects.get(name="mnist-robustness")
    assert response.status_code == 302
    assert response["Location"] == reverse("experiment_detail", args=[experiment.pk])
    assert experiment.group == team
    assert experiment.creator == writer
    assert list(experiment.entrypoints.all()) == [entrypoint]


def test_htmx_post_answers_a_fresh_form_and_tells_the_list_to_reload(
    writer_client, team, htmx_headers
):
    response = writer_client.post(CREATE_URL, create_form(team), **htmx_headers)

    experiment = Experiment.objects.get(name="mnist-robustness")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert json.loads(response["HX-Trigger"]) == {"experiment-created": {}}
    assert reverse("experiment_detail", args=[experiment.pk]) in page
    assert "created" in page
    assert 'value="mnist-robustness"' not in page  # the form is empty for the next one


def test_list_page_carries_the_create_form(writer_client, team):
    page = writer_client.get(LIST_URL).content.decode()

    assert f'hx-post="{CREATE_URL}"' in page
    assert f'action="{CREATE_URL}"' in page
    assert 'hx-trigger="experiment-created from:body"' in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "A name is required."),
        ({"name": "   "}, "A name is required."),
        ({"name": "x" * 256}, "Names are at most 255 characters long (this one has 256)."),
        (
            {"name": "taken"},
            "The experiment name &#x27;taken&#x27; is already taken in this group.",
        ),
        ({"entrypoints": ["999999"]}, "999999 is not one you can use"),
        ({"entrypoints": ["abc"]}, "abc is not a valid id."),
    ],
)
def test_bad_input_is_shown_in_the_form_fragment(
    writer_client, team, htmx_headers, changes, message
):
    ExperimentFactory(group=team, name="taken")

    response = writer_client.post(CREATE_URL, create_form(team, **changes), **htmx_headers)

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert message in response.content.decode()
    assert "HX-Trigger" not in response
    assert Experiment.objects.count() == 1


def test_bad_input_without_htmx_rerenders_the_whole_page_with_the_message(writer_client, team):
    response = writer_client.post(CREATE_URL, create_form(team, name=""))

    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert "A name is required." in response.content.decode()


def test_entrypoints_of_groups_the_user_cannot_read_are_refused(writer_client, team):
    hidden = EntrypointFactory()  # in another group

    response = writer_client.post(CREATE_URL, create_form(team, entrypoints=[hidden.pk]))

    assert response.status_code == 200
    assert f"{hidden.pk} is not one you can use" in response.content.decode()
    assert hidden.name not in writer_client.get(CREATE_URL).content.decode()
    assert not Experiment.objects.exists()


def test_a_group_the_user_may_only_read_is_refused(writer, writer_client, team):
    read_only = GroupFactory(name="read-only-group")
    MembershipFactory(group=read_only, user=writer, read=True, write=False)

    form_page = writer_client.get(CREATE_URL).content.decode()
    response = writer_client.post(CREATE_URL, create_form(read_only))

    assert "read-only-group" not in form_page
    assert "you need write access to it" in response.content.decode()
    assert not Experiment.objects.exists()


def test_the_group_is_preselected_when_the_user_may_write_to_one_only(writer_client, team):
    page = writer_client.get(CREATE_URL).content.decode()

    assert f'<option value="{team.pk}" selected>team</option>' in page


def test_without_entrypoints_the_form_explains_and_links_to_create_one(writer_client, team):
    page = writer_client.get(CREATE_URL).content.decode()

    assert "There are no entrypoints you can use yet" in page
    assert reverse("entrypoint_create") in page


# The list ---------------------------------------------------------------------


def test_list_search_sort_and_pages_work_as_plain_links(writer_client, team):
    for name in ["alpha", "beta", "gamma-1", "gamma-2"]:
        ExperimentFactory(group=team, name=name)
    for index in range(25):
        ExperimentFactory(group=team, name=f"bulk-{index:02d}")

    searched = writer_client.get(LIST_URL, {"q": "GAMMA"}).content.decode()
    by_name = writer_client.get(LIST_URL, {"sort": "name"}).content.decode()
    by_name_desc = writer_client.get(LIST_URL, {"sort": "-name"}).content.decode()
    second_page = writer_client.get(LIST_URL, {"sort": "name", "page": 2}).content.decode()

    assert "gamma-1" in searched and "gamma-2" in searched
    assert "alpha" not in searched and "bulk-00" not in searched
    assert by_name.index(">alpha<") < by_name.index(">beta<") < by_name.index(">bulk-00<")
    assert by_name_desc.index(">gamma-2<") < by_name_desc.index(">gamma-1<")
    assert "21–29 of 29 experiments" in second_page
    assert ">gamma-2<" in second_page and ">alpha<" not in second_page
    # Page links keep the sort and search.
    assert 'href="/experiments/?sort=name&amp;page=1"' in second_page


def test_list_answers_htmx_with_only_the_table(writer_client, team, htmx_headers):
    ExperimentFactory(group=team, name="alpha")

    response = writer_client.get(LIST_URL, {"q": "alp", "sort": "name"}, **htmx_headers)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="experiment-table"')
    assert "alpha" in page
    assert response["Vary"] == "HX-Request, Cookie"  # caches keep page and fragment apart


def test_search_without_matches_says_so_and_links_back(writer_client, team):
    ExperimentFactory(group=team, name="alpha")

    page = writer_client.get(LIST_URL, {"q": "nothing-like-it"}).content.decode()

    assert "No experiment matches “nothing-like-it”" in page
    assert 'href="/experiments/">Show all experiments' in page


def test_empty_list_tells_writers_to_create_one(writer_client, team):
    page = writer_client.get(LIST_URL).content.decode()

    assert "No experiments yet." in page
    assert "Create the first one with the form above" in page


def test_list_filters_by_group(writer, writer_client, team):
    other = GroupFactory(name="other")
    MembershipFactory(group=other, user=writer, read=True, write=True)
    ExperimentFactory(group=team, name="in-team")
    ExperimentFactory(group=other, name="in-other")

    page = writer_client.get(LIST_URL, {"group": other.pk}).content.decode()

    assert "in-other" in page and "in-team" not in page


def _populate(team, count):
    for _ in range(count):
        experiment = ExperimentFactory(group=team)
        experiment.entrypoints.add(EntrypointFactory(group=team))
        make_job(experiment)


@pytest.mark.parametrize("htmx", [False, True])
def test_list_query_count_does_not_grow_with_rows(
    writer_client, team, django_assert_num_queries, htmx
):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    # user, count, rows, their entrypoints,
    # writable group ids; the full page adds the create form's group and
    # entrypoint choices, and the user's drafts.
    expected = 5 if htmx else 11
    _populate(team, 2)
    with django_assert_num_queries(expected):
        writer_client.get(LIST_URL, **headers)

    _populate(team, 10)
    with django_assert_num_queries(expected):
        response = writer_client.get(LIST_URL, **headers)

    assert "1–12 of 12 experiments" in response.content.decode()


# The detail page ----------------------------------------------------------------


def test_detail_shows_entrypoints_and_explains_that_there_are_no_jobs(writer_client, team):
    experiment = ExperimentFactory(group=team, name="alpha", description="Adversarial patches.")
    entrypoint = EntrypointFactory(group=team, name="train")
    entrypoint.queues.add(QueueFactory(group=team, name="tensorflow-cpu"))
    experiment.entrypoints.add(entrypoint)

    page = writer_client.get(reverse("experiment_detail", args=[experiment.pk])).content.decode()

    assert "Adversarial patches." in page
    assert reverse("entrypoint_detail", args=[entrypoint.pk]) in page
    assert "tensorflow-cpu" in page
    assert "No jobs yet." in page
    assert "Jobs are submitted from this page once a worker is set up" in page


def test_detail_lists_the_jobs(writer_client, team):
    experiment = ExperimentFactory(group=team)
    finished = make_job(experiment, status=Job.Status.FINISHED)
    failed = make_job(experiment, status=Job.Status.FAILED)

    page = writer_client.get(reverse("experiment_detail", args=[experiment.pk])).content.decode()

    assert f"#{finished.pk}" in page and f"#{failed.pk}" in page
    assert page.index(f"#{failed.pk}") < page.index(f"#{finished.pk}")  # newest first
    assert '<span class="badge text-bg-danger">Failed</span>' in page
    assert "No jobs yet." not in page


def test_detail_answers_htmx_with_the_job_table_only(writer_client, team, htmx_headers):
    experiment = ExperimentFactory(group=team)
    job = make_job(experiment)

    response = writer_client.get(reverse("experiment_detail", args=[experiment.pk]), **htmx_headers)

    page = response.content.decode()
    assert "<html" not in page
    assert page.lstrip().startswith('<div id="job-table">')
    assert f"#{job.pk}" in page


def test_detail_without_entrypoints_tells_writers_how_to_add_them(writer_client, team):
    experiment = ExperimentFactory(group=team)

    page = writer_client.get(reverse("experiment_detail", args=[experiment.pk])).content.decode()

    assert "No entrypoints declared." in page
    assert reverse("experiment_edit", args=[experiment.pk]) in page


# Editing ------------------------------------------------------------------------


def test_edit_changes_name_description_and_entrypoints(writer_client, team):
    experiment = ExperimentFactory(group=team, name="old")
    old_entrypoint, new_entrypoint = EntrypointFactory(group=team), EntrypointFactory(group=team)
    experiment.entrypoints.add(old_entrypoint)
    edit_url = reverse("experiment_edit", args=[experiment.pk])

    form_page = writer_client.get(edit_url).content.decode()
    response = writer_client.post(
        edit_url, {"name": "new", "description": "now", "entrypoints": [new_entrypoint.pk]}
    )

    assert 'value="old"' in form_page
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert (experiment.name, experiment.description) == ("new", "now")
    assert list(experiment.entrypoints.all()) == [new_entrypoint]


def test_edit_with_htmx_redirects_the_browser_to_the_detail_page(writer_client, team, htmx_headers):
    experiment = ExperimentFactory(group=team)

    response = writer_client.post(
        reverse("experiment_edit", args=[experiment.pk]), {"name": "renamed"}, **htmx_headers
    )

    assert response["HX-Redirect"] == reverse("experiment_detail", args=[experiment.pk])


def test_edit_to_a_taken_name_shows_the_error_and_keeps_the_old_name(
    writer_client, team, htmx_headers
):
    ExperimentFactory(group=team, name="taken")
    experiment = ExperimentFactory(group=team, name="mine")

    response = writer_client.post(
        reverse("experiment_edit", args=[experiment.pk]), {"name": "taken"}, **htmx_headers
    )

    assert response.status_code == 200
    assert "is already taken in this group" in response.content.decode()
    experiment.refresh_from_db()
    assert experiment.name == "mine"
