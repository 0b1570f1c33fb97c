"""Job pages: the run-a-job form on the experiment page (htmx and plain), the
live job table, the job page (status, frozen definition, logs, metrics,
artifacts, cancel) and the list of all jobs."""

import json

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from experiments import accounts, definitions
from experiments.jobs import append_logs, record_metric, set_job_status
from experiments.models import Artifact, Job
from tests.factories import QueueFactory
from tests.jobs.conftest import make_workflow

PARAMETERS = [
    definitions.ParameterSpec("name", "string", "world"),
    definitions.ParameterSpec("rate", "float", None),
    definitions.ParameterSpec("epochs", "integer", "3"),
    definitions.ParameterSpec("loud", "boolean", "false"),
    definitions.ParameterSpec("layers", "list", "[1, 2]"),
]


@pytest.fixture
def flow(writer, team):
    accounts.ensure_public_group(creator=writer)
    return make_workflow(writer, team, parameters=PARAMETERS, name="hello")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def submit_url(flow) -> str:
    return reverse("experiment_job_submit", args=[flow.experiment.pk])


def detail_url(flow) -> str:
    return reverse("experiment_detail", args=[flow.experiment.pk])


def form_data(flow, **changes) -> dict:
    data = {
        "entrypoint": flow.entrypoint.pk,
        "shown_entrypoint": flow.entrypoint.pk,
        "queue": flow.queue.pk,
        "value_0": "world",
        "value_1": "0.5",
        "value_2": "3",
        "value_3": "false",
        "value_4": "[1, 2]",
        "description": "",
        "timeout": "",
    }
    data.update(changes)
    return data


# The run-a-job form ----------------------------------------------------------------


def test_experiment_page_offers_a_typed_form_for_its_only_entrypoint(flow, writer_client):
    page = writer_client.get(detail_url(flow)).content.decode()

    assert "Run a job" in page
    assert f'hx-post="{submit_url(flow)}"' in page and f'action="{submit_url(flow)}"' in page
    assert f'<option value="{flow.entrypoint.pk}" selected>' in page
    assert 'name="value_1"' in page and 'type="number"' in page and 'step="any"' in page
    assert 'name="value_2" value="3"' in page and 'step="1"' in page
    assert '<select name="value_3"' in page
    assert '<textarea name="value_4"' in page and "[1, 2]" in page
    assert 'name="timeout"' in page
    assert 'hx-trigger="job-submitted from:body"' in page


def test_choosing_an_entrypoint_swaps_in_its_queues_and_parameters(
    flow, writer, writer_client, team, htmx_headers
):
    other = make_workflow(
        writer,
        team,
        parameters=[PARAMETERS[0], definitions.ParameterSpec("seed", "integer", "7")],
        name="other",
    )
    flow.experiment.entrypoints.add(other.entrypoint)

    response = writer_client.get(
        submit_url(flow), {"entrypoint": other.entrypoint.pk}, **htmx_headers
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="job-form">')
    assert "Parameters of other" in page and "seed" in page
    assert 'name="value_1" value="7"' in page
    assert other.queue.name in page and flow.queue.name not in page


def test_several_entrypoints_wait_for_a_choice(flow, writer, writer_client, team):
    other = make_workflow(writer, team, name="other")
    flow.experiment.entrypoints.add(other.entrypoint)

    page = writer_client.get(detail_url(flow)).content.decode()

    assert "Choose an entrypoint to see its queues and parameters." in page
    assert 'name="value_0"' not in page


def test_htmx_submit_queues_the_job_and_tells_the_table_to_reload(
    flow, writer, writer_client, htmx_headers
):
    data = form_data(flow, value_1="0.25", description="first run", timeout="30m")

    response = writer_client.post(submit_url(flow), data, **htmx_headers)

    job = Job.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"job-submitted": {}}
    assert f'Job <a class="alert-link" href="{reverse("job_detail", args=[job.pk])}">' in page
    assert (job.status, job.description, job.timeout) == ("queued", "first run", "30m")
    assert job.values["rate"] == "0.25" and job.values["layers"] == "[1, 2]"
    assert job.creator == writer
    table = writer_client.get(detail_url(flow), **htmx_headers).content.decode()
    assert f"#{job.pk}" in table and "Queued" in table
    assert 'data-polling="job-table"' in table and 'hx-trigger="every 2s"' in table


