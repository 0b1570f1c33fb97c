"""submit_job: Dioptra's checks in order, each with its own message, and what a job freezes."""

import pytest
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from experiments import definitions
from experiments.errors import InvalidInputError, NotAllowedError, NotFoundError
from experiments.jobs import job_parameters, set_job_status
from experiments.models import Job
from tests.jobs.conftest import HELLO_GRAPH, all_logs, builtin, make_workflow, run_now

TYPED = [
    definitions.ParameterSpec("name", "string", "world"),
    definitions.ParameterSpec("count", "integer", "3"),
    definitions.ParameterSpec("rate", "float", None),
    definitions.ParameterSpec("loud", "boolean", "false"),
    definitions.ParameterSpec("items", "list", "[1, 2]"),
    definitions.ParameterSpec("options", "mapping", '{"a": 1}'),
]


@pytest.fixture
def typed(writer, team):
    return make_workflow(writer, team, parameters=TYPED)


def test_values_are_stored_as_strings_for_every_parameter_with_defaults_filled_in(
    typed, writer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        job = typed.submit(writer, values={"rate": "1e-3", "loud": "TRUE"})
    assert job.status == Job.Status.QUEUED
    assert job.values == {
        "name": "world",
        "count": "3",
        "rate": "1e-3",
        "loud": "TRUE",
        "items": "[1, 2]",
        "options": '{"a": 1}',
    }
    assert job_parameters(job) == {
        "name": "world",
        "count": 3,
        "rate": 0.001,
        "loud": True,
        "items": [1, 2],
        "options": {"a": 1},
    }
    assert job.timeout == "24h"
    assert job.snapshots().count() == 1
    # On the database backend the task row is written in the job's own
    # transaction (they commit together), not after it.
    assert callbacks == []
    task = DBTaskResult.objects.get()
    assert (task.status, task.args_kwargs["args"]) == ("READY", [job.pk])


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"rate": "1", "colour": "red"}, "unknown parameter 'colour'"),
        ({}, "parameter 'rate' needs a value"),
        ({"rate": "fast"}, "parameter 'rate' is of type float: 'fast' is not a float"),
        ({"rate": "1", "count": "1.5"}, "'1.5' is not an integer"),
        ({"rate": "1", "loud": "yes"}, "'yes' is not a boolean"),
        ({"rate": "1", "items": '{"a": 1}'}, "is not a JSON list"),
        ({"rate": "1", "options": "[1]"}, "is not a JSON object"),
        ({"rate": 1.5}, "the value of parameter 'rate' must be a string"),
    ],
)
def test_bad_values_are_refused_with_the_reason(typed, writer, values, message):
    with pytest.raises(InvalidInputError, match=message) as caught:
        typed.submit(writer, values=values)
    assert caught.value.field == "values"
    assert not Job.objects.exists()


@pytest.mark.parametrize(
    ("timeout", "message"),
    [
        ("1h30m", "one unit"),
        ("soon", "Invalid timeout 'soon'"),
        ("0", "more than zero"),
        (3600, "must be a string"),
    ],
)
def test_bad_timeouts_are_refused(hello, writer, timeout, message):
    with pytest.raises(InvalidInputError, match=message) as caught:
        hello.submit(writer, timeout=timeout)
    assert caught.value.field == "timeout"


def test_timeout_is_kept_and_the_default_comes_from_settings(hello, writer):
    assert hello.submit(writer, timeout="30m").timeout == "30m"
    with override_settings(JOB_DEFAULT_TIMEOUT="2h"):
        assert hello.submit(writer).timeout == "2h"


def test_the_entrypoint_must_be_attached_to_the_experiment(hello, writer, team):
    other = make_workflow(writer, team)
    with pytest.raises(InvalidInputError, match="is not attached to the experiment") as caught:
        hello.submit(writer, entrypoint_id=other.entrypoint.pk)
    assert caught.value.field == "entrypoint"
    assert repr(other.entrypoint.name) in caught.value.message
    with pytest.raises(InvalidInputError, match="with id 999999"):
        hello.submit(writer, entrypoint_id=999999)


