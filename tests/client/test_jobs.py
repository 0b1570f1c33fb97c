"""Our client against a live server: submit a job, follow its status, logs,
metrics and parameters, cancel it, and download an artifact."""

import math

import pytest
from django.core.files.base import ContentFile

from dioptra_client import DioptraNotFoundError, DioptraValidationError


@pytest.fixture
def experiment(dioptra, public_id, entrypoint):
    return dioptra.experiments.create(public_id, "greetings", entrypoints=[entrypoint["id"]])


@pytest.fixture
def job(dioptra, experiment, entrypoint, queue):
    return dioptra.experiments.jobs.create(
        experiment["id"], entrypoint["id"], queue["id"], values={"name": "Ada"}
    )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_submit_and_read_a_job(dioptra, experiment, entrypoint, queue, job):
    listed = dioptra.experiments.jobs.get(experiment["id"])
    everywhere = dioptra.jobs.get(search="status:queued")

    assert job["status"] == "queued"
    assert job["values"] == {"name": "Ada"}
    assert job["entrypoint"]["id"] == entrypoint["id"]
    assert job["queue"]["id"] == queue["id"]
    assert dioptra.jobs.get_by_id(job["id"]) == job
    assert dioptra.experiments.jobs.get_by_id(experiment["id"], job["id"]) == job
    assert [j["id"] for j in listed["data"]] == [job["id"]]
    assert everywhere["totalNumResults"] == 1
    assert dioptra.jobs.get_status(job["id"]) == {"id": job["id"], "status": "queued"}
    assert dioptra.jobs.get_parameters(job["id"]) == {"name": "Ada"}


def test_submit_with_options(dioptra, experiment, entrypoint, queue):
    job = dioptra.experiments.jobs.create(
        experiment["id"],
        entrypoint["id"],
        queue["id"],
        timeout="30m",
        description="quick",
        entrypoint_snapshot_id=entrypoint["snapshot"],
    )

    assert (job["timeout"], job["description"]) == ("30m", "quick")
    assert job["values"] == {"name": "World"}  # the default
    assert job["entrypoint"]["snapshotId"] == entrypoint["snapshot"]


def test_bad_submissions_raise_with_the_servers_reason(dioptra, experiment, entrypoint, queue):
    with pytest.raises(DioptraValidationError) as unknown:
        dioptra.experiments.jobs.create(
            experiment["id"], entrypoint["id"], queue["id"], values={"colour": "red"}
        )
    with pytest.raises(DioptraValidationError) as timeout:
        dioptra.experiments.jobs.create(
            experiment["id"], entrypoint["id"], queue["id"], timeout="soon"
        )
    with pytest.raises(DioptraNotFoundError):
        dioptra.experiments.jobs.create(999999, entrypoint["id"], queue["id"])

    assert "unknown parameter 'colour'" in str(unknown.value)
    assert "Invalid timeout 'soon'" in str(timeout.value)


def test_status_changes_cancel_and_delete(dioptra, experiment, job):
    started = dioptra.experiments.jobs.set_status(experiment["id"], job["id"], "started")
    cancelled = dioptra.jobs.cancel(job["id"])
    with pytest.raises(DioptraValidationError) as again:
        dioptra.jobs.cancel(job["id"])
    deleted = dioptra.experiments.jobs.delete_by_id(experiment["id"], job["id"])

    assert started == {"id": job["id"], "status": "started"}
    assert cancelled["status"] == "cancelled"
    assert "already cancelled" in str(again.value)
    assert deleted == {"status": "Success", "id": [job["id"]]}
    with pytest.raises(DioptraNotFoundError):
        dioptra.jobs.get_by_id(job["id"])


def test_logs_round_trip(dioptra, job):
    stored = dioptra.jobs.append_to_logs(
        job["id"],
        [
            {"severity": "INFO", "loggerName": "hello.tasks", "message": "Hello, Ada!"},
            {"severity": "ERROR", "loggerName": "hello.tasks", "message": "oops"},
        ],
    )
    everything = dioptra.jobs.get_logs(job["id"])
    errors = dioptra.jobs.get_logs_by_id(job["id"], severity=["ERROR"])

    assert [r["message"] for r in stored] == ["Hello, Ada!", "oops"]
    assert [r["message"] for r in everything["data"]] == ["Hello, Ada!", "oops"]
    assert [r["message"] for r in errors["data"]] == ["oops"]


def test_metrics_round_trip(dioptra, experiment, job):
    for step, loss in enumerate([0.9, 0.5, 0.25]):
        dioptra.jobs.append_metric_by_id(job["id"], "loss", loss, metric_step=step)
    dioptra.jobs.append_metric_by_id(job["id"], "gap", math.nan)
    dioptra.jobs.append_metric_by_id(job["id"], "bound", -math.inf)

    latest = dioptra.jobs.get_metrics(job["id"])
    history = dioptra.jobs.get_metric_snapshots(job["id"], "loss", index=0, page_length=2)
    by_experiment = dioptra.experiments.get_metrics_by_id(experiment["id"])

    assert sorted(latest, key=lambda m: m["name"]) == [
        {"name": "bound", "value": "-inf"},
        {"name": "gap", "value": "nan"},
        {"name": "loss", "value": 0.25},
    ]
    assert [m["value"] for m in history["data"]] == [0.9, 0.5]
    assert history["totalNumResults"] == 3
    assert by_experiment["data"][0]["id"] == job["id"]
    with pytest.raises(DioptraValidationError):
        dioptra.jobs.append_metric_by_id(job["id"], "bad name", 1.0)


def test_artifacts_list_describe_and_download(dioptra, job, media, tmp_path):
    from experiments.models import Artifact, Job, User

    owner = User.objects.get(username="alice")
    artifact = Artifact(
        group_id=Job.objects.get(pk=job["id"]).group_id,
        creator=owner,
        job_id=job["id"],
        uri="file:///runs/scores.csv",
    )
    artifact.file.save("scores.csv", ContentFile(b"a,b\n1,2\n"), save=False)
    artifact.file_size = 8
    artifact.save()
    artifact.record_snapshot(user=owner)

    listed = dioptra.artifacts.get()
    described = dioptra.artifacts.modify_by_id(artifact.pk, description="Scores")
    files = dioptra.artifacts.get_files(artifact.pk)
    path = dioptra.artifacts.get_contents(artifact.pk, output_dir=tmp_path, file_stem="scores")

    assert [a["id"] for a in listed["data"]] == [artifact.pk]
    assert dioptra.jobs.get_by_id(job["id"])["artifacts"][0]["id"] == artifact.pk
    assert described["description"] == "Scores"
    assert dioptra.artifacts.get_by_id(artifact.pk) == described
    assert files[0]["relativePath"] == "scores.csv"
    assert path == tmp_path / "scores"
    assert path.read_bytes() == b"a,b\n1,2\n"
    with pytest.raises(DioptraNotFoundError):
        dioptra.artifacts.get_contents(999999, output_dir=tmp_path)
