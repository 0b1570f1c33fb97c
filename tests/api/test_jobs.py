"""Jobs in the REST API: submit under an experiment, read, list, change status,
cancel, delete; logs, metrics, parameters and the MLflow run of a job."""

import uuid
from datetime import datetime

import pytest

from experiments import accounts, definitions
from experiments.jobs import append_logs, record_metric, set_job_status
from experiments.models import Job, JobLog, Tag
from tests.api.conftest import ERROR_KEYS, PAGE_KEYS, send
from tests.conftest import logged_in
from tests.factories import EntrypointFactory, ExperimentFactory, GroupFactory, QueueFactory
from tests.jobs.conftest import make_workflow

JOB_KEYS = {
    "id",
    "snapshot",
    "createdOn",
    "snapshotCreatedOn",
    "lastModifiedOn",
    "latestSnapshot",
    "hasDraft",
    "description",
    "timeout",
    "status",
    "values",
    "user",
    "group",
    "tags",
    "queue",
    "experiment",
    "entrypoint",
    "artifacts",
    "artifactValues",
}
SNAPSHOT_REF_KEYS = {"id", "snapshotId", "name", "group", "url"}
PARAMETERS = [
    definitions.ParameterSpec("name", "string", "world"),
    definitions.ParameterSpec("count", "integer", "3"),
    definitions.ParameterSpec("rate", "float", None),
    definitions.ParameterSpec("loud", "boolean", "false"),
    definitions.ParameterSpec("items", "list", "[1, 2]"),
]

PARAMETERS_NAMES = [p.name for p in PARAMETERS]


@pytest.fixture
def flow(writer, team):
    accounts.ensure_public_group(creator=writer)
    return make_workflow(writer, team, parameters=PARAMETERS, name="hello")


def jobs_url(flow) -> str:
    return f"/api/v1/experiments/{flow.experiment.pk}/jobs"


def submit_body(flow, **changes) -> dict:
    return {
        "entrypoint": flow.entrypoint.pk,
        "queue": flow.queue.pk,
        "values": {"rate": "0.5"},
        **changes,
    }


def submit(flow, user, **changes) -> Job:
    """A queued job made through the API (no worker runs it)."""
    response = send(logged_in(user), "POST", jobs_url(flow), submit_body(flow, **changes))
    assert response.status_code == 200, response.content
    return Job.objects.get(pk=response.json()["id"])


# Submitting -----------------------------------------------------------------------


@pytest.mark.parametrize("slash", ["", "/"])
def test_writer_submits_a_job_in_dioptras_shape(flow, writer, team, slash):
    body = submit_body(flow, values={"rate": "0.5", "count": "7"}, description="first")

    response = send(logged_in(writer), "POST", jobs_url(flow) + slash, body)

    assert response.status_code == 200
    data = response.json()
    assert set(data) == JOB_KEYS
    assert data["status"] == "queued"
    assert data["description"] == "first"
    assert data["timeout"] == "24h"
    assert data["values"] == {
        "name": "world",
        "count": "7",
        "rate": "0.5",
        "loud": "false",
        "items": "[1, 2]",
    }
    assert data["artifactValues"] == {} and data["artifacts"] == []
    assert data["hasDraft"] is False and data["latestSnapshot"] is True
    assert data["group"]["id"] == team.pk
    assert data["user"]["username"] == writer.username
    for key in ("queue", "experiment", "entrypoint"):
        assert set(data[key]) == SNAPSHOT_REF_KEYS
    assert data["entrypoint"]["snapshotId"] == flow.entrypoint.snapshot_id
    assert data["entrypoint"]["name"] == "hello"
    assert data["entrypoint"]["url"] == (
        f"/api/v1/entrypoints/{flow.entrypoint.pk}/snapshots/{flow.entrypoint.snapshot_id}"
    )
    assert data["queue"]["id"] == flow.queue.pk
    assert data["experiment"]["id"] == flow.experiment.pk
    assert datetime.fromisoformat(data["createdOn"]).utcoffset().total_seconds() == 0