def test_the_queue_must_be_attached_to_the_entrypoint(hello, writer, team):
    stray = definitions.create_queue(user=writer, group_id=team.pk, name="stray")
    with pytest.raises(InvalidInputError, match="'stray'.*not attached to the entry") as caught:
        hello.submit(writer, queue_id=stray.pk)
    assert caught.value.field == "queue"


def test_the_entrypoint_snapshot_must_be_one_of_that_entrypoint(hello, writer, team):
    other = make_workflow(writer, team)
    with pytest.raises(NotFoundError) as caught:
        hello.submit(writer, entrypoint_snapshot_id=other.entrypoint.snapshot_id)
    assert caught.value.status == 404


def test_readers_may_not_run_jobs_and_outsiders_do_not_see_the_experiment(hello, reader, outsider):
    with pytest.raises(NotAllowedError):
        hello.submit(reader)
    with pytest.raises(NotFoundError):
        hello.submit(outsider)


def test_an_older_entrypoint_snapshot_runs_its_own_definition(hello, writer):
    first = hello.entrypoint.snapshot_id
    definitions.update_entrypoint(
        user=writer,
        entrypoint=hello.entrypoint,
        name=hello.entrypoint.name,
        task_graph=HELLO_GRAPH,
        parameters=[definitions.ParameterSpec("name", "string", "moon")],
        queue_ids=[hello.queue.pk],
    )
    job = hello.submit(writer, entrypoint_snapshot_id=first)
    assert job.entrypoint_snapshot_id == first
    assert job.values == {"name": "world"}


def test_a_job_runs_what_it_froze_after_its_entrypoint_and_plugin_change(hello, writer):
    job = hello.submit(writer, values={"name": "Ada"})
    plugin = hello.entrypoint.pinned_plugins.get().plugin
    file = plugin.files.get()
    definitions.update_plugin_file(
        user=writer,
        file=file,
        filename="tasks.py",
        contents="raise RuntimeError('the new code must not run')\n",
        tasks=[definitions.TaskSpec("hello_world", inputs=[("name", builtin("string"), True)])],
    )
    definitions.update_entrypoint(
        user=writer,
        entrypoint=hello.entrypoint,
        name="renamed",
        task_graph=HELLO_GRAPH,
        parameters=[definitions.ParameterSpec("name", "string", "moon")],
        queue_ids=[hello.queue.pk],
        plugin_ids=[plugin.pk],
    )
    definitions.delete_plugin(user=writer, plugin=plugin)
    definitions.delete_resource(user=writer, resource=hello.entrypoint)

    job = run_now(job)
    assert job.status == Job.Status.FINISHED, all_logs(job)
    assert "Hello, Ada!" in all_logs(job)
    assert job.definition["entrypoint"]["name"].startswith("entrypoint-")
    (frozen_file,) = job.definition["plugins"][0]["files"]
    assert "pyplugs.register" in frozen_file["contents"]
    graph = job.definition["description"]["graph"]
    assert graph == {"hello_step": {"hello_world": {"name": "$name"}}}


def test_status_transitions_follow_dioptra(hello, writer):
    job = hello.submit(writer)
    job = set_job_status(user=writer, job=job, status="started")
    job = set_job_status(user=writer, job=job, status="finished")
    with pytest.raises(InvalidInputError, match="cannot go from 'finished' to 'started'"):
        set_job_status(user=writer, job=job, status="started")
    job = set_job_status(user=writer, job=job, status="reset")
    assert job.status == Job.Status.QUEUED
    with pytest.raises(InvalidInputError, match="cannot go from 'queued' to 'finished'"):
        set_job_status(user=writer, job=job, status="finished")
    # submitted, started, finished, reset: one snapshot each
    assert job.snapshots().count() == 4
