"""Workflows built through the definitions (so they have real snapshots), and
ways to run their jobs: the task in-process, or a real worker on either backend."""

import signal
import textwrap
import uuid
from dataclasses import dataclass

import pytest
import redis
from django.db import connection

from experiments import accounts, definitions
from experiments.jobs import submit_job
from experiments.models import Entrypoint, Experiment, Job, PluginParameterType, Queue
from experiments.tasks import run_job

HELLO = """
import structlog
from dioptra import pyplugs

LOGGER = structlog.get_logger()


@pyplugs.register
def hello_world(name: str) -> str:
    message = f"Hello, {name}!"
    LOGGER.info(message)
    return message
"""

HELLO_GRAPH = "hello_step:\n  hello_world:\n    name: $name\n"


def builtin(name: str) -> int:
    return PluginParameterType.objects.get(is_builtin=True, name=name).pk


@dataclass
class Workflow:
    experiment: Experiment
    entrypoint: Entrypoint
    queue: Queue

    def submit(self, user, **kwargs) -> Job:
        kwargs.setdefault("entrypoint_id", self.entrypoint.pk)
        kwargs.setdefault("queue_id", self.queue.pk)
        return submit_job(user=user, experiment=self.experiment, **kwargs)


def make_plugin(user, group, *, name: str, code: str, tasks, filename: str = "tasks.py"):
    plugin = definitions.create_plugin(user=user, group_id=group.pk, name=name)
    definitions.create_plugin_file(
        user=user, plugin=plugin, filename=filename, contents=textwrap.dedent(code), tasks=tasks
    )
    plugin.refresh_from_db()
    return plugin


def make_workflow(
    user,
    group,
    *,
    code: str = HELLO,
    tasks=None,
    graph: str = HELLO_GRAPH,
    parameters=None,
    queue_name: str | None = None,
    artifact_graph: str = "",
    artifact_plugins=(),
    artifact_parameters=(),
    name: str | None = None,
) -> Workflow:
    suffix = uuid.uuid4().hex[:8]
    if tasks is None:
        tasks = [
            definitions.TaskSpec(
                "hello_world",
                inputs=[("name", builtin("string"), True)],
                outputs=[("output", builtin("string"))],
            )
        ]
    if parameters is None:
        parameters = [definitions.ParameterSpec("name", "string", "world")]
    plugin = make_plugin(user, group, name=f"plugin_{suffix}", code=code, tasks=tasks)
    queue = definitions.create_queue(
        user=user, group_id=group.pk, name=queue_name or f"queue-{suffix}"
    )
    entrypoint = definitions.create_entrypoint(
        user=user,
        group_id=group.pk,
        name=name or f"entrypoint-{suffix}",
        task_graph=graph,
        artifact_graph=artifact_graph,
        parameters=parameters,
        artifact_parameters=artifact_parameters,
        queue_ids=[queue.pk],
        plugin_ids=[plugin.pk],
        artifact_plugin_ids=[p.pk for p in artifact_plugins],
    )
    experiment = definitions.create_experiment(
        user=user, group_id=group.pk, name=f"experiment-{suffix}", entrypoint_ids=[entrypoint.pk]
    )
    return Workflow(experiment, entrypoint, queue)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Artifacts go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def builtin_types(db, writer):
    """The builtin parameter types, in `public`, which every user joins."""
    accounts.ensure_public_group(creator=writer)


@pytest.fixture
def hello(writer, team) -> Workflow:
    return make_workflow(writer, team)


def run_now(job: Job) -> Job:
    """Run the job's task in this process (the worker's code without the queue)."""
    run_job.call(job.pk)
    job.refresh_from_db()
    return job


def log_messages(job: Job) -> list[str]:
    return list(job.logs.order_by("id").values_list("message", flat=True))


def all_logs(job: Job) -> str:
    return "\n".join(log_messages(job))


@pytest.fixture
def redis_url():
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    return url


@pytest.fixture
def keep_signal_handlers():
    """Workers install SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def database_shared_with_subprocesses() -> bool:
    return connection.vendor != "sqlite" or not connection.is_in_memory_db()


def database_url() -> str:
    """The test database as a DATABASE_URL, for a worker subprocess to use."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{host}/{s['NAME']}"
