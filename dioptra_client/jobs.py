"""``/jobs`` and ``/experiments/{id}/jobs``: runs of an entrypoint, their status,
logs, metrics and parameters.

Method names follow the official client (``get_logs_by_id``,
``append_metric_by_id``, ...); shorter aliases (``get_logs``, ``get_metrics``,
...) read better in new code. ``cancel`` is an extension of this server.
"""

from __future__ import annotations

import datetime
import json
import math
from collections.abc import Iterable
from typing import Any

from ._base import JSON, CollectionClient, SubCollectionClient, without_none

JOB_STATUSES = ("queued", "started", "deferred", "finished", "failed", "reset")


def _list_params(
    index: int,
    page_length: int,
    sort_by: str | None,
    descending: bool | None,
    search: str | None,
    group_id: int | None = None,
) -> dict[str, Any]:
    return {
        "index": index,
        "pageLength": page_length,
        "sortBy": sort_by,
        "descending": descending,
        "search": search,
        "groupId": group_id,
    }


class ExperimentJobsSubCollectionClient(SubCollectionClient):
    """The client for ``/experiments/{id}/jobs``: submit jobs and manage them."""

    name = "jobs"

    def get(
        self,
        experiment_id: int | str,
        index: int = 0,
        page_length: int = 10,
        sort_by: str | None = None,
        descending: bool | None = None,
        search: str | None = None,
    ) -> JSON:
        """Get one page of the experiment's jobs.

        Args:
            experiment_id: The experiment id.
            index: The row offset of the page's first job.
            page_length: The number of jobs per page.
            sort_by: ``id``, ``description``, ``createdOn``, ``lastModifiedOn``,
                ``status``, ``experiment``, ``entrypoint`` or ``queue``.
            descending: Sort in descending order.
            search: A query in Dioptra's search language, e.g. ``"status:finished"``.

        Returns:
            The paging envelope with Jobs in ``data``.
        """
        params = _list_params(index, page_length, sort_by, descending, search)
        return self._session.get(*self._parts(experiment_id), params=params)

    def get_by_id(self, experiment_id: int | str, job_id: int | str) -> JSON:
        """Get one of the experiment's jobs.

        Raises:
            DioptraNotFoundError: No such job in the experiment (404).
        """
        return self._session.get(*self._parts(experiment_id, job_id))

    def create(
        self,
        experiment_id: int | str,
        entrypoint_id: int,
        queue_id: int,
        entrypoint_snapshot_id: int | None = None,
        values: dict[str, Any] | None = None,
        artifact_values: dict[str, Any] | None = None,
        timeout: str | None = None,
        description: str | None = None,
    ) -> JSON:
        """Submit a job: run an entrypoint of the experiment on one of its queues.

        Args:
            experiment_id: The experiment id.
            entrypoint_id: The entrypoint to run; it must be one of the experiment's.
            queue_id: The queue to run on; it must be one of the entrypoint's.
            entrypoint_snapshot_id: Run this earlier version of the entrypoint.
                None: its latest.
            values: Parameter values by name. Values are sent as strings, as
                Dioptra expects (``5`` becomes ``"5"``, ``True`` becomes ``"true"``,
                lists and dicts become JSON); parameters left out take their defaults.
            artifact_values: Artifact inputs by name, each ``{"id": ..., "snapshotId": ...}``.
            timeout: The longest the job may run, e.g. ``"30m"``, ``"24h"``, ``"1d"``.
                None: the server's default.
            description: A description of the job.

        Returns:
            The new Job, status ``"queued"``.

        Raises:
            DioptraValidationError: A value is unknown, missing or of the wrong type,
                or the entrypoint or queue may not be used here (400).
            DioptraNotFoundError: No such experiment or entrypoint snapshot (404).
            DioptraForbiddenError: The user may read the experiment but not run jobs (403).
        """
        body = without_none(
            entrypoint=entrypoint_id,
            queue=queue_id,
            entrypointSnapshot=entrypoint_snapshot_id,
            values=None if values is None else {k: _as_text(v) for k, v in values.items()},
            artifactValues=artifact_values,
            timeout=timeout,
            description=description,
        )
        return self._session.post(*self._parts(experiment_id), json=body)

    def delete_by_id(self, experiment_id: int | str, job_id: int | str) -> JSON:
        """Delete a job (a waiting or running one is cancelled first).

        Returns:
            ``{"status": "Success", "id": [job_id]}``.
        """
        return self._session.delete(*self._parts(experiment_id, job_id))

    def get_status(self, experiment_id: int | str, job_id: int | str) -> JSON:
        """Get a job's status: ``{"id", "status"}``."""
        return self._session.get(*self._parts(experiment_id, job_id, "status"))

    def set_status(self, experiment_id: int | str, job_id: int | str, status: str) -> JSON:
        """Move a job through Dioptra's status machine (workers and tests use this).

        Args:
            experiment_id: The experiment id.
            job_id: The job id.
            status: One of ``queued``, ``started``, ``deferred``, ``finished``,
                ``failed`` or ``reset`` (back to queued).

        Returns:
            ``{"id", "status"}``.

        Raises:
            DioptraValidationError: The job may not go to that status from its own (400).
        """
        return self._session.put(
            *self._parts(experiment_id, job_id, "status"), json={"status": status}
        )

    def get_mlflow_run_id(self, experiment_id: int | str, job_id: int | str) -> JSON:
        """Get ``{"mlflowRunId": <hex or None>}``."""
        return self._session.get(*self._parts(experiment_id, job_id, "mlflowRun"))

    def set_mlflow_run_id(
        self, experiment_id: int | str, job_id: int | str, mlflow_run_id: str
    ) -> JSON:
        """Set the job's MLflow run id once (a UUID, dashed or not)."""
        return self._session.post(
            *self._parts(experiment_id, job_id, "mlflowRun"), json={"mlflowRunId": mlflow_run_id}
        )


