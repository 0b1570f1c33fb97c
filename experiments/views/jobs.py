"""Job pages: the run-a-job form of an experiment, the list of all jobs, one
job (status, frozen definition, live logs, metrics, artifacts), cancel, and
artifact downloads."""

import posixpath
from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from ..errors import DomainError
from ..forms import JobSubmitForm
from ..jobs import cancel_job, submit_job
from ..models import (
    Artifact,
    Entrypoint,
    EntrypointArtifactOutput,
    Experiment,
    Job,
    JobLog,
    Queue,
)
from .artifacts import offered_artifacts
from .shared import (
    PAGE_SIZE,
    Listing,
    add_domain_error,
    choose_template,
    is_fragment_request,
    redirect_after_save,
    visible_or_404,
)
from .tags import tags_card_context

# Sent with the fresh form after an htmx submit; the experiment's job table
# listens for it and reloads itself.
JOB_SUBMITTED_EVENT = "job-submitted"
LOG_PAGE_SIZE = 50
# Submit errors name a request field; these are the form's.
SUBMIT_FIELDS = {"entrypoint": "entrypoint", "queue": "queue", "timeout": "timeout"}


def runnable_entrypoints(experiment: Experiment, user):
    """The experiment's entrypoints the user may see, with parameters, artifact
    parameters and live queues."""
    outputs = EntrypointArtifactOutput.objects.select_related("parameter_type")
    return (
        Entrypoint.objects.visible_to(user)
        .filter(experiments=experiment)
        .select_related("group")
        .prefetch_related(
            "parameters",
            Prefetch("artifact_parameters__outputs", queryset=outputs),
            Prefetch("queues", queryset=Queue.objects.visible_to(user).order_by("name")),
        )
        .order_by("name")
    )


def job_submit_form(experiment: Experiment, user, data=None, *, entrypoint=None) -> JobSubmitForm:
    """The run-a-job form; with one entrypoint, it is chosen already. An
    entrypoint's artifact parameters offer the newest artifacts the user may read."""
    entrypoints = runnable_entrypoints(experiment, user)
    if entrypoint is None and data is None:
        first_two = list(entrypoints.values_list("pk", flat=True)[:2])
        entrypoint = first_two[0] if len(first_two) == 1 else None
    return JobSubmitForm(
        data,
        entrypoints=entrypoints,
        artifacts=offered_artifacts(user),
        initial={"entrypoint": entrypoint},
    )


@require_http_methods(["GET", "POST"])
def experiment_job_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """GET shows the form for the chosen entrypoint (htmx swaps it in when the
    choice changes); POST submits the job."""
    experiment = visible_or_404(Experiment, request, pk)
    if not experiment.can_edit(request.user):
        raise PermissionDenied("You may read this experiment but not run jobs in it.")
    if request.method == "GET":
        form = job_submit_form(experiment, request.user, entrypoint=request.GET.get("entrypoint"))
        return _render_form(request, experiment, form)
    form = job_submit_form(experiment, request.user, request.POST)
    if form.entrypoint_changed or not form.is_valid():
        if form.entrypoint_changed:  # shown again for the newly chosen entrypoint
            form = job_submit_form(
                experiment, request.user, entrypoint=request.POST.get("entrypoint")
            )
        return _render_form(request, experiment, form)
    try:
        job = submit_job(
            user=request.user,
            experiment=experiment,
            entrypoint_id=form.cleaned_data["entrypoint"].pk,
            queue_id=form.cleaned_data["queue"].pk,
            values=form.values(),
            artifact_values=form.artifact_values(),
            timeout=form.cleaned_data["timeout"] or None,
            description=form.cleaned_data["description"] or None,
        )
    except DomainError as error:
        add_domain_error(form, error, fields={**SUBMIT_FIELDS, **form.artifact_error_fields()})
        return _render_form(request, experiment, form)
    if not request.htmx:
        messages.success(request, f"Job #{job.pk} is queued on {job.queue.name}.")
        return redirect_after_save(request, reverse("experiment_detail", args=[experiment.pk]))
    # The form stays, with the same choices, for the next run; the table reloads.
    fresh = job_submit_form(experiment, request.user, entrypoint=job.entrypoint_id)
    fresh.initial["queue"] = job.queue_id
    response = _render_form(request, experiment, fresh, submitted=job)
    return trigger_client_event(response, JOB_SUBMITTED_EVENT)


def _render_form(request, experiment, form, *, submitted=None) -> HttpResponse:
    return render(
        request,
        choose_template(request, "jobs/job_submit.html", "job-form"),
        {"experiment": experiment, "job_form": form, "submitted": submitted},
    )


# The list of all jobs -----------------------------------------------------------