def test_submit_with_timeout_and_an_older_entrypoint_snapshot(flow, writer):
    old_snapshot = flow.entrypoint.snapshot_id
    definitions.update_entrypoint(
        user=writer,
        entrypoint=flow.entrypoint,
        name="hello-2",
        task_graph=flow.entrypoint.task_graph,
        parameters=[definitions.ParameterSpec("name", "string", "moon")],
        queue_ids=[flow.queue.pk],
    )

    job = submit(flow, writer, timeout="30m", entrypointSnapshot=old_snapshot)

    data = send(logged_in(writer), "GET", f"/api/v1/jobs/{job.pk}").json()
    assert data["timeout"] == "30m"
    assert data["entrypoint"]["snapshotId"] == old_snapshot
    assert data["entrypoint"]["name"] == "hello"  # the name it had then
    assert data["values"]["name"] == "world"


def test_a_job_names_the_queue_and_experiment_as_they_were_when_submitted(flow, writer):
    queue_then, experiment_then = flow.queue.snapshot_id, flow.experiment.snapshot_id
    names_then = flow.queue.name, flow.experiment.name
    job = submit(flow, writer)
    definitions.update_queue(user=writer, queue=flow.queue, name="renamed-queue", description=None)
    definitions.update_experiment(
        user=writer,
        experiment=flow.experiment,
        name="renamed-experiment",
        entrypoint_ids=[flow.entrypoint.pk],
    )

    data = send(logged_in(writer), "GET", f"/api/v1/jobs/{job.pk}").json()

    assert flow.queue.snapshot_id != queue_then
    assert data["queue"]["snapshotId"] == queue_then
    assert data["queue"]["name"] == names_then[0]
    assert data["queue"]["url"] == f"/api/v1/queues/{flow.queue.pk}/snapshots/{queue_then}"
    assert data["experiment"]["snapshotId"] == experiment_then
    assert data["experiment"]["name"] == names_then[1]
    # The experiment's own job list shows the same refs.
    listed = send(logged_in(writer), "GET", jobs_url(flow)).json()["data"][0]
    assert listed["queue"] == data["queue"] and listed["experiment"] == data["experiment"]


def test_submit_answers_what_a_later_get_shows(flow, writer):
    client = logged_in(writer)

    submitted = send(client, "POST", jobs_url(flow), submit_body(flow)).json()

    assert submitted == send(client, "GET", f"/api/v1/jobs/{submitted['id']}").json()


def test_a_job_after_an_entrypoint_change_runs_the_new_graph(flow, writer):
    first = submit(flow, writer)
    definitions.update_entrypoint(
        user=writer,
        entrypoint=flow.entrypoint,
        name="hello",
        task_graph=flow.entrypoint.task_graph.replace("$name", "$greeting"),
        parameters=[definitions.ParameterSpec("greeting", "string", "moon")],
        queue_ids=[flow.queue.pk],
    )

    second = submit(flow, writer, values={})

    assert first.definition["description"]["parameters"].keys() == set(PARAMETERS_NAMES)
    assert second.definition["description"]["parameters"].keys() == {"greeting"}
    assert "$greeting" in str(second.definition["description"]["graph"])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"values": {"rate": "1", "colour": "red"}}, "unknown parameter 'colour'"),
        ({"values": {}}, "parameter 'rate' needs a value"),
        ({"values": {"rate": "fast"}}, "'fast' is not a float"),
        ({"values": {"rate": "1", "count": "1.5"}}, "'1.5' is not an integer"),
        ({"values": {"rate": "1", "loud": "maybe"}}, "'maybe' is not a boolean"),
        ({"values": {"rate": "1", "items": "{}"}}, "is not a JSON list"),
        ({"timeout": "soon"}, "Invalid timeout 'soon'"),
    ],
)
def test_bad_values_are_400_saying_which(flow, writer, changes, message):
    response = send(logged_in(writer), "POST", jobs_url(flow), submit_body(flow, **changes))

    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS
    assert message in response.json()["message"]
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"values": {"rate": 0.5}}, "values"),
        ({"values": ["0.5"]}, "values"),
        ({"entrypoint": "1"}, "entrypoint"),
        ({"queue": None}, "queue"),
        ({"timeout": 30}, "timeout"),
        ({"description": 5}, "description"),
        ({"artifactValues": {"model": {"snapshotId": 1}}}, "artifactValues"),
        ({"id": 1}, "id"),
    ],
)
def test_malformed_body_is_400_naming_the_field(flow, writer, changes, field):
    response = send(logged_in(writer), "POST", jobs_url(flow), submit_body(flow, **changes))

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_number_value_message_says_it_must_be_a_string(flow, writer):
    body = submit_body(flow, values={"rate": 0.5})

    response = send(logged_in(writer), "POST", jobs_url(flow), body)

    assert "'rate' must be a string" in response.json()["errors"]["values"][0]