class JobsCollectionClient(CollectionClient):
    """The client for Dioptra's ``/jobs`` collection.

    Jobs are created under an experiment: see ``client.experiments.jobs.create``.
    """

    name = "jobs"

    def get(
        self,
        group_id: int | None = None,
        index: int = 0,
        page_length: int = 10,
        sort_by: str | None = None,
        descending: bool | None = None,
        search: str | None = None,
    ) -> JSON:
        """Get one page of the jobs the user may see.

        Args:
            group_id: Only jobs of this group.
            index: The row offset of the page's first job.
            page_length: The number of jobs per page.
            sort_by: ``id``, ``description``, ``createdOn``, ``lastModifiedOn``,
                ``status``, ``experiment``, ``entrypoint`` or ``queue``.
            descending: Sort in descending order.
            search: A query in Dioptra's search language, e.g. ``"status:failed"``.
        """
        params = _list_params(index, page_length, sort_by, descending, search, group_id)
        return self._session.get(self.name, params=params)

    def get_by_id(self, job_id: int | str) -> JSON:
        """Get one job.

        Raises:
            DioptraNotFoundError: No such job, or not visible to the user (404).
        """
        return self._session.get(self.name, job_id)

    def delete_by_id(self, job_id: int | str) -> JSON:
        """Delete a job (a waiting or running one is cancelled first).

        Returns:
            ``{"status": "Success", "id": [job_id]}``.
        """
        return self._session.delete(self.name, job_id)

    def get_status(self, job_id: int | str) -> JSON:
        """Get a job's status: ``{"id", "status"}``; ``status`` is ``queued``,
        ``started``, ``deferred``, ``finished``, ``failed`` or ``cancelled``."""
        return self._session.get(self.name, job_id, "status")

    def cancel(self, job_id: int | str) -> JSON:
        """Cancel a queued or running job (this server's extension of Dioptra's API).

        Returns:
            The Job, status ``"cancelled"``.

        Raises:
            DioptraValidationError: The job has already ended (400).
            DioptraForbiddenError: The user may read the job but not change it (403).
        """
        return self._session.post(self.name, job_id, "cancel")

    def get_mlflow_run_id(self, job_id: int | str) -> JSON:
        """Get ``{"mlflowRunId": <hex or None>}``."""
        return self._session.get(self.name, job_id, "mlflowRun")

    def set_mlflow_run_id(self, job_id: int | str, mlflow_run_id: str) -> JSON:
        """Set the job's MLflow run id once (a UUID, dashed or not)."""
        return self._session.post(
            self.name, job_id, "mlflowRun", json={"mlflowRunId": mlflow_run_id}
        )

    def get_parameters(self, job_id: int | str) -> dict[str, Any]:
        """Get the job's parameter values, typed: ``{name: value}``."""
        return self._session.get(self.name, job_id, "parameters")

    def get_artifact_parameters(self, job_id: int | str) -> dict[str, Any]:
        """Get the artifacts the job takes as inputs and the tasks that load them:
        ``{name: {"artifact_id", "artifact_snapshot_id", "artifact_uri", "is_dir",
        "artifact_task": {"plugin_id", "plugin_name", "plugin_snapshot_id",
        "file_name", "task_name", "outputs": [{"name", "type"}]}}}``.

        Raises:
            DioptraNotFoundError: No such job, or not visible to the user (404).
        """
        return self._session.get(self.name, job_id, "artifactParameters")

    # Logs ---------------------------------------------------------------------

    def get_logs_by_id(
        self,
        job_id: int | str,
        index: int = 0,
        page_length: int = 10,
        sort_by: str | None = None,
        descending: bool | None = None,
        severity: list[str] | None = None,
        search: str | None = None,
    ) -> JSON:
        """Get one page of the job's log records, oldest first.

        Args:
            job_id: The job id.
            index: The row offset of the page's first record.
            page_length: The number of records per page.
            sort_by: ``severity``, ``logger_name`` or ``created_on``.
            descending: Sort in descending order.
            severity: Only these severities, e.g. ``["ERROR", "CRITICAL"]``.
            search: A query over ``severity``, ``message`` and ``logger_name``.

        Returns:
            The paging envelope; each record is
            ``{"severity", "loggerName", "message", "createdOn"}``.
        """
        params = _list_params(index, page_length, sort_by, descending, search)
        if severity:
            params["severity"] = list(severity)
        return self._session.get(self.name, job_id, "log", params=params)

    def get_logs(self, job_id: int | str, **kwargs: Any) -> JSON:
        """Alias of :meth:`get_logs_by_id`."""
        return self.get_logs_by_id(job_id, **kwargs)

    def append_logs_by_id(self, job_id: int | str, logs: Iterable[dict[str, Any]]) -> list[JSON]:
        """Add log records ``{"severity", "loggerName", "message"}`` to the job.

        Returns:
            The stored records, with ``createdOn``.
        """
        return self._session.post(self.name, job_id, "log", json={"data": list(logs)})

    def append_to_logs(self, job_id: int | str, logs: Iterable[dict[str, Any]]) -> list[JSON]:
        """Alias of :meth:`append_logs_by_id`."""
        return self.append_logs_by_id(job_id, logs)

    # Metrics ------------------------------------------------------------------

    def get_metrics_by_id(self, job_id: int | str) -> list[JSON]:
        """Get each metric's latest value: ``[{"name", "value"}]``.

        NaN and infinities come as the strings ``"nan"``, ``"inf"`` and
        ``"-inf"``; ``float(value)`` turns them back into numbers.
        """
        return self._session.get(self.name, job_id, "metrics")

    def get_metrics(self, job_id: int | str) -> list[JSON]:
        """Alias of :meth:`get_metrics_by_id`."""
        return self.get_metrics_by_id(job_id)

    def append_metric_by_id(
        self,
        job_id: int | str,
        metric_name: str,
        metric_value: float,
        metric_step: int | None = None,
        timestamp: datetime.datetime | str | None = None,
    ) -> JSON:
        """Record a metric value; the same name and step again replaces it.

        Args:
            job_id: The job id.
            metric_name: Letters, digits and underscores, not starting with a digit.
            metric_value: A number; NaN and infinities are allowed.
            metric_step: An integer step (e.g. the epoch). None: step 0.
            timestamp: When it was measured. None: when the server receives it.

        Returns:
            ``{"name", "value"}``.
        """
        if isinstance(timestamp, datetime.datetime):
            timestamp = timestamp.isoformat()
        body = without_none(
            name=metric_name,
            value=_metric_value(metric_value),
            step=metric_step,
            timestamp=timestamp,
        )
        return self._session.post(self.name, job_id, "metrics", json=body)

    def get_metrics_snapshots_by_id(
        self, job_id: int | str, metric_name: str, index: int = 0, page_length: int = 10
    ) -> JSON:
        """Get every step of one metric, a page at a time.

        Args:
            job_id: The job id.
            metric_name: The metric.
            index: The page number (Dioptra counts pages here, not rows).
            page_length: The number of steps per page.

        Returns:
            The paging envelope; each item is ``{"name", "value", "step", "timestamp"}``.
        """
        params = {"index": index, "pageLength": page_length}
        return self._session.get(
            self.name, job_id, "metrics", metric_name, "snapshots", params=params
        )

    def get_metric_snapshots(self, job_id: int | str, metric_name: str, **kwargs: Any) -> JSON:
        """Alias of :meth:`get_metrics_snapshots_by_id`."""
        return self.get_metrics_snapshots_by_id(job_id, metric_name, **kwargs)


def _as_text(value: Any) -> str:
    """A parameter value as the string Dioptra expects."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value)
    return str(value)


def _metric_value(value: float) -> float | str:
    number = float(value)
    if math.isnan(number):
        return "nan"
    if math.isinf(number):
        return "inf" if number > 0 else "-inf"
    return number
