"""Run a job bundle in a fresh child process and stream its events back.

Used by the worker (the parent side); knows nothing of Django. The caller
hands in callables so it can write events to its database, keep its heartbeat
fresh and notice a cancel request::

    outcome = run_in_child(
        bundle,
        timeout_seconds=parse_timeout(job.timeout),
        on_events=save_events,          # list of log / metric / artifact events
        should_cancel=lambda: job_was_cancelled(job_id),
        heartbeat=lambda: touch_worker(job_id),
    )
    try:
        for artifact in outcome.artifacts:
            store(artifact["path"], ...)
    finally:
        outcome.cleanup()

Events passed to ``on_events`` (in batches, by time or size):

- ``{"type": "log", "severity", "logger", "message", "time"}`` from the job's
  logging, plus one per line the child writes to stdout (logger ``stdout``,
  INFO) or stderr (logger ``stderr``, WARNING), plus the supervisor's own notes
  (logger ``dioptra.worker``: timeout, cancel, crash);
- ``{"type": "metric", "name", "value", "step", "timestamp"}`` (value is a
  number or one of the strings "nan", "inf", "-inf");
- ``{"type": "artifact", "name", "path", "task", "is_dir", "size", ...ids}``.

The child's final ``finished`` / ``failed`` event is not passed on; it decides
the :class:`Outcome`.

The child gets the parent's environment minus the worker's own secrets
(``DATABASE_URL``, ``REDIS_URL``, ``SECRET_KEY``, ``DJANGO_*``), plus
``PYTHONPATH`` (compat shim first), ``__JOB_ID``, ``DIOPTRA_EVENTS_FD``,
``DIOPTRA_LOG_LEVEL``, ``PYTHONUNBUFFERED=1`` and ``MPLBACKEND=Agg``.
"""

import contextlib
import datetime
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from .events import FD_ENV
from .timeouts import format_timeout

ENGINE_DIR = Path(__file__).resolve().parent
COMPAT_DIR = ENGINE_DIR / "compat"
PROJECT_ROOT = ENGINE_DIR.parents[1]
WORKER_ONLY_ENV = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
MAX_LINE_BYTES = 1 << 20
EXIT_GRACE_SECONDS = 2.0


@dataclass
class Outcome:
    status: str  # "finished" | "failed" | "cancelled"
    reason: str
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    returncode: int | None = None
    workdir: Path | None = None
    seconds: float = 0.0

    def cleanup(self) -> None:
        """Delete the job's folder (and with it the artifact files)."""
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> "Outcome":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cleanup()


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat()


def _note(severity: str, message: str) -> dict[str, Any]:
    return {
        "type": "log",
        "severity": severity,
        "logger": "dioptra.worker",
        "message": message,
        "time": _now(),
    }


def child_environment(
    base: Mapping[str, str] | None, *, job_id: object, events_fd: int, log_level: str, workdir: Path
) -> dict[str, str]:
    env = {
        key: value
        for key, value in (os.environ if base is None else base).items()
        if key not in WORKER_ONLY_ENV and not key.startswith("DJANGO_")
    }
    dot_dioptra = workdir / ".dioptra"
    path = [COMPAT_DIR, dot_dioptra / "plugins", dot_dioptra / "serialize", PROJECT_ROOT]
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in path)
    env["__JOB_ID"] = str(job_id)
    env[FD_ENV] = str(events_fd)
    env["DIOPTRA_LOG_LEVEL"] = log_level
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("MPLBACKEND", "Agg")
    return env


def _read_lines(stream: BinaryIO, kind: str, inbox: "queue.SimpleQueue[tuple[str, bytes]]"):
    limit = -1 if kind == "event" else MAX_LINE_BYTES
    try:
        while True:
            line = stream.readline(limit)
            if not line:
                break
            inbox.put((kind, line))
    finally:
        inbox.put(("eof", b""))
        stream.close()