def test_plain_submit_redirects_to_the_experiment(flow, writer_client):
    response = writer_client.post(submit_url(flow), form_data(flow))

    assert response.status_code == 302
    assert response["Location"] == detail_url(flow)
    page = writer_client.get(detail_url(flow)).content.decode()
    assert f"Job #{Job.objects.get().pk} is queued on {flow.queue.name}." in page


def test_blank_values_take_the_defaults(flow, writer_client):
    writer_client.post(submit_url(flow), form_data(flow, value_0="", value_2=""))

    assert Job.objects.get().values["name"] == "world"
    assert Job.objects.get().values["epochs"] == "3"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"value_1": ""}, "rate has no default: give it a value."),
        ({"value_1": "fast"}, "&#x27;fast&#x27; is not a float."),
        ({"value_2": "2.5"}, "&#x27;2.5&#x27; is not an integer."),
        ({"value_4": "{}"}, "is not a JSON list."),
        ({"value_3": "maybe"}, "Select a valid choice."),
        ({"timeout": "soon"}, "Invalid timeout &#x27;soon&#x27;"),
        ({"timeout": "0m"}, "it must be more than zero"),
        ({"queue": ""}, "Choose the queue to run on."),
        ({"entrypoint": "", "shown_entrypoint": ""}, "Choose the entrypoint to run."),
    ],
)
def test_bad_input_is_shown_inline(flow, writer_client, htmx_headers, changes, message):
    response = writer_client.post(submit_url(flow), form_data(flow, **changes), **htmx_headers)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "HX-Trigger" not in response
    assert not Job.objects.exists()


def test_a_queue_of_another_entrypoint_is_refused(flow, writer_client, team, htmx_headers):
    stray = QueueFactory(group=team, name="gpu")

    response = writer_client.post(submit_url(flow), form_data(flow, queue=stray.pk), **htmx_headers)

    assert "Choose one of the queues of hello." in response.content.decode()
    assert not Job.objects.exists()


