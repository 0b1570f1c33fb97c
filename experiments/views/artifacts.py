"""Artifact pages: the list across jobs, and one artifact (where it came from,
its file, the model versions made from it), whose description writers change.

Downloading the bytes is `jobs.artifact_download`, which both pages link to."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from ..artifacts import modify_artifact
from ..errors import DomainError
from ..forms import ArtifactDescriptionForm
from ..models import Artifact, MLModel, ModelVersion
from .history import history_context
from .shared import (
    add_domain_error,
    choose_template,
    editable_or_403,
    is_fragment_request,
    list_page,
    redirect_after_save,
)

ARTIFACT_SORT_FIELDS = {"uri": "uri", "job": "job_id", "created": "created_on"}

# Forms that choose an artifact offer this many of the newest: a lab's
# thousands of jobs would otherwise make a menu nobody can use.
ARTIFACT_CHOICES = 200


def offered_artifacts(user):
    """(id, job id, uri, snapshot id) of the newest artifacts the user may read."""
    return (
        Artifact.objects.visible_to(user)
        .order_by("-id")
        .values_list("pk", "job_id", "uri", "snapshot_id")[:ARTIFACT_CHOICES]
    )


@require_GET
@vary_on_headers("HX-Request")
def artifact_list(request: HttpRequest) -> HttpResponse:
    artifacts = Artifact.objects.visible_to(request.user).select_related("job__experiment", "task")
    listing = list_page(
        request,
        artifacts,
        default_sort="-created",
        search_fields=("uri", "description"),
        sort_fields=ARTIFACT_SORT_FIELDS,
    )
    return render(
        request,
        choose_template(request, "artifacts/artifact_list.html", "artifact-table"),
        {"listing": listing},
    )


@require_GET
def artifact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    artifacts = Artifact.objects.visible_to(request.user).select_related(
        "group", "creator", "job__experiment", "job__entrypoint", "task__file__plugin"
    )
    return render_detail(request, get_object_or_404(artifacts, pk=pk))


@require_POST
def artifact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the description; the form lives on the artifact page."""
    artifact = editable_or_403(Artifact, request, pk)
    form = ArtifactDescriptionForm(request.POST)
    if form.is_valid():
        try:
            modify_artifact(
                user=request.user,
                artifact=artifact,
                description=form.cleaned_data["description"],
                # The task that loads it stays; when its plugin file lost the
                # task, the pair is already broken and is cleared.
                plugin_snapshot_id=artifact.plugin_snapshot_id if artifact.task_id else None,
                task_id=artifact.task_id,
            )
        except DomainError as error:
            artifact.refresh_from_db()  # the refused change was rolled back
            add_domain_error(form, error)
        else:
            messages.success(request, f"Artifact #{artifact.pk} saved.")
            return redirect_after_save(request, reverse("artifact_detail", args=[artifact.pk]))
    if is_fragment_request(request):
        context = {"artifact": artifact, "description_form": form}
        return render(request, "artifacts/artifact_detail.html#description-form", context)
    return render_detail(request, artifact, form=form)


def render_detail(
    request: HttpRequest, artifact: Artifact, *, form: ArtifactDescriptionForm | None = None
) -> HttpResponse:
    """The artifact page; ``form`` is a refused description form."""
    job = artifact.job
    can_edit = artifact.can_edit(request.user)
    versions = (
        ModelVersion.objects.filter(
            artifact=artifact, model__in=MLModel.objects.visible_to(request.user)
        )
        .select_related("model")
        .order_by("model__name", "version_number")
    )
    if can_edit and form is None:
        form = ArtifactDescriptionForm(initial={"description": artifact.description})
    context = {
        "artifact": artifact,
        "job": job,
        # A deleted job, experiment or entrypoint has no page to link to.
        "job_alive": job.deleted_on is None,
        "experiment_alive": job.experiment.deleted_on is None,
        "entrypoint_alive": job.entrypoint.deleted_on is None,
        "versions": list(versions),
        "can_edit": can_edit,
        "description_form": form if can_edit else None,
        **history_context(artifact),
    }
    return render(request, "artifacts/artifact_detail.html", context)
