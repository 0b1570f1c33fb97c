"""Job throughput on both task backends, through one real worker process.

    .venv/bin/python benchmarks/jobs.py [--backends db,rq] [--samples 20] [--jobs 40]

Uses DATABASE_URL (default: SQLite in a temporary folder) and REDIS_URL
(default redis://127.0.0.1:6379/0 for the rq run). For each backend prints:

- submit → started latency, p50 and p95 (one job at a time);
- no-op jobs per second through one worker (a burst submitted at once);
- log lines per second ingested from one job logging 50,000 lines, and
  whether every line arrived.

Targets on a 2-core machine: p50 < 1.5 s (db) and < 0.3 s (rq); at least
4 no-op jobs/s per worker; at least 5,000 log lines/s.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="dioptra-bench-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'db.sqlite3'}")
os.environ.setdefault("MEDIA_ROOT", str(WORK / "media"))
os.environ["DJANGO_SETTINGS_MODULE"] = "dioptra_site.settings"
REDIS_URL = os.environ.pop("REDIS_URL", "") or "redis://127.0.0.1:6379/0"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import override_settings  # noqa: E402

from experiments import accounts, definitions  # noqa: E402
from experiments.jobs import submit_job  # noqa: E402
from experiments.models import Job, PluginParameterType, User  # noqa: E402

NOOP = """
from dioptra import pyplugs


@pyplugs.register
def noop():
    pass
"""

CHATTY = """
import logging

from dioptra import pyplugs


@pyplugs.register
def chatty(lines: int):
    log = logging.getLogger("chatty")
    for index in range(lines):
        log.info("line %d", index)
"""

LOG_LINES = 50_000
BACKEND_SETTINGS = {
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []},
    "rq": {"BACKEND": "experiments.task_backends.AnyQueueRQBackend", "QUEUES": []},
}


def setup(queue_name: str):
    user = User.objects.filter(username="bench").first() or accounts.register_user(
        username="bench", email="bench@example.org", password="bench-password"
    )
    group = accounts.ensure_public_group(creator=user)
    queue = definitions.create_queue(user=user, group_id=group.pk, name=queue_name)
    integer = PluginParameterType.objects.get(is_builtin=True, name="integer")
    entrypoints = []
    for name, code, task, graph, parameters in [
        ("noop", NOOP, definitions.TaskSpec("noop"), "step:\n  noop: {}\n", []),
        (
            "chatty",
            CHATTY,
            definitions.TaskSpec("chatty", inputs=[("lines", integer.pk, True)]),
            "step:\n  chatty:\n    lines: $lines\n",
            [definitions.ParameterSpec("lines", "integer", str(LOG_LINES))],
        ),
    ]:
        plugin_name = f"{name}_{uuid.uuid4().hex[:6]}"
        plugin = definitions.create_plugin(user=user, group_id=group.pk, name=plugin_name)
        definitions.create_plugin_file(
            user=user, plugin=plugin, filename="tasks.py", contents=code, tasks=[task]
        )
        entrypoints.append(
            definitions.create_entrypoint(
                user=user,
                group_id=group.pk,
                name=plugin_name,
                task_graph=graph,
                parameters=parameters,
                queue_ids=[queue.pk],
                plugin_ids=[plugin.pk],
            )
        )
    experiment = definitions.create_experiment(
        user=user,
        group_id=group.pk,
        name=f"bench-{queue_name}",
        entrypoint_ids=[e.pk for e in entrypoints],
    )
    return user, experiment, queue, entrypoints


def wait_for(job_ids, statuses, limit: float) -> None:
    deadline = time.monotonic() + limit
    while Job.objects.filter(pk__in=job_ids).exclude(status__in=statuses).exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"jobs {job_ids[:5]}... did not reach {statuses} in {limit}s")
        time.sleep(0.05)  # latencies come from the rows, not from this loop


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def bench(kind: str, samples: int, burst: int) -> dict:
    queue_name = f"bench-{kind}-{uuid.uuid4().hex[:6]}"
    with override_settings(TASKS={"default": BACKEND_SETTINGS[kind]}):
        user, experiment, queue, (noop, chatty) = setup(queue_name)
        env = {**os.environ, "REDIS_URL": REDIS_URL if kind == "rq" else ""}
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--queue", queue_name],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:

            def submit(entrypoint):
                return submit_job(
                    user=user,
                    experiment=experiment,
                    entrypoint_id=entrypoint.pk,
                    queue_id=queue.pk,
                )

            # Warm up: the worker is ready once it has run one job.
            first = submit(noop)
            wait_for([first.pk], [Job.Status.FINISHED], 60)

            latencies = []
            for _ in range(samples):
                job = submit(noop)
                wait_for([job.pk], [Job.Status.STARTED, Job.Status.FINISHED], 30)
                job.refresh_from_db()
                latencies.append((job.started_on - job.created_on).total_seconds())
                wait_for([job.pk], [Job.Status.FINISHED], 30)

            started = time.monotonic()
            ids = [submit(noop).pk for _ in range(burst)]
            wait_for(ids, [Job.Status.FINISHED, Job.Status.FAILED], 120)
            throughput = burst / (time.monotonic() - started)
            failed = Job.objects.filter(pk__in=ids, status=Job.Status.FAILED).count()

            job = submit(chatty)
            wait_for([job.pk], [Job.Status.FINISHED, Job.Status.FAILED], 120)
            job.refresh_from_db()
            stored = job.logs.filter(logger_name="chatty").count()
            seconds = (job.finished_on - job.started_on).total_seconds()
        finally:
            worker.terminate()
            worker.wait(timeout=30)
    return {
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 0.95),
        "jobs_per_second": throughput,
        "failed": failed,
        "lines_per_second": stored / seconds,
        "lines_stored": stored,
        "log_job": job.status,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backends", default="db,rq")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--jobs", type=int, default=40)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    print(f"database: {os.environ['DATABASE_URL'].split('@')[-1]}")
    for kind in args.backends.split(","):
        result = bench(kind, args.samples, args.jobs)
        lost = LOG_LINES - result["lines_stored"]
        print(
            f"{kind:>3}: submit→started p50 {result['p50']:.3f}s p95 {result['p95']:.3f}s | "
            f"{result['jobs_per_second']:.1f} no-op jobs/s ({result['failed']} failed) | "
            f"{result['lines_per_second']:,.0f} log lines/s, "
            f"{result['lines_stored']:,} of {LOG_LINES:,} stored"
            + (f" ({lost} LOST)" if lost else "")
            + f" [{result['log_job']}]"
        )


if __name__ == "__main__":
    main()