def test_missing_entrypoint_and_queue_are_400(flow, writer):
    response = send(logged_in(writer), "POST", jobs_url(flow), {})

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"entrypoint", "queue"}


def test_entrypoint_not_in_the_experiment_is_400(flow, writer, team):
    other = make_workflow(writer, team, name="other-entrypoint")

    response = send(
        logged_in(writer), "POST", jobs_url(flow), submit_body(flow, entrypoint=other.entrypoint.pk)
    )

    assert response.status_code == 400
    assert "'other-entrypoint'" in response.json()["message"]
    assert "is not attached to the experiment" in response.json()["message"]


def test_queue_not_attached_to_the_entrypoint_is_400(flow, writer, team):
    stray = QueueFactory(group=team, name="gpu")

    response = send(logged_in(writer), "POST", jobs_url(flow), submit_body(flow, queue=stray.pk))

    assert response.status_code == 400
    assert "The queue 'gpu'" in response.json()["message"]
    assert "is not attached to the entrypoint 'hello'" in response.json()["message"]


def test_unknown_entrypoint_snapshot_is_404(flow, writer):
    response = send(
        logged_in(writer), "POST", jobs_url(flow), submit_body(flow, entrypointSnapshot=999999)
    )

    assert response.status_code == 404
    assert response.json()["error"] == "EntityDoesNotExistError"


def test_submit_permissions(flow, reader, outsider, anonymous):
    body = submit_body(flow)

    assert send(anonymous, "POST", jobs_url(flow), body).status_code == 401
    assert send(logged_in(outsider), "POST", jobs_url(flow), body).status_code == 404
    response = send(logged_in(reader), "POST", jobs_url(flow), body)
    assert response.status_code == 403
    assert not Job.objects.exists()


def test_unknown_experiment_is_404(writer, flow):
    response = send(logged_in(writer), "POST", "/api/v1/experiments/999999/jobs", {})

    assert response.status_code in (400, 404)
    response = send(logged_in(writer), "POST", "/api/v1/experiments/999999/jobs", submit_body(flow))
    assert response.status_code == 404


# Reading --------------------------------------------------------------------------


def test_job_reads_the_same_under_the_experiment_and_under_jobs(flow, writer, reader):
    job = submit(flow, writer)

    by_experiment = send(logged_in(reader), "GET", f"{jobs_url(flow)}/{job.pk}")
    by_id = send(logged_in(reader), "GET", f"/api/v1/jobs/{job.pk}/")

    assert by_experiment.status_code == by_id.status_code == 200
    assert by_experiment.json() == by_id.json()
    assert by_id.json()["id"] == job.pk


def test_job_of_another_experiment_is_404_under_this_one(flow, writer, team):
    job = submit(flow, writer)
    other = ExperimentFactory(group=team)

    response = send(logged_in(writer), "GET", f"/api/v1/experiments/{other.pk}/jobs/{job.pk}")

    assert response.status_code == 404


