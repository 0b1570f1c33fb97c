"""REST API speed over HTTP, against gunicorn with one worker.

    .venv/bin/python benchmarks/api.py [--samples 200] [--rounds 3]

Uses DATABASE_URL (default: a fresh SQLite file in a temporary folder), runs
the migrations and the bootstrap, fills 10,000 experiments and 100,000 queued
jobs with bulk inserts, starts gunicorn (one worker, production settings;
``WORKER_CLASS`` picks gunicorn's worker class, ``sync`` by default) on a free
local port and measures as a logged-in user, with the standard library's HTTP
client (``requests`` would add about 1.4 ms of its own to every call):

- experiments created per second (POST /api/v1/experiments),
- median ms for a page of 100 experiments (GET /api/v1/experiments?pageLength=100),
- median ms to get one experiment by id,
- median ms for a name search (GET /api/v1/experiments?search=name:"exp-123*"),
- jobs created per second (POST /api/v1/experiments/{id}/jobs),

each the median of three rounds. It also prints, for scale, the median ms of
``GET /health`` (no login, no query): the least any request costs here,
gunicorn and the HTTP client included.

Targets (four times Dioptra's figures): >= 280 experiment creates/s, <= 59 ms
per page of 100, <= 2.35 ms per get by id, <= 3.75 ms per name search,
>= 136 job creates/s. Exits 1 when a target is missed.
"""

