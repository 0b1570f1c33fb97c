"""The job process: ``python -m experiments.engine.child <bundle.json>``.

Started by :func:`experiments.engine.process.run_in_child` in the job's own
folder. Events go as JSON lines to the descriptor named by ``DIOPTRA_EVENTS_FD``
(stdout and stderr are captured separately by the supervisor):

- ``{"type": "log", "severity", "logger", "message", "time"}`` for every record
  reaching the root logger at or above ``DIOPTRA_LOG_LEVEL`` (default INFO),
  including structlog (routed through stdlib logging) and Python warnings
  (logger ``py.warnings``);
- ``{"type": "metric", "name", "value", "step", "timestamp"}`` from
  ``get_authenticated_worker_client(...).jobs.append_metric_by_id`` (NaN and
  ±inf as the strings "nan", "inf", "-inf");
- ``{"type": "artifact", ...}`` for each saved artifact (see :mod:`.runner`);
- last, ``{"type": "finished"}``, or ``{"type": "failed", "reason":
  "<exception class>: <message>"}`` after logging the traceback as ERROR
  "Job failed.".
"""

import contextlib
import datetime
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

COMPAT_DIR = Path(__file__).resolve().parent / "compat"
LOG_LEVEL_ENV = "DIOPTRA_LOG_LEVEL"


def _compat_first() -> None:
    """Make sure ``import dioptra`` finds our shim, whatever else is installed."""
    compat = str(COMPAT_DIR)
    if compat in sys.path:
        sys.path.remove(compat)
    sys.path.insert(0, compat)
    for name in [n for n in sys.modules if n == "dioptra" or n.startswith("dioptra.")]:
        del sys.modules[name]


def _iso(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp, datetime.UTC).isoformat()


class EventLogHandler(logging.Handler):
    """Sends every log record to the supervisor as a ``log`` event."""

    def __init__(self, emit):
        super().__init__()
        self._emit = emit
        self._formatter = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            if record.exc_info:
                message += "\n" + self._formatter.formatException(record.exc_info)
            if record.stack_info:
                message += "\n" + record.stack_info
            self._emit(
                {
                    "type": "log",
                    "severity": record.levelname,
                    "logger": record.name,
                    "message": message,
                    "time": _iso(record.created),
                }
            )
        except Exception:
            self.handleError(record)


def _render_structlog(logger: Any, method_name: str, event_dict: dict[str, Any]) -> str:
    """``event key=value ...`` like Dioptra's ConsoleRenderer, without time and level
    (the log event carries those)."""
    event = str(event_dict.pop("event", ""))
    trailers = [event_dict.pop(key, None) for key in ("stack", "exception")]
    pairs = " ".join(
        f"{key}={value if isinstance(value, str) else repr(value)}"
        for key, value in event_dict.items()
    )
    text = f"{event} {pairs}" if pairs else event
    for trailer in trailers:
        if trailer:
            text += "\n" + trailer
    return text


def configure_logging(emit, level: str = "INFO") -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(EventLogHandler(emit))
    root.setLevel(level)
    logging.captureWarnings(True)
    try:
        import structlog
    except ImportError:
        return
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            _render_structlog,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )


def _reason(exc: BaseException) -> str:
    message = str(exc)
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def main(argv: list[str]) -> int:
    from experiments.engine import events

    channel = events.EventChannel(int(os.environ[events.FD_ENV]))
    events.install(channel)
    _compat_first()
    level = os.environ.get(LOG_LEVEL_ENV, "INFO").upper()
    configure_logging(channel.emit, level if level in logging.getLevelNamesMapping() else "INFO")
    log = logging.getLogger("dioptra.worker")
    try:
        bundle_path = Path(argv[0]).resolve()
        bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
        workdir = bundle_path.parent
        os.chdir(workdir)
        from experiments.engine import runner

        runner.run(bundle, workdir, channel.emit)
    except BaseException as exc:
        log.exception("Job failed.")
        channel.emit({"type": "failed", "reason": _reason(exc)})
        return 1
    log.info("=== Run succeeded ===")
    channel.emit({"type": "finished"})
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    # Leave at once: a thread a plugin forgot must not keep the job alive.
    os._exit(code)
