"""Jobs: submitted under an experiment, then read, watched, changed and
cancelled under ``/jobs``; their logs, metrics, parameters and MLflow run.

``POST /jobs/{id}/cancel`` is ours: Dioptra has no way to stop a job.
"""

import uuid
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.definitions import delete_resource
from experiments.errors import DomainError, NotAllowedError, NotFoundError
from experiments.jobs import (
    SEVERITIES,
    append_logs,
    cancel_job,
    job_parameters,
    record_metric,
    set_job_status,
    submit_job,
)
from experiments.models import Experiment, Job, JobLog, JobMetric
from experiments.prepared import PreparedUserQuery
from experiments.search import tag_field, text_field

from .errors import FieldErrors
from .listing import PreparedList, search, sort
from .lookups import get_or_404
from .paging import DEFAULT_PAGE_LENGTH, MAX_PAGE_LENGTH, page_url, paged
from .parsing import Field, integer, list_of, nullable, one_of, parse_body, query_int, text
from .shapes.artifacts import job_artifact_parameters as job_artifact_parameters_shape
from .shapes.jobs import (
    job_rows,
    job_shape,
    job_status_shape,
    latest_metrics,
    log_shape,
    metric_step_shape,
    metric_value,
    new_job_shape,
)

JOB_SEARCH = {
    "description": text_field("description"),
    "status": text_field("status"),
    "timeout": text_field("timeout"),
    "tag": tag_field(Job),
}
JOB_SORTS = {
    "id": "id",
    "description": "description",
    "createdOn": "created_on",
    "lastModifiedOn": "last_modified_on",
    "status": "status",
    "experiment": "experiment__name",
    "entrypoint": "entrypoint__name",
    "queue": "queue__name",
}
JOB_LIST = PreparedList(
    route="jobs",
    visible=Job.objects.visible_to,
    rows=job_rows,
    search_fields=JOB_SEARCH,
    sorts=JOB_SORTS,
    shape=job_shape,
)
# An experiment's jobs: the same list, scoped by experiment_id, without groupId.
EXPERIMENT_JOB_LIST = replace(JOB_LIST, by_group=False)
LOG_SEARCH = {
    "severity": text_field("severity"),
    "message": text_field("message"),
    "logger_name": text_field("logger_name"),
}
LOG_SORTS = {"severity": "severity", "logger_name": "logger_name", "created_on": "created_on"}
SEVERITY_NAMES = [s for s in JobLog.Severity.values if s in SEVERITIES]
# Dioptra's PUT .../status vocabulary; "cancelled" has its own route.
STATUS_WORDS = ("queued", "started", "deferred", "finished", "failed", "reset")


class JobMlflowRunAlreadySetError(DomainError):
    pass


# Body parsers ---------------------------------------------------------------------


def string_values(value: Any) -> dict[str, str]:
    """Dioptra's ``values``: an object of parameter names to strings."""
    if not isinstance(value, dict):
        raise ValueError("Not a valid mapping type.")
    for key, item in value.items():
        if not isinstance(item, str):
            raise ValueError(
                f'The value of parameter {key!r} must be a string (e.g. "{item}"), '
                f"not {type(item).__name__}."
            )
        if "\x00" in item:
            raise ValueError(f"The value of parameter {key!r} holds a null character.")
    return value


ARTIFACT_VALUE = {"id": Field(integer, required=True), "snapshotId": Field(nullable(integer))}


def artifact_values(value: Any) -> dict[str, dict]:
    if not isinstance(value, dict):
        raise ValueError("Not a valid mapping type.")
    errors, clean = {}, {}
    for key, item in value.items():
        try:
            clean[key] = list_of(ARTIFACT_VALUE)([item])[0]
        except FieldErrors as error:
            errors[key] = error.errors["0"]
    if errors:
        raise FieldErrors(errors)
    return clean


def metric_number(value: Any) -> float:
    if isinstance(value, str) and value.strip().lower() in ("nan", "inf", "-inf", "+inf"):
        return float(value.strip().lower())
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError('Not a valid number (use a number or "nan", "inf", "-inf").')
    return float(value)


def log_entries(value: Any) -> list[dict]:
    entries = list_of(
        {
            "severity": Field(one_of(*SEVERITY_NAMES), required=True),
            "loggerName": Field(text, required=True),
            "message": Field(text, required=True),
        }
    )(value)
    if not entries:
        raise ValueError("Shorter than minimum length 1.")
    return entries


