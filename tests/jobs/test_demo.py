"""The demo content `bootstrap --demo` seeds runs at once, and seeding twice changes nothing."""

import io

import numpy as np
import pytest
from django.core.management import call_command

from experiments.jobs import submit_job
from experiments.models import Entrypoint, Experiment, Queue, User
from tests.jobs.conftest import all_logs, run_now


@pytest.fixture
def demo(db):
    call_command("bootstrap", "--demo", stdout=io.StringIO())
    user = User.objects.get(username="demo")
    experiment = Experiment.objects.get(name="demo")
    queue = Queue.objects.get(name="default")
    return user, experiment, queue


def run_demo(demo, name: str, values=None):
    user, experiment, queue = demo
    entrypoint = Entrypoint.objects.get(name=name)
    job = submit_job(
        user=user,
        experiment=experiment,
        entrypoint_id=entrypoint.pk,
        queue_id=queue.pk,
        values=values,
    )
    return run_now(job)


def metrics(job) -> dict:
    return dict(job.metrics.values_list("name", "value"))


def test_bootstrap_twice_keeps_one_of_everything(demo):
    call_command("bootstrap", "--demo", stdout=io.StringIO())
    experiment = Experiment.objects.get(name="demo")
    assert sorted(experiment.entrypoints.values_list("name", flat=True)) == [
        "adversarial-digits",
        "hello-world",
        "sample-and-transform",
    ]
    assert Entrypoint.objects.count() == 3


def test_hello_world_demo_greets(demo):
    job = run_demo(demo, "hello-world", {"name": "Ada"})
    assert job.status == "finished", all_logs(job)
    assert "Hello, Ada! Welcome to Dioptra Lab." in all_logs(job)


def test_sampling_demo_logs_statistics_and_saves_the_sample(demo):
    job = run_demo(demo, "sample-and-transform", {"size": "500", "std": "0.5"})
    assert job.status == "finished", all_logs(job)
    stats = metrics(job)
    assert set(stats) == {"sample_mean", "sample_std", "sample_min", "sample_max"}
    assert -3.0 <= stats["sample_min"] <= stats["sample_max"] <= 3.0
    (artifact,) = job.artifacts.all()
    with artifact.file.open("rb") as handle:
        sample = np.load(handle)
    assert sample.shape == (500,)
    assert sample.mean() == pytest.approx(stats["sample_mean"])
    assert artifact.file.name.endswith("sample.npy")
    assert artifact.task.name == "NumpyArrayArtifactTask"


def test_adversarial_demo_attack_lowers_accuracy_and_saves_a_png(demo):
    job = run_demo(demo, "adversarial-digits", {"epsilon": "0.1"})
    assert job.status == "finished", all_logs(job)
    scores = metrics(job)
    assert scores["clean_accuracy"] > 0.9
    assert scores["adversarial_accuracy"] < scores["clean_accuracy"]
    (artifact,) = job.artifacts.all()
    with artifact.file.open("rb") as handle:
        assert handle.read(8) == b"\x89PNG\r\n\x1a\n"
    assert artifact.file_size > 100