def test_without_javascript_a_new_entrypoint_choice_shows_its_form_first(
    flow, writer, writer_client, team
):
    other = make_workflow(
        writer,
        team,
        parameters=[PARAMETERS[0], definitions.ParameterSpec("seed", "integer", "7")],
        name="other",
    )
    flow.experiment.entrypoints.add(other.entrypoint)

    response = writer_client.post(submit_url(flow), form_data(flow, entrypoint=other.entrypoint.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" in page and "Parameters of other" in page
    assert not Job.objects.exists()


def test_readers_see_no_form_and_may_not_submit(flow, reader_client, outsider_client):
    page = reader_client.get(detail_url(flow)).content.decode()

    assert "Run a job" not in page
    assert reader_client.post(submit_url(flow), form_data(flow)).status_code == 403
    assert outsider_client.post(submit_url(flow), form_data(flow)).status_code == 404
    assert not Job.objects.exists()


def test_job_table_stops_polling_when_every_job_is_done(flow, writer, writer_client, htmx_headers):
    job = flow.submit(writer, values={"rate": "1"})
    set_job_status(user=writer, job=job, status="started")
    set_job_status(user=writer, job=job, status="finished")

    table = writer_client.get(detail_url(flow), **htmx_headers).content.decode()

    assert "Finished" in table
    assert "every 2s" not in table


@pytest.mark.parametrize("count", [2, 8])
def test_experiment_job_table_query_count_does_not_grow(
    flow, writer, writer_client, htmx_headers, count, django_assert_num_queries
):
    for _ in range(count):
        flow.submit(writer, values={"rate": "1"})

    # user, experiment, count, rows
    with django_assert_num_queries(4):
        response = writer_client.get(detail_url(flow), **htmx_headers)

    assert response.content.decode().count('href="/jobs/') == count


# The job page --------------------------------------------------------------------------


def test_job_page_shows_status_times_and_the_frozen_definition(flow, writer, writer_client):
    job = flow.submit(writer, values={"rate": "0.5"})
    definitions.update_entrypoint(
        user=writer,
        entrypoint=flow.entrypoint,
        name="renamed",
        task_graph="changed_step:\n  hello_world:\n    name: $name\n",
        parameters=[definitions.ParameterSpec("name", "string", "moon")],
        queue_ids=[flow.queue.pk],
    )

    page = writer_client.get(reverse("job_detail", args=[job.pk])).content.decode()

    assert "Job #" in page and '<span class="badge text-bg-warning">Queued</span>' in page
    assert "hello_step:" in page and "changed_step" not in page
    assert ">rate<" in page and "0.5" in page and "[1, 2]" in page
    assert "hello_world" in page and "def hello_world" in page  # task and plugin file
    assert "Cancel job" in page
    assert 'data-polling="job-live"' in page


def test_job_page_escapes_logs_and_filters_them(flow, writer, writer_client):
    job = flow.submit(writer, values={"rate": "0.5"})
    append_logs(
        job=job,
        entries=[
            {"severity": "INFO", "loggerName": "<b>tasks</b>", "message": "<script>x()</script>"},
            {"severity": "ERROR", "loggerName": "tasks", "message": "it broke"},
        ],
    )
    url = reverse("job_detail", args=[job.pk])

    page = writer_client.get(url).content.decode()
    errors_only = writer_client.get(url, {"severity": "ERROR"}).content.decode()

    assert "&lt;script&gt;x()&lt;/script&gt;" in page and "<script>x()" not in page
    assert "&lt;b&gt;tasks&lt;/b&gt;" in page
    assert "it broke" in errors_only and "x()" not in errors_only


def test_job_page_pages_long_logs(flow, writer, writer_client, htmx_headers):
    job = flow.submit(writer, values={"rate": "0.5"})
    append_logs(
        job=job,
        entries=[
            {"severity": "INFO", "loggerName": "t", "message": f"line-{n:03}"} for n in range(60)
        ],
    )
    url = reverse("job_detail", args=[job.pk])

    first = writer_client.get(url).content.decode()
    second = writer_client.get(url, {"log_page": 2}, **htmx_headers).content.decode()

    assert "line-049" in first and "line-050" not in first
    assert "1–50 of 60 records" in first
    assert second.lstrip().startswith('<div id="job-live"')
    assert "line-050" in second and "line-049" not in second


def test_job_page_shows_metrics_with_chart_data(flow, writer, writer_client):
    job = flow.submit(writer, values={"rate": "0.5"})
    record_metric(job=job, name="loss", value=0.9, step=0)
    record_metric(job=job, name="loss", value=0.4, step=1)
    record_metric(job=job, name="gap", value=float("nan"))

    page = writer_client.get(reverse("job_detail", args=[job.pk])).content.decode()

    assert 'data-metric="loss"' in page and 'data-metric="gap"' in page
    series = page.split('<script id="metric-series" type="application/json">')[1]
    assert json.loads(series.split("</script>")[0]) == {
        "gap": [[0, None]],
        "loss": [[0, 0.9], [1, 0.4]],
    }
    assert "vendor/chartjs/chart.umd.min.js" in page and "js/job_charts.js" in page
    assert "NaN" in page


def test_job_page_links_artifacts_and_downloads_their_bytes(flow, writer, writer_client, media):
    job = flow.submit(writer, values={"rate": "0.5"})
    artifact = Artifact(group=job.group, creator=writer, job=job, uri="file:///x/out.csv")
    artifact.file.save("out.csv", ContentFile(b"a,b\n1,2\n"), save=False)
    artifact.file_size = 8
    artifact.save()
    artifact.record_snapshot(user=writer)

    page = writer_client.get(reverse("job_detail", args=[job.pk])).content.decode()
    download = writer_client.get(reverse("artifact_download", args=[artifact.pk]))

    assert reverse("artifact_download", args=[artifact.pk]) in page
    assert b"".join(download.streaming_content) == b"a,b\n1,2\n"
    assert download["Content-Disposition"].startswith("attachment;")
    assert "out" in download["Content-Disposition"]


def test_image_artifacts_are_previewed_inline_and_others_are_not(
    flow, writer, writer_client, media
):
    job = flow.submit(writer, values={"rate": "0.5"})
    stored = {}
    for name in ("examples.png", "page.svg"):
        artifact = Artifact(group=job.group, creator=writer, job=job, uri=f"file:///x/{name}")
        artifact.file.save(name, ContentFile(b"bytes"), save=False)
        artifact.save()
        stored[name] = reverse("artifact_download", args=[artifact.pk])

    page = writer_client.get(reverse("job_detail", args=[job.pk])).content.decode()
    png = writer_client.get(stored["examples.png"] + "?inline=1")
    svg = writer_client.get(stored["page.svg"] + "?inline=1")

    assert f'src="{stored["examples.png"]}?inline=1"' in page
    assert f'src="{stored["page.svg"]}?inline=1"' not in page
    assert png["Content-Disposition"].startswith("inline;")
    assert svg["Content-Disposition"].startswith("attachment;")  # SVG can carry script


def test_artifact_download_permissions(flow, writer, outsider_client, reader_client, media):
    job = flow.submit(writer, values={"rate": "0.5"})
    artifact = Artifact.objects.create(group=job.group, creator=writer, job=job, uri="s3://b/k")
    url = reverse("artifact_download", args=[artifact.pk])

    assert outsider_client.get(url).status_code == 404
    assert reader_client.get(url).status_code == 404  # nothing stored


def test_cancel_from_the_job_page(flow, writer, writer_client):
    job = flow.submit(writer, values={"rate": "0.5"})

    response = writer_client.post(reverse("job_cancel", args=[job.pk]))
    page = writer_client.get(reverse("job_detail", args=[job.pk])).content.decode()

    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "cancelled"
    assert f"Cancelled by {writer.username}" in page
    assert "Cancel job" not in page and 'data-polling="job-live"' not in page


def test_cancel_with_htmx_reloads_the_page(flow, writer, writer_client, htmx_headers):
    job = flow.submit(writer, values={"rate": "0.5"})

    response = writer_client.post(reverse("job_cancel", args=[job.pk]), **htmx_headers)

    assert response["HX-Redirect"] == reverse("job_detail", args=[job.pk])


def test_cancelling_a_finished_job_says_why_not(flow, writer, writer_client):
    job = flow.submit(writer, values={"rate": "0.5"})
    set_job_status(user=writer, job=job, status="started")
    set_job_status(user=writer, job=job, status="failed")
    Job.objects.filter(pk=job.pk).update(failure_reason="timeout")

    writer_client.post(reverse("job_cancel", args=[job.pk]))
    page = writer_client.get(reverse("job_detail", args=[job.pk])).content.decode()

    assert "is already failed" in page
    assert "Failed: timeout" in page


def test_readers_see_jobs_but_cannot_cancel(flow, writer, reader_client, outsider_client):
    job = flow.submit(writer, values={"rate": "0.5"})
    url = reverse("job_detail", args=[job.pk])

    page = reader_client.get(url).content.decode()

    assert "Job #" in page and "Cancel job" not in page
    assert reader_client.post(reverse("job_cancel", args=[job.pk])).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert outsider_client.post(reverse("job_cancel", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == "queued"


def test_live_fragment_stops_polling_once_done(flow, writer, writer_client, htmx_headers):
    job = flow.submit(writer, values={"rate": "0.5"})
    url = reverse("job_detail", args=[job.pk])

    running = writer_client.get(url, **htmx_headers).content.decode()
    set_job_status(user=writer, job=job, status="started")
    set_job_status(user=writer, job=job, status="finished")
    done = writer_client.get(url, **htmx_headers).content.decode()

    assert "<html" not in running and 'hx-trigger="every 2s"' in running
    assert "Finished" in done and "every 2s" not in done


# The list of all jobs ------------------------------------------------------------------


def test_job_list_filters_by_status_and_is_in_the_nav(flow, writer, writer_client):
    queued = flow.submit(writer, values={"rate": "0.5"})
    done = flow.submit(writer, values={"rate": "0.5"})
    set_job_status(user=writer, job=done, status="started")
    set_job_status(user=writer, job=done, status="finished")

    everything = writer_client.get(reverse("job_list")).content.decode()
    finished = writer_client.get(reverse("job_list"), {"status": "finished"}).content.decode()

    assert f'href="{reverse("job_list")}">Jobs</a>' in everything
    assert f"#{queued.pk}<" in everything and f"#{done.pk}<" in everything
    assert f"#{done.pk}<" in finished and f"#{queued.pk}<" not in finished


def test_job_list_hides_other_groups(flow, writer, outsider_client):
    job = flow.submit(writer, values={"rate": "0.5"})

    page = outsider_client.get(reverse("job_list")).content.decode()

    assert f"#{job.pk}<" not in page and "No jobs yet." in page


@pytest.mark.parametrize("htmx", [False, True])
def test_job_list_query_count_does_not_grow(
    flow, writer, writer_client, htmx, django_assert_num_queries
):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    flow.submit(writer, values={"rate": "0.5"})
    # user, count, rows
    with django_assert_num_queries(3):
        writer_client.get(reverse("job_list"), **headers)

    for _ in range(10):
        flow.submit(writer, values={"rate": "0.5"})
    with django_assert_num_queries(3):
        response = writer_client.get(reverse("job_list"), **headers)

    assert "1–11 of 11 jobs" in response.content.decode()