NEW_JOB = {
    "entrypoint": Field(integer, required=True),
    "queue": Field(integer, required=True),
    "entrypointSnapshot": Field(nullable(integer)),
    "values": Field(string_values, default=dict),
    "artifactValues": Field(artifact_values, default=dict),
    "timeout": Field(nullable(text)),
    "description": Field(nullable(text)),
}
NEW_METRIC = {
    "name": Field(text, required=True),
    "value": Field(metric_number, required=True),
    "step": Field(integer, default=0),
    "timestamp": Field(nullable(text)),
}


# Lookups --------------------------------------------------------------------------


def visible_job(request, pk: int, *, experiment_id: int | None = None) -> Job:
    """The job with what its shape needs; 404 if unseen or not in the experiment."""
    rows = job_rows(request.user)
    if experiment_id is not None:
        get_or_404(Experiment.objects.visible_to(request.user), experiment_id, "experiment")
        rows = rows.filter(experiment_id=experiment_id)
    return get_or_404(rows, pk, "job")


def require_edit(request, job: Job) -> None:
    if not job.can_edit(request.user):
        raise NotAllowedError("You may read this job but not change it.")


def job_response(request, pk: int) -> Response:
    return Response(job_shape(job_rows(request.user).get(pk=pk)))


# Jobs of an experiment ----------------------------------------------------------------


_VISIBLE_EXPERIMENT = PreparedUserQuery(
    lambda user, pk: (
        Experiment.objects.visible_to(user).with_access(user).select_related("group").filter(pk=pk)
    )
)


@api_view(["GET", "POST"])
def experiment_jobs(request, pk: int):
    experiment = _VISIBLE_EXPERIMENT.first(request.user, pk)
    if experiment is None:
        raise NotFoundError("experiment", id=pk)
    if request.method == "POST":
        body = parse_body(request, NEW_JOB)
        job = submit_job(
            user=request.user,
            experiment=experiment,
            entrypoint_id=body["entrypoint"],
            queue_id=body["queue"],
            values=body["values"],
            artifact_values=body["artifactValues"],
            timeout=body["timeout"],
            description=body["description"],
            entrypoint_snapshot_id=body["entrypointSnapshot"],
        )
        return Response(new_job_shape(job))
    page = EXPERIMENT_JOB_LIST.page(request, route=f"experiments/{pk}/jobs", experiment_id=pk)
    return Response(page)


@api_view(["GET", "DELETE"])
def experiment_job_detail(request, pk: int, job_id: int):
    job = visible_job(request, job_id, experiment_id=pk)
    if request.method == "DELETE":
        return _delete(request, job)
    return Response(job_shape(job))


@api_view(["GET", "PUT"])
def experiment_job_status(request, pk: int, job_id: int):
    if request.method == "PUT":
        body = parse_body(request, {"status": Field(one_of(*STATUS_WORDS), required=True)})
        job = visible_job(request, job_id, experiment_id=pk)
        job = set_job_status(user=request.user, job=job, status=body["status"])
        return Response(job_status_shape(job))
    return Response(job_status_shape(visible_job(request, job_id, experiment_id=pk)))


@api_view(["GET", "POST"])
def experiment_job_mlflow_run(request, pk: int, job_id: int):
    return _mlflow_run(request, visible_job(request, job_id, experiment_id=pk))


@api_view(["GET"])
def experiment_metrics(request, pk: int):
    """The latest metrics of each of the experiment's jobs, a page of jobs at a time."""
    get_or_404(Experiment.objects.visible_to(request.user), pk, "experiment")
    rows = Job.objects.visible_to(request.user).filter(experiment_id=pk).only("id")
    rows = sort(request, search(request, rows, JOB_SEARCH), JOB_SORTS)
    rows = rows.prefetch_related(
        Prefetch("metrics", queryset=JobMetric.objects.order_by("name", "step"))
    )
    # Dioptra's route prefix gives these paging URLs a double slash.
    return Response(
        paged(
            request,
            rows,
            route=f"/experiments/{pk}/metrics",
            shape=lambda job: {"id": job.pk, "metrics": latest_metrics(job.metrics.all())},
        )
    )


# /jobs -------------------------------------------------------------------------------


@api_view(["GET"])
def job_collection(request):
    return Response(JOB_LIST.page(request))


@api_view(["GET", "DELETE"])
def job_detail(request, pk: int):
    job = visible_job(request, pk)
    if request.method == "DELETE":
        return _delete(request, job)
    return Response(job_shape(job))


@transaction.atomic
def _delete(request, job: Job) -> Response:
    """Soft delete; a job still waiting or running is cancelled first."""
    require_edit(request, job)
    if not job.is_done:
        cancel_job(user=request.user, job=job)
    delete_resource(user=request.user, resource=job)
    return Response({"status": "Success", "id": [job.pk]})


@api_view(["GET"])
def job_status(request, pk: int):
    return Response(job_status_shape(visible_job(request, pk)))


