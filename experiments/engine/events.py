"""The job process's event channel: JSON lines written to an inherited pipe.

The supervisor passes the write end's file descriptor in ``DIOPTRA_EVENTS_FD``.
Writes are serialised by a lock and go straight to the descriptor (no
buffering), so no event is lost if the process later dies abruptly.
"""

import json
import os
import threading
from typing import Any

FD_ENV = "DIOPTRA_EVENTS_FD"


class EventChannel:
    def __init__(self, fd: int):
        self.fd = fd
        self._lock = threading.Lock()

    def emit(self, event: dict[str, Any]) -> None:
        data = (json.dumps(event, default=str) + "\n").encode("utf-8", "replace")
        with self._lock:
            view = memoryview(data)
            while view:
                written = os.write(self.fd, view)
                view = view[written:]


_channel: EventChannel | None = None


def install(channel: EventChannel | None) -> None:
    global _channel
    _channel = channel


def emit(event: dict[str, Any]) -> None:
    if _channel is None:
        raise RuntimeError("no job event channel: this code is not running inside a job")
    _channel.emit(event)