def test_outsider_and_anonymous_cannot_read_a_job(flow, writer, outsider, anonymous):
    job = submit(flow, writer)

    assert send(logged_in(outsider), "GET", f"/api/v1/jobs/{job.pk}").status_code == 404
    assert send(anonymous, "GET", f"/api/v1/jobs/{job.pk}").status_code == 401
    assert send(logged_in(outsider), "GET", f"/api/v1/jobs/{job.pk}/status").status_code == 404


def test_job_lists_page_search_and_sort(flow, writer):
    first = submit(flow, writer, description="The first job.")
    second = submit(flow, writer, description="Not retrieved.")
    third = submit(flow, writer, description="Another one")
    client = logged_in(writer)

    page = send(client, "GET", f"{jobs_url(flow)}?index=1&pageLength=1").json()
    searched = send(client, "GET", f"{jobs_url(flow)}?search=description:*first*").json()
    ordered = send(client, "GET", f"{jobs_url(flow)}?sortBy=description&descending=true").json()
    everywhere = send(client, "GET", "/api/v1/jobs?search=retrieved").json()

    assert set(page) == PAGE_KEYS | {"prev", "next"}
    assert [j["id"] for j in page["data"]] == [second.pk]
    assert page["next"] == f"/api/v1/experiments/{flow.experiment.pk}/jobs?index=2&pageLength=1"
    assert [j["id"] for j in searched["data"]] == [first.pk]
    assert [j["id"] for j in ordered["data"]] == [first.pk, second.pk, third.pk]
    assert [j["id"] for j in everywhere["data"]] == [second.pk]


def test_unknown_sort_is_400_and_bad_search_is_422(flow, writer):
    client = logged_in(writer)

    assert send(client, "GET", "/api/v1/jobs?sortBy=colour").status_code == 400
    assert send(client, "GET", "/api/v1/jobs?search=colour:red").status_code == 422


def test_job_list_filters_by_group_and_hides_other_groups(flow, writer, team):
    mine = submit(flow, writer)
    elsewhere_group = GroupFactory()
    elsewhere = ExperimentFactory(group=elsewhere_group)
    Job.objects.create(
        group=elsewhere_group,
        creator=elsewhere_group.creator,
        experiment=elsewhere,
        entrypoint=EntrypointFactory(group=elsewhere_group),
        queue=QueueFactory(group=elsewhere_group),
    )
    client = logged_in(writer)

    listed = send(client, "GET", "/api/v1/jobs").json()
    in_team = send(client, "GET", f"/api/v1/jobs?groupId={team.pk}").json()

    assert [j["id"] for j in listed["data"]] == [mine.pk]
    assert in_team["totalNumResults"] == 1
    assert send(client, "GET", f"/api/v1/jobs?groupId={elsewhere_group.pk}").status_code == 404


def test_job_lists_sort_by_joined_names_and_an_experiments_list_ignores_group_id(
    flow, writer, team
):
    other = GroupFactory()
    writer.memberships.create(group=other, read=True, write=True)
    later_queue = make_workflow(writer, team, queue_name="zz-queue")  # after flow's "queue-..."
    elsewhere = make_workflow(writer, other)
    last = later_queue.submit(writer, description="nightly run")
    first = flow.submit(writer, values={"rate": "1"}, description="nightly run")
    flow.submit(writer, values={"rate": "1"}, description="manual run")
    elsewhere.submit(writer, description="nightly run")
    client = logged_in(writer)
    params = {"search": "description:nightly*", "sortBy": "queue", "descending": "true"}
    unseen = GroupFactory()

    in_team = client.get("/api/v1/jobs", {**params, "groupId": team.pk}).json()
    in_experiment = client.get(jobs_url(flow), {**params, "groupId": unseen.pk})

    assert [j["id"] for j in in_team["data"]] == [last.pk, first.pk]
    assert in_experiment.status_code == 200
    assert [j["id"] for j in in_experiment.json()["data"]] == [first.pk]
    assert in_experiment.json()["first"] == (
        f"{jobs_url(flow)}?index=0&pageLength=10&groupId={unseen.pk}"
        "&search=description%3Anightly%2A"
    )