def _kill_group(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


def run_in_child(
    bundle: Mapping[str, Any],
    *,
    timeout_seconds: float | None,
    on_events: Callable[[list[dict[str, Any]]], None],
    should_cancel: Callable[[], bool] = lambda: False,
    heartbeat: Callable[[], None] = lambda: None,
    heartbeat_interval: float = 10,
    batch_interval: float = 0.5,
    batch_size: int = 500,
    cancel_interval: float = 1.0,
    log_level: str = "INFO",
    env: Mapping[str, str] | None = None,
    python: str = sys.executable,
    temp_root: str | Path | None = None,
) -> Outcome:
    """Run the bundle (format: :mod:`.runner`) in a new process group and wait for it."""
    started = time.monotonic()
    job_id = bundle.get("job_id", "")
    workdir = Path(tempfile.mkdtemp(prefix=f"dioptra-job-{job_id}-", dir=temp_root)).resolve()
    bundle_path = workdir / "bundle.json"
    bundle_path.write_text(json.dumps(bundle, default=str), encoding="utf-8")

    read_fd, write_fd = os.pipe()
    try:
        process = subprocess.Popen(
            [python, "-m", "experiments.engine.child", str(bundle_path)],
            cwd=workdir,
            env=child_environment(
                env, job_id=job_id, events_fd=write_fd, log_level=log_level, workdir=workdir
            ),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            pass_fds=(write_fd,),
            start_new_session=True,
        )
    except BaseException:
        os.close(read_fd)
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    finally:
        os.close(write_fd)

    inbox: queue.SimpleQueue[tuple[str, bytes]] = queue.SimpleQueue()
    streams = [
        (os.fdopen(read_fd, "rb"), "event"),
        (process.stdout, "stdout"),
        (process.stderr, "stderr"),
    ]
    readers = [
        threading.Thread(
            target=_read_lines, args=(stream, kind, inbox), name=f"job-{job_id}-{kind}", daemon=True
        )
        for stream, kind in streams
    ]
    for reader in readers:
        reader.start()

    supervisor = _Supervisor(
        process,
        inbox,
        readers=readers,
        timeout_seconds=timeout_seconds,
        on_events=on_events,
        should_cancel=should_cancel,
        heartbeat=heartbeat,
        heartbeat_interval=heartbeat_interval,
        batch_interval=batch_interval,
        batch_size=batch_size,
        cancel_interval=cancel_interval,
    )
    try:
        outcome = supervisor.run()
    except BaseException:
        _kill_group(process)
        process.wait()
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    outcome.workdir = workdir
    outcome.seconds = time.monotonic() - started
    return outcome


class _Supervisor:
    def __init__(
        self,
        process: subprocess.Popen,
        inbox: "queue.SimpleQueue[tuple[str, bytes]]",
        *,
        readers: list[threading.Thread],
        timeout_seconds: float | None,
        on_events: Callable[[list[dict[str, Any]]], None],
        should_cancel: Callable[[], bool],
        heartbeat: Callable[[], None],
        heartbeat_interval: float,
        batch_interval: float,
        batch_size: int,
        cancel_interval: float,
    ):
        self.process = process
        self.inbox = inbox
        self.readers = readers
        self.open_streams = len(readers)
        self.timeout_seconds = timeout_seconds
        self.on_events = on_events
        self.should_cancel = should_cancel
        self.heartbeat = heartbeat
        self.heartbeat_interval = heartbeat_interval
        self.batch_interval = batch_interval
        self.batch_size = batch_size
        self.cancel_interval = cancel_interval

        self.pending: list[dict[str, Any]] = []
        self.pending_since = 0.0
        self.artifacts: list[dict[str, Any]] = []
        self.final: dict[str, Any] | None = None
        self.stopped: str | None = None  # "cancelled" | "timeout"

    def run(self) -> Outcome:
        start = time.monotonic()
        deadline = start + self.timeout_seconds if self.timeout_seconds else None
        next_heartbeat = start + self.heartbeat_interval
        next_cancel_check = start
        exited_at: float | None = None
        while True:
            now = time.monotonic()
            wake = [next_heartbeat, next_cancel_check, now + 0.25]
            if deadline is not None:
                wake.append(deadline)
            if self.pending:
                wake.append(self.pending_since + self.batch_interval)
            if self.open_streams == 0:
                # The job closed its pipes, so it is exiting: look again soon.
                wake.append(now + 0.005)
            try:
                item = self.inbox.get(timeout=max(0.0, min(wake) - now))
            except queue.Empty:
                item = None
            if item is not None:
                self._take(item)
                # Drain what is already there without waiting, up to one batch.
                while len(self.pending) < self.batch_size:
                    try:
                        self._take(self.inbox.get_nowait())
                    except queue.Empty:
                        break

            now = time.monotonic()
            if self.pending and (
                len(self.pending) >= self.batch_size
                or now - self.pending_since >= self.batch_interval
            ):
                self._flush()
            if now >= next_heartbeat:
                self.heartbeat()
                next_heartbeat = now + self.heartbeat_interval
            if self.stopped is None and now >= next_cancel_check:
                next_cancel_check = now + self.cancel_interval
                if self.should_cancel():
                    self._stop("cancelled", "Job cancelled; stopping its process.")
            if self.stopped is None and deadline is not None and now >= deadline:
                limit = format_timeout(self.timeout_seconds or 0)
                self._stop("timeout", f"Job timed out after {limit}.")

            if exited_at is None and self.process.poll() is not None:
                exited_at = now
            if exited_at is not None:
                if self.open_streams == 0:
                    break
                if now - exited_at > EXIT_GRACE_SECONDS and any(
                    reader.is_alive() for reader in self.readers
                ):
                    # Something the job started still holds its pipes open. (Lines
                    # already read are still in the inbox when on_events is slower
                    # than the job: those are drained, not dropped.)
                    _kill_group(self.process)
                    break

        returncode = self.process.wait()
        outcome = self._outcome(returncode)
        self._flush()
        return outcome

    def _take(self, item: tuple[str, bytes]) -> None:
        kind, line = item
        if kind == "eof":
            self.open_streams -= 1
            return
        if not self.pending:
            self.pending_since = time.monotonic()
        text = line.decode("utf-8", "replace")
        if kind == "event":
            try:
                event = json.loads(text)
            except ValueError:
                self.pending.append(_note("WARNING", f"Unreadable event from the job: {text!r}"))
                return
            if event.get("type") in ("finished", "failed"):
                self.final = event
                return
            if event.get("type") == "artifact":
                self.artifacts.append(event)
            self.pending.append(event)
        else:
            self.pending.append(
                {
                    "type": "log",
                    "severity": "INFO" if kind == "stdout" else "WARNING",
                    "logger": kind,
                    "message": text.rstrip("\r\n"),
                    "time": _now(),
                }
            )

    def _flush(self) -> None:
        pending, self.pending = self.pending, []
        for start in range(0, len(pending), self.batch_size):
            self.on_events(pending[start : start + self.batch_size])

    def _stop(self, why: str, message: str) -> None:
        self.stopped = why
        _kill_group(self.process)
        if not self.pending:
            self.pending_since = time.monotonic()
        self.pending.append(_note("ERROR", message))

    def _outcome(self, returncode: int) -> Outcome:
        artifacts = self.artifacts
        if self.stopped == "cancelled":
            return Outcome("cancelled", "cancelled", artifacts, returncode)
        if self.stopped == "timeout":
            reason = f"timed out after {format_timeout(self.timeout_seconds or 0)}"
            return Outcome("failed", reason, artifacts, returncode)
        if self.final is not None and self.final["type"] == "failed":
            return Outcome("failed", str(self.final.get("reason", "")), artifacts, returncode)
        if self.final is not None and returncode == 0:
            return Outcome("finished", "", artifacts, returncode)
        if returncode < 0:
            try:
                name = signal.Signals(-returncode).name
            except ValueError:
                name = f"signal {-returncode}"
            reason = f"the job process was killed by {name}"
        elif self.final is not None:
            reason = f"the job process exited with code {returncode} after finishing"
        else:
            reason = f"the job process exited with code {returncode} without reporting a result"
        self.pending.append(_note("ERROR", reason[0].upper() + reason[1:] + "."))
        return Outcome("failed", reason, artifacts, returncode)