import argparse
import atexit
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORK = Path(tempfile.mkdtemp(prefix="dioptra-api-bench-"))
atexit.register(shutil.rmtree, WORK, ignore_errors=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{WORK / 'db.sqlite3'}")
os.environ.setdefault("MEDIA_ROOT", str(WORK / "media"))
os.environ.setdefault("SECRET_KEY", "benchmark-secret-key-not-for-production-use-0123456789")
os.environ["DEBUG"] = "0"
os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
os.environ["DJANGO_SETTINGS_MODULE"] = "dioptra_site.settings"
os.environ.pop("REDIS_URL", None)  # jobs wait in the database; no worker takes them

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from experiments import accounts, definitions  # noqa: E402
from experiments.models import Experiment, Job, PluginParameterType, Snapshot, User  # noqa: E402

USERNAME, PASSWORD = "bench", "bench-password"
EXPERIMENTS, JOBS = 10_000, 100_000
WORKER_CLASS = os.environ.get("WORKER_CLASS", "sync")
TARGETS = {
    "experiment creates/s": (280, "min"),
    "ms per page of 100": (59, "max"),
    "ms per get by id": (2.35, "max"),
    "ms per name search": (3.75, "max"),
    "job creates/s": (136, "min"),
}
HELLO = """
from dioptra import pyplugs


@pyplugs.register
def hello_world(name: str) -> str:
    return f"Hello, {name}!"
"""


def fill() -> tuple[int, int, int]:
    """The bench user, a runnable entrypoint and 10,000 experiments holding
    100,000 queued jobs. Returns (experiment id, entrypoint id, queue id)."""
    user = User.objects.filter(username=USERNAME).first() or accounts.register_user(
        username=USERNAME, email="bench@example.org", password=PASSWORD
    )
    group = accounts.ensure_public_group(creator=user)
    string = PluginParameterType.objects.get(is_builtin=True, name="string")
    plugin = definitions.create_plugin(user=user, group_id=group.pk, name="bench_hello")
    definitions.create_plugin_file(
        user=user,
        plugin=plugin,
        filename="tasks.py",
        contents=HELLO,
        tasks=[definitions.TaskSpec("hello_world", inputs=[("name", string.pk, True)])],
    )
    queue = definitions.create_queue(user=user, group_id=group.pk, name="bench")
    entrypoint = definitions.create_entrypoint(
        user=user,
        group_id=group.pk,
        name="bench-hello",
        task_graph="greet:\n  hello_world:\n    name: $name\n",
        parameters=[definitions.ParameterSpec("name", "string", "World")],
        queue_ids=[queue.pk],
        plugin_ids=[plugin.pk],
    )
    with transaction.atomic():
        experiments = Experiment.objects.bulk_create(
            Experiment(group=group, creator=user, name=f"exp-{n}", description=f"Experiment {n}")
            for n in range(EXPERIMENTS)
        )
        Experiment.entrypoints.through.objects.bulk_create(
            Experiment.entrypoints.through(experiment_id=e.pk, entrypoint_id=entrypoint.pk)
            for e in experiments
        )
        _bulk_snapshots(Experiment, user, [e.pk for e in experiments])
        jobs = Job.objects.bulk_create(
            (
                Job(
                    group=group,
                    creator=user,
                    experiment=experiments[n % EXPERIMENTS],
                    entrypoint=entrypoint,
                    entrypoint_snapshot_id=entrypoint.snapshot_id,
                    queue=queue,
                    values={"name": "World"},
                    definition={},
                )
                for n in range(JOBS)
            ),
            batch_size=5000,
        )
        _bulk_snapshots(Job, user, [j.pk for j in jobs])
    with connection.cursor() as cursor:
        # Planner statistics, as autovacuum would have them on a live database
        # (without them PostgreSQL sorts every row to page through them).
        cursor.execute("ANALYZE")
    return experiments[0].pk, entrypoint.pk, queue.pk


def _bulk_snapshots(model, user, ids: list[int]) -> None:
    """One snapshot per row, then each row points at its snapshot (one UPDATE)."""
    Snapshot.objects.bulk_create(
        (Snapshot(resource_type=model.resource_type, resource_id=pk, user=user) for pk in ids),
        batch_size=5000,
    )
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET snapshot_id = (SELECT s.id FROM experiments_snapshot s "
            f"WHERE s.resource_type = %s AND s.resource_id = {table}.id) "
            "WHERE snapshot_id IS NULL",
            [model.resource_type],
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "dioptra_site.wsgi",
            "--workers=1",
            f"--worker-class={WORKER_CLASS}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            Client(port).call("GET", "/health")
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start within 30 s")


class Client:
    """A lean HTTP client (the standard library's, one connection reopened
    whenever gunicorn closes it, the session cookie), so that the figures are
    the server's: ``requests`` adds about 1.4 ms of its own to every call."""

    def __init__(self, port: int):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""

    def call(self, method: str, path: str, body: dict | None = None) -> bytes:
        headers = {"Cookie": self.cookie}
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        self.connection.request(method, path, body=payload, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status != 200:
            raise SystemExit(f"{method} {path} answered {response.status}: {data[:300]!r}")
        cookies = [v.split(";")[0] for k, v in response.getheaders() if k == "Set-Cookie"]
        if cookies:
            self.cookie = "; ".join(cookies)
        return data

    def json(self, method: str, path: str, body: dict | None = None):
        return json.loads(self.call(method, path, body))


def median_ms(client: Client, paths: list[str]) -> float:
    times = []
    for path in paths:
        started = time.perf_counter()
        client.call("GET", path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def per_second(client: Client, path: str, bodies: list[dict]) -> float:
    started = time.perf_counter()
    for body in bodies:
        client.call("POST", path, body)
    return len(bodies) / (time.perf_counter() - started)


def measure(
    port: int, args, experiment_id: int, entrypoint_id: int, queue_id: int
) -> tuple[dict, float]:
    """Each figure is the median of ``args.rounds`` rounds, so that a burst of
    load from elsewhere on the machine does not decide it."""
    client = Client(port)
    base = "/api/v1"
    client.call("POST", f"{base}/auth/login", {"username": USERNAME, "password": PASSWORD})
    public = client.json("GET", f"{base}/users/current")["groups"][0]["id"]
    first_id = client.json("GET", f"{base}/experiments?pageLength=1")["data"][0]["id"]
    # Warm up the worker (imports, connections, compiled queries).
    median_ms(client, [f"{base}/experiments?pageLength=100"] * 5)

    samples = args.samples
    rounds: dict[str, list[float]] = {name: [] for name in TARGETS}
    for number in range(args.rounds):
        bodies = [{"group": public, "name": f"new-{number}-{n}"} for n in range(samples)]
        rounds["experiment creates/s"].append(per_second(client, f"{base}/experiments", bodies))
        pages = [f"{base}/experiments?pageLength=100&index={100 * n}" for n in range(50)]
        rounds["ms per page of 100"].append(median_ms(client, pages))
        ids = [first_id + random.randrange(EXPERIMENTS) for _ in range(samples)]
        gets = [f"{base}/experiments/{i}" for i in ids]
        rounds["ms per get by id"].append(median_ms(client, gets))
        # Quoted: the search language (Dioptra's too) allows no "-" in a bare word.
        patterns = [f"exp-{random.randrange(1000)}*" for _ in range(samples // 2)]
        searches = [f"{base}/experiments?search=" + quote(f'name:"{p}"') for p in patterns]
        rounds["ms per name search"].append(median_ms(client, searches))
        job = {"entrypoint": entrypoint_id, "queue": queue_id}
        jobs = f"{base}/experiments/{experiment_id}/jobs"
        rounds["job creates/s"].append(per_second(client, jobs, [job] * samples))
    figures = {name: statistics.median(values) for name, values in rounds.items()}
    floor = median_ms(Client(port), ["/health"] * samples)
    return figures, floor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"database: {connection.vendor} {os.environ['DATABASE_URL'].split('@')[-1]}")
    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("bootstrap", verbosity=0)
    experiment_id, entrypoint_id, queue_id = fill()
    print(
        f"filled {Experiment.objects.count():,} experiments and {Job.objects.count():,} jobs "
        f"in {time.monotonic() - started:.1f} s"
    )
    connection.close()
    port = free_port()
    server = start_server(port)
    try:
        results, floor = measure(port, args, experiment_id, entrypoint_id, queue_id)
    finally:
        server.terminate()
        server.wait(timeout=30)
    missed = 0
    for name, value in results.items():
        target, kind = TARGETS[name]
        ok = value >= target if kind == "min" else value <= target
        missed += not ok
        bound = ">=" if kind == "min" else "<="
        print(f"{name:>22}: {value:8.2f}  (target {bound} {target})  {'ok' if ok else 'MISSED'}")
    print(f"{'ms per /health':>22}: {floor:8.2f}  (the least a request costs here)")
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