@require_GET
@vary_on_headers("HX-Request")
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = (
        Job.objects.visible_to(request.user)
        .select_related("experiment", "entrypoint", "queue", "creator", "group")
        .defer("definition", "values", "artifact_values")
        .order_by("-id")
    )
    status = request.GET.get("status", "")
    if status in Job.Status.values:
        jobs = jobs.filter(status=status)
    else:
        status = ""
    experiment_id = request.GET.get("experiment", "")
    if experiment_id.isdigit() and len(experiment_id) <= 18:
        jobs = jobs.filter(experiment_id=int(experiment_id))
    else:
        experiment_id = ""
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    context = {
        "listing": Listing(page=page, query="", sort="", group=None),
        "status": status,
        "experiment_id": experiment_id,
        "statuses": Job.Status.choices,
        "polling": any(not job.is_done for job in page.object_list),
    }
    return render(request, choose_template(request, "jobs/job_list.html", "job-table"), context)


# One job --------------------------------------------------------------------------


def visible_job(request: HttpRequest, pk: int) -> Job:
    jobs = Job.objects.visible_to(request.user).select_related(
        "experiment", "entrypoint", "entrypoint_snapshot", "queue", "creator", "cancelled_by"
    )
    return get_object_or_404(jobs, pk=pk)


@require_GET
@vary_on_headers("HX-Request")
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The page; htmx asks for its live part (status, logs, metrics, artifacts),
    which reloads itself every two seconds while the job is queued or running."""
    job = visible_job(request, pk)
    context = {"job": job, **_live_context(request, job)}
    if is_fragment_request(request):
        return render(request, "jobs/job_detail.html#job-live", context)
    can_edit = job.can_edit(request.user)
    context["can_cancel"] = not job.is_done and can_edit
    context["definition"] = _definition_context(job)
    context.update(tags_card_context(request, job, can_edit))
    return render(request, "jobs/job_detail.html", context)


def _live_context(request: HttpRequest, job: Job) -> dict:
    severity = request.GET.get("severity", "")
    logs = job.logs.order_by("id")
    if severity in JobLog.Severity.values:
        logs = logs.filter(severity=severity)
    else:
        severity = ""
    log_page = Paginator(logs, LOG_PAGE_SIZE).get_page(request.GET.get("log_page"))
    series: dict[str, list[dict]] = defaultdict(list)
    for metric in job.metrics.order_by("name", "step"):
        series[metric.name].append(
            {"step": metric.step, "value": metric.value, "timestamp": metric.timestamp}
        )
    return {
        "log_page": log_page,
        "log_listing": Listing(page=log_page, query="", sort="", group=None),
        "severity": severity,
        "severities": JobLog.Severity.values,
        "metrics": [
            {"name": name, "latest": points[-1], "steps": len(points)}
            for name, points in series.items()
        ],
        "chart_data": {
            name: [[p["step"], _chart_value(p["value"])] for p in points]
            for name, points in series.items()
        },
        "artifacts": list(job.artifacts.alive().order_by("id")),
        "live": not job.is_done,
    }


def _chart_value(value: float | None) -> float | None:
    """JSON has no NaN or infinity: the chart leaves a gap there."""
    if value is None or value in (float("inf"), float("-inf")):
        return None
    return value


def _definition_context(job: Job) -> dict:
    """What the job ran, from its frozen definition and the entrypoint snapshot
    it was submitted with (snapshots never change)."""
    definition = job.definition or {}
    description = definition.get("description") or {}
    snapshot = job.entrypoint_snapshot.data if job.entrypoint_snapshot else {}
    values = job.values or {}
    return {
        "entrypoint": definition.get("entrypoint", {}),
        "task_graph": snapshot.get("taskGraph", ""),
        "artifact_graph": snapshot.get("artifactGraph", ""),
        "parameters": [
            {**p, "value": values.get(p["name"])} for p in definition.get("parameters", [])
        ],
        "tasks": [
            {"name": name, **task} for name, task in sorted(description.get("tasks", {}).items())
        ],
        "plugins": definition.get("plugins", []),
        "artifact_plugins": definition.get("artifactPlugins", []),
        "artifact_values": job.artifact_values or {},
    }


@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    job = visible_job(request, pk)
    if not job.can_edit(request.user):
        raise PermissionDenied("You may read this job but not cancel it.")
    try:
        cancel_job(user=request.user, job=job)
    except DomainError as error:
        messages.warning(request, error.message)
    else:
        messages.success(request, f"Job #{job.pk} is cancelled.")
    return redirect_after_save(request, reverse("job_detail", args=[job.pk]))


@require_GET
def artifact_download(request: HttpRequest, pk: int) -> FileResponse:
    """The stored file (a directory artifact as its .tar.gz); an image may be
    asked for inline, for its preview on the job page."""
    artifact = get_object_or_404(Artifact.objects.visible_to(request.user), pk=pk)
    if not artifact.file:
        raise Http404("This artifact has no stored contents.")
    return FileResponse(
        artifact.file.open("rb"),
        as_attachment=not (artifact.is_image and request.GET.get("inline") == "1"),
        filename=posixpath.basename(artifact.file.name),
    )