@pytest.mark.parametrize("count", [1, 6])
def test_job_lists_query_count_does_not_grow(flow, writer, team, count, django_assert_num_queries):
    tag = Tag.objects.create(group=team, name="nightly", creator=writer)
    for _ in range(count):
        job = flow.submit(writer, values={"rate": "1"})
        job.tags.add(tag)
    client = logged_in(writer)

    # (a page that is not full needs no count) user, the page's ids,
    # their rows with their tags, artifacts
    with django_assert_num_queries(4):
        listed = client.get("/api/v1/jobs", {"pageLength": 100})
    # ... and the experiment's lookup
    with django_assert_num_queries(5):
        in_experiment = client.get(jobs_url(flow), {"pageLength": 100})

    assert len(listed.json()["data"]) == len(in_experiment.json()["data"]) == count
    assert all(j["tags"][0]["name"] == "nightly" for j in listed.json()["data"])


# Status, cancel, delete ---------------------------------------------------------------


def test_status_reads_and_changes_through_dioptras_machine(flow, writer):
    job = submit(flow, writer)
    client = logged_in(writer)
    url = f"{jobs_url(flow)}/{job.pk}/status"

    before = send(client, "GET", url).json()
    started = send(client, "PUT", url, {"status": "started"})
    illegal = send(client, "PUT", url, {"status": "deferred"})
    reset = send(client, "PUT", url, {"status": "reset"})

    assert before == {"id": job.pk, "status": "queued"}
    assert started.json() == {"id": job.pk, "status": "started"}
    assert illegal.status_code == 400
    assert "cannot go from 'started' to 'deferred'" in illegal.json()["message"]
    assert reset.json() == {"id": job.pk, "status": "queued"}
    assert send(client, "GET", f"/api/v1/jobs/{job.pk}/status").json()["status"] == "queued"
    assert job.snapshots().count() == 3


@pytest.mark.parametrize("body", [{"status": "cancelled"}, {"status": "done"}, {"id": 1}, {}])
def test_status_words_outside_dioptras_are_400(flow, writer, body):
    job = submit(flow, writer)

    response = send(logged_in(writer), "PUT", f"{jobs_url(flow)}/{job.pk}/status", body)

    assert response.status_code == 400
    assert "errors" in response.json()


def test_reader_may_not_change_status(flow, writer, reader):
    job = submit(flow, writer)

    response = send(
        logged_in(reader), "PUT", f"{jobs_url(flow)}/{job.pk}/status", {"status": "started"}
    )

    assert response.status_code == 403
    job.refresh_from_db()
    assert job.status == "queued"


def test_cancel_is_our_extension(flow, writer, reader, outsider):
    job = submit(flow, writer)
    url = f"/api/v1/jobs/{job.pk}/cancel"

    assert send(logged_in(outsider), "POST", url).status_code == 404
    assert send(logged_in(reader), "POST", url).status_code == 403
    cancelled = send(logged_in(writer), "POST", url)
    again = send(logged_in(writer), "POST", url)

    assert cancelled.status_code == 200
    assert set(cancelled.json()) == JOB_KEYS
    assert cancelled.json()["status"] == "cancelled"
    assert again.status_code == 400
    assert "already cancelled" in again.json()["message"]
    job.refresh_from_db()
    assert job.cancelled_by == writer


def test_delete_cancels_a_waiting_job_then_hides_it(flow, writer, reader):
    job = submit(flow, writer)

    refused = send(logged_in(reader), "DELETE", f"{jobs_url(flow)}/{job.pk}")
    deleted = send(logged_in(writer), "DELETE", f"{jobs_url(flow)}/{job.pk}")

    assert refused.status_code == 403
    assert deleted.json() == {"status": "Success", "id": [job.pk]}
    assert send(logged_in(writer), "GET", f"/api/v1/jobs/{job.pk}").status_code == 404
    job.refresh_from_db()
    assert job.status == "cancelled" and job.deleted_on is not None