@api_view(["POST"])
def job_cancel(request, pk: int):
    """Our extension: stop a queued or running job (a worker kills its process)."""
    job = cancel_job(user=request.user, job=visible_job(request, pk))
    return job_response(request, job.pk)


@api_view(["GET", "POST"])
def job_mlflow_run(request, pk: int):
    return _mlflow_run(request, visible_job(request, pk))


def _mlflow_run(request, job: Job) -> Response:
    if request.method == "GET":
        return Response({"mlflowRunId": job.mlflow_run_id})
    body = parse_body(request, {"mlflowRunId": Field(_run_id, required=True)})
    require_edit(request, job)
    changed = Job.objects.filter(pk=job.pk, mlflow_run_id__isnull=True).update(
        mlflow_run_id=body["mlflowRunId"]
    )
    if not changed:
        raise JobMlflowRunAlreadySetError(f"Job {job.pk} already has an MLflow run.")
    return Response({"mlflowRunId": body["mlflowRunId"]})


def _run_id(value: Any) -> str:
    try:
        return uuid.UUID(text(value)).hex
    except ValueError:
        raise ValueError("Not a valid UUID.") from None


@api_view(["GET"])
def job_parameters_view(request, pk: int):
    """``{name: typed value}``; an unknown job has none (as in Dioptra)."""
    job = Job.objects.visible_to(request.user).filter(pk=pk).first()
    return Response({} if job is None else job_parameters(job))


@api_view(["GET"])
def job_artifact_parameters(request, pk: int):
    """The artifacts the job takes as inputs, and the tasks that load them."""
    job = get_or_404(Job.objects.visible_to(request.user), pk, "job")
    return Response(job_artifact_parameters_shape(job, request.user))


# Logs ------------------------------------------------------------------------------


@api_view(["GET", "POST"])
def job_log(request, pk: int):
    if request.method == "POST":
        entries = parse_body(request, {"data": Field(log_entries, required=True)})["data"]
        job = get_or_404(Job.objects.visible_to(request.user), pk, "job")
        require_edit(request, job)
        return Response([log_shape(record) for record in append_logs(job=job, entries=entries)])
    severities = request.query_params.getlist("severity")
    unknown = [s for s in severities if s not in SEVERITY_NAMES]
    if unknown:
        raise FieldErrors({"severity": [f"Must be one of: {', '.join(SEVERITY_NAMES)}."]})
    # As in Dioptra, an unknown job's log is an empty page, not a 404.
    rows = JobLog.objects.filter(job__in=Job.objects.visible_to(request.user), job_id=pk)
    if severities:
        rows = rows.filter(severity__in=severities)
    rows = sort(request, search(request, rows, LOG_SEARCH), LOG_SORTS)
    return Response(paged(request, rows, route=f"jobs/{pk}/log", shape=log_shape))


# Metrics ---------------------------------------------------------------------------


@api_view(["GET", "POST"])
def job_metrics(request, pk: int):
    if request.method == "POST":
        body = parse_body(request, NEW_METRIC)
        job = get_or_404(Job.objects.visible_to(request.user), pk, "job")
        require_edit(request, job)
        metric = record_metric(
            job=job,
            name=body["name"],
            value=body["value"],
            step=body["step"],
            timestamp=body["timestamp"],
        )
        return Response({"name": metric.name, "value": metric_value(metric.value)})
    rows = JobMetric.objects.filter(job__in=Job.objects.visible_to(request.user), job_id=pk)
    return Response(latest_metrics(rows))


@api_view(["GET"])
def job_metric_snapshots(request, pk: int, name: str):
    """Every step of one metric. As in Dioptra, ``index`` counts pages, not rows."""
    index = query_int(request, "index", default=0, minimum=0)
    page_length = query_int(
        request, "pageLength", default=DEFAULT_PAGE_LENGTH, minimum=1, maximum=MAX_PAGE_LENGTH
    )
    rows = JobMetric.objects.filter(
        job__in=Job.objects.visible_to(request.user), job_id=pk, name=name
    ).order_by("step")
    total = rows.count()
    start = index * page_length
    page = list(rows[start : start + page_length]) if start <= total else []
    route = f"jobs/{pk}/metrics/{name}/snapshots"
    envelope = {
        "index": index,
        "isComplete": total <= start + page_length,
        "totalNumResults": total,
        "first": page_url(request, route, index=0, page_length=page_length),
        "data": [metric_step_shape(metric) for metric in page],
    }
    if index > 0:
        envelope["prev"] = page_url(request, route, index=index - 1, page_length=page_length)
    if total > start + page_length:
        envelope["next"] = page_url(request, route, index=index + 1, page_length=page_length)
    return Response(envelope)
