"""``get_authenticated_worker_client``: what metric-posting plugins call.

Instead of an HTTP client logged in as the worker, it returns an object whose
``jobs.append_metric_by_id`` sends the metric to the supervisor through the
job's event channel. The running job may only post metrics to itself.
"""

import datetime
import math
import os
import re
from typing import Any

METRIC_NAME = re.compile(r"^([A-Za-z]|[A-Za-z_][A-Za-z0-9_]+)$")


class MetricError(ValueError):
    pass


def encode_metric_value(value: float) -> float | str:
    """NaN and ±inf as the strings "nan", "inf" and "-inf" (JSON has no such numbers)."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


class JobsCollection:
    def append_metric_by_id(
        self,
        job_id: int | str,
        metric_name: str,
        metric_value: float,
        metric_step: int | None = None,
        timestamp: datetime.datetime | str | None = None,
    ) -> dict[str, Any]:
        from experiments.engine import events

        running = os.environ.get("__JOB_ID")
        if running is not None and str(job_id) != running:
            raise MetricError(f"job {running} may not post metrics to job {job_id}")
        if not isinstance(metric_name, str) or not METRIC_NAME.match(metric_name):
            raise MetricError(
                f"Invalid metric name {metric_name!r}: it must match "
                "^([A-Za-z]|[A-Za-z_][A-Za-z0-9_]+)$"
            )
        try:
            value = float(metric_value)
        except (TypeError, ValueError):
            raise MetricError(f"metric {metric_name}: {metric_value!r} is not a number") from None
        step = 0 if metric_step is None else metric_step
        if isinstance(step, bool) or not isinstance(step, int):
            raise MetricError(f"metric {metric_name}: step must be an integer, not {step!r}")
        if timestamp is None:
            timestamp = datetime.datetime.now(datetime.UTC)
        if isinstance(timestamp, datetime.datetime):
            timestamp = timestamp.isoformat()
        event = {
            "type": "metric",
            "name": metric_name,
            "value": encode_metric_value(value),
            "step": step,
            "timestamp": timestamp,
        }
        events.emit(event)
        return {
            "id": job_id,
            "name": metric_name,
            "value": value,
            "step": step,
        }


class WorkerClient:
    def __init__(self) -> None:
        self.jobs = JobsCollection()


def get_authenticated_worker_client(*args: Any, **kwargs: Any) -> WorkerClient:
    """The job's own client; the arguments Dioptra takes (logger, "json") are accepted."""
    return WorkerClient()