def test_delete_by_job_id(flow, writer):
    job = submit(flow, writer)
    set_job_status(user=writer, job=job, status="started")
    set_job_status(user=writer, job=job, status="finished")

    response = send(logged_in(writer), "DELETE", f"/api/v1/jobs/{job.pk}")

    assert response.json() == {"status": "Success", "id": [job.pk]}
    job.refresh_from_db()
    assert job.status == "finished"
    assert send(logged_in(writer), "GET", "/api/v1/jobs").json()["data"] == []


# Logs -----------------------------------------------------------------------------


def _logs(job, count):
    append_logs(
        job=job,
        entries=[
            {
                "severity": "ERROR" if n % 2 else "INFO",
                "loggerName": f"tasks.step{n}",
                "message": f"line {n}",
            }
            for n in range(count)
        ],
    )


def test_log_pages_as_dioptra_does(flow, writer):
    job = submit(flow, writer)
    _logs(job, 5)
    client = logged_in(writer)

    first = send(client, "GET", f"/api/v1/jobs/{job.pk}/log?index=0&pageLength=3").json()
    past_end = send(client, "GET", f"/api/v1/jobs/{job.pk}/log?index=999999&pageLength=3").json()

    assert first["first"] == f"/api/v1/jobs/{job.pk}/log?index=0&pageLength=3"
    assert first["next"] == f"/api/v1/jobs/{job.pk}/log?index=3&pageLength=3"
    assert [r["message"] for r in first["data"]] == ["line 0", "line 1", "line 2"]
    assert set(first["data"][0]) == {"severity", "loggerName", "message", "createdOn"}
    assert past_end["isComplete"] is True and past_end["data"] == []
    assert past_end["prev"] == f"/api/v1/jobs/{job.pk}/log?index=999996&pageLength=3"
    assert "next" not in past_end


def test_log_filters_by_severity_searches_and_sorts(flow, writer):
    job = submit(flow, writer)
    _logs(job, 4)
    client = logged_in(writer)
    url = f"/api/v1/jobs/{job.pk}/log"

    errors = send(client, "GET", f"{url}?severity=ERROR").json()
    both = send(client, "GET", f"{url}?severity=ERROR&severity=INFO").json()
    searched = send(client, "GET", f"{url}?search=logger_name:*step2").json()
    ordered = send(client, "GET", f"{url}?sortBy=logger_name&descending=True").json()

    assert [r["message"] for r in errors["data"]] == ["line 1", "line 3"]
    assert both["totalNumResults"] == 4
    assert [r["message"] for r in searched["data"]] == ["line 2"]
    assert [r["loggerName"] for r in ordered["data"]][0] == "tasks.step3"
    assert send(client, "GET", f"{url}?severity=LOUD").status_code == 400
    assert send(client, "GET", f"{url}?sortBy=loggerName").status_code == 400


def test_log_of_an_unknown_or_unseen_job_is_an_empty_page(flow, writer, outsider):
    job = submit(flow, writer)
    _logs(job, 2)

    unknown = send(logged_in(writer), "GET", "/api/v1/jobs/999999/log").json()
    unseen = send(logged_in(outsider), "GET", f"/api/v1/jobs/{job.pk}/log").json()

    assert unknown["data"] == [] and unknown["totalNumResults"] == 0
    assert unseen["data"] == []


def test_posting_logs_stores_them_in_order(flow, writer):
    job = submit(flow, writer)
    entries = [
        {"severity": "WARNING", "loggerName": "hello.tasks", "message": "careful"},
        {"severity": "INFO", "loggerName": "hello.tasks", "message": "<script>x</script>"},
    ]

    response = send(logged_in(writer), "POST", f"/api/v1/jobs/{job.pk}/log", {"data": entries})

    assert response.status_code == 200
    assert [r["message"] for r in response.json()] == ["careful", "<script>x</script>"]
    assert list(job.logs.values_list("severity", flat=True)) == ["WARNING", "INFO"]


@pytest.mark.parametrize(
    "body",
    [
        {"data": []},
        {"data": [{"severity": "LOUD", "loggerName": "x", "message": "m"}]},
        {"data": [{"severity": "INFO", "message": "m"}]},
        {"data": [{"severity": "INFO", "loggerName": "x", "message": 5}]},
        {"data": "hello"},
        {},
    ],
)
def test_malformed_log_posts_are_400(flow, writer, body):
    job = submit(flow, writer)

    response = send(logged_in(writer), "POST", f"/api/v1/jobs/{job.pk}/log", body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["data"]
    assert not JobLog.objects.exists()


def test_log_posts_need_write_access_and_a_job(flow, writer, reader):
    job = submit(flow, writer)
    body = {"data": [{"severity": "INFO", "loggerName": "x", "message": "m"}]}

    assert send(logged_in(reader), "POST", f"/api/v1/jobs/{job.pk}/log", body).status_code == 403
    assert send(logged_in(writer), "POST", "/api/v1/jobs/999999/log", body).status_code == 404


@pytest.mark.parametrize("count", [2, 12])
def test_log_query_count_does_not_grow(flow, writer, count, django_assert_num_queries):
    job = submit(flow, writer)
    _logs(job, count)
    client = logged_in(writer)

    # user, count, rows
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/jobs/{job.pk}/log", {"pageLength": 100})

    assert len(response.json()["data"]) == count


# Metrics --------------------------------------------------------------------------


def test_metrics_keep_the_latest_step_and_special_values(flow, writer):
    job = submit(flow, writer)
    client = logged_in(writer)
    url = f"/api/v1/jobs/{job.pk}/metrics"

    posted = [
        send(client, "POST", url, {"name": "loss", "value": 0.9, "step": 0}),
        send(client, "POST", url, {"name": "loss", "value": 0.4, "step": 1}),
        send(client, "POST", url, {"name": "loss", "value": 0.5, "step": 1}),  # overwrites
        send(client, "POST", url, {"name": "gap", "value": "nan"}),
        send(client, "POST", url, {"name": "top", "value": "inf", "step": 2}),
        send(client, "POST", url, {"name": "low", "value": "-inf", "timestamp": "2025-04-01"}),
    ]
    latest = send(client, "GET", url).json()

    assert [r.status_code for r in posted] == [200] * 6
    assert posted[3].json() == {"name": "gap", "value": "nan"}
    assert sorted(latest, key=lambda m: m["name"]) == [
        {"name": "gap", "value": "nan"},
        {"name": "loss", "value": 0.5},
        {"name": "low", "value": "-inf"},
        {"name": "top", "value": "inf"},
    ]
    assert job.metrics.filter(name="loss").count() == 2


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"name": "bad name", "value": 1}, 400),
        ({"name": "9lives", "value": 1}, 400),
        ({"name": "loss", "value": "lots"}, 400),
        ({"name": "loss", "value": True}, 400),
        ({"name": "loss", "value": 1, "step": 1.5}, 400),
        ({"name": "loss", "value": 1, "timestamp": "yesterday"}, 400),
        ({"value": 1}, 400),
    ],
)
def test_malformed_metrics_are_400(flow, writer, body, status):
    job = submit(flow, writer)

    response = send(logged_in(writer), "POST", f"/api/v1/jobs/{job.pk}/metrics", body)

    assert response.status_code == status
    assert not job.metrics.exists()


def test_metrics_of_unknown_jobs(flow, writer, reader):
    job = submit(flow, writer)
    body = {"name": "loss", "value": 1}

    assert send(logged_in(writer), "GET", "/api/v1/jobs/999999/metrics").json() == []
    assert send(logged_in(writer), "POST", "/api/v1/jobs/999999/metrics", body).status_code == 404
    assert (
        send(logged_in(reader), "POST", f"/api/v1/jobs/{job.pk}/metrics", body).status_code == 403
    )


def test_metric_snapshots_page_by_page_number(flow, writer):
    job = submit(flow, writer)
    for step in range(5):
        record_metric(job=job, name="loss", value=1 / (step + 1), step=step)
    record_metric(job=job, name="other", value=1)
    client = logged_in(writer)
    url = f"/api/v1/jobs/{job.pk}/metrics/loss/snapshots"

    second_page = send(client, "GET", f"{url}?index=1&pageLength=2").json()
    last_page = send(client, "GET", f"{url}?index=2&pageLength=2").json()

    assert [m["step"] for m in second_page["data"]] == [2, 3]
    assert set(second_page["data"][0]) == {"name", "value", "step", "timestamp"}
    assert second_page["totalNumResults"] == 5
    assert second_page["next"] == f"{url}?index=2&pageLength=2"
    assert [m["step"] for m in last_page["data"]] == [4]
    assert last_page["isComplete"] is True


def test_experiment_metrics_list_each_jobs_latest_values(flow, writer):
    job = submit(flow, writer)
    quiet = submit(flow, writer)
    record_metric(job=job, name="accuracy", value=0.5, step=0)
    record_metric(job=job, name="accuracy", value=0.75, step=1)
    url = f"/api/v1/experiments/{flow.experiment.pk}/metrics"

    data = send(logged_in(writer), "GET", f"{url}?pageLength=1").json()
    everything = send(logged_in(writer), "GET", url).json()

    assert (
        data["first"] == f"/api/v1//experiments/{flow.experiment.pk}/metrics?index=0&pageLength=1"
    )
    assert everything["data"] == [
        {"id": job.pk, "metrics": [{"name": "accuracy", "value": 0.75}]},
        {"id": quiet.pk, "metrics": []},
    ]


# Parameters and MLflow run -------------------------------------------------------------


def test_parameters_are_typed(flow, writer, outsider):
    job = submit(flow, writer, values={"rate": "1e-3", "loud": "true"})

    parameters = send(logged_in(writer), "GET", f"/api/v1/jobs/{job.pk}/parameters").json()

    assert parameters == {
        "name": "world",
        "count": 3,
        "rate": 0.001,
        "loud": True,
        "items": [1, 2],
    }
    assert send(logged_in(writer), "GET", "/api/v1/jobs/999999/parameters").json() == {}
    assert send(logged_in(outsider), "GET", f"/api/v1/jobs/{job.pk}/parameters").json() == {}


def test_mlflow_run_is_set_once(flow, writer, reader):
    job = submit(flow, writer)
    run = uuid.uuid4()
    client = logged_in(writer)
    url = f"{jobs_url(flow)}/{job.pk}/mlflowRun"

    before = send(client, "GET", url).json()
    refused = send(logged_in(reader), "POST", url, {"mlflowRunId": str(run)})
    invalid = send(client, "POST", url, {"mlflowRunId": "not-a-uuid"})
    first = send(client, "POST", url, {"mlflowRunId": str(run)})
    again = send(client, "POST", f"/api/v1/jobs/{job.pk}/mlflowRun", {"mlflowRunId": run.hex})

    assert before == {"mlflowRunId": None}
    assert refused.status_code == 403
    assert invalid.status_code == 400
    assert first.json() == {"mlflowRunId": run.hex}
    assert again.status_code == 400
    assert again.json()["error"] == "JobMlflowRunAlreadySetError"
    assert send(client, "GET", f"/api/v1/jobs/{job.pk}/mlflowRun").json() == {
        "mlflowRunId": run.hex
    }


def test_submit_takes_a_few_queries(flow, writer, django_assert_num_queries):
    client = logged_in(writer)
    send(client, "POST", jobs_url(flow), submit_body(flow))  # remembers the workflow

    # user, experiment with the writer's membership, the entrypoint's link to
    # the queue (with both), then (in a savepoint here) the job, its
    # snapshot, the snapshot's id on the job, its task
    with django_assert_num_queries(9):
        response = send(client, "POST", jobs_url(flow), submit_body(flow))

    assert response.status_code == 200
    assert Job.objects.get(pk=response.json()["id"]).status == "queued"
