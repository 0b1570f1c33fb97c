"""Experiment pages: list (search, sort, pages, and the htmx create form),
detail with its jobs, create, edit, delete."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import trigger_client_event

from .. import definitions
from ..errors import DomainError
from ..forms import ExperimentForm
from ..models import Entrypoint, Experiment, Job, Queue
from .drafts import (
    EXPERIMENT_DRAFTS,
    change_draft_context,
    continued_change_draft,
    continued_draft,
    draft_form_context,
    drop_saved_draft,
    new_draft_initial,
    new_drafts_context,
    save_change_draft,
    save_new_draft,
    saving_draft,
)
from .history import history_context
from .jobs import job_submit_form
from .shared import (
    PAGE_SIZE,
    Listing,
    add_domain_error,
    choose_template,
    editable_or_403,
    is_fragment_request,
    list_page,
    mark_editable,
    redirect_after_save,
    visible_or_404,
    writable_group_ids,
)
from .tags import tags_card_context

# Sent with the fresh form after an htmx create; the experiment table listens
# for it and reloads itself.
EXPERIMENT_CREATED_EVENT = "experiment-created"


@require_GET
@vary_on_headers("HX-Request")
def experiment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    experiments = (
        Experiment.objects.visible_to(user)
        .select_related("group")
        .annotate(job_count=Count("jobs", filter=Q(jobs__deleted_on__isnull=True)))
        .prefetch_related(
            Prefetch("entrypoints", queryset=Entrypoint.objects.visible_to(user).order_by("name"))
        )
    )
    listing = list_page(request, experiments, default_sort="-modified")
    writable = writable_group_ids(user)
    mark_editable(listing.rows, writable)
    context = {"listing": listing, "can_create": bool(writable)}
    if is_fragment_request(request):
        return render(request, "experiments/experiment_list.html#experiment-table", context)
    context["form"] = ExperimentForm(user=user, creating=True)
    context.update(new_drafts_context(request, EXPERIMENT_DRAFTS))
    return render(request, "experiments/experiment_list.html", context)


@require_GET
@vary_on_headers("HX-Request")
def experiment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = visible_or_404(Experiment, request, pk)
    user = request.user
    jobs = (
        Job.objects.visible_to(user)
        .filter(experiment=experiment)
        .select_related("entrypoint", "queue", "creator")
        .defer("definition", "values", "artifact_values")
        .order_by("-id")
    )
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    context = {
        "experiment": experiment,
        "jobs": page.object_list,
        "job_listing": Listing(page=page, query="", sort="", group=None),
        # The table reloads itself while a job on it may still change.
        "polling": any(not job.is_done for job in page.object_list),
    }
    if is_fragment_request(request):
        return render(request, "experiments/experiment_detail.html#job-table", context)
    context["entrypoints"] = (
        Entrypoint.objects.visible_to(user)
        .filter(experiments=experiment)
        .select_related("group")
        .prefetch_related(
            "parameters",
            Prefetch("queues", queryset=Queue.objects.visible_to(user).order_by("name")),
        )
        .order_by("name")
    )
    context["can_edit"] = experiment.can_edit(user)
    if context["can_edit"]:
        context["job_form"] = job_submit_form(experiment, user)
    context.update(change_draft_context(request, experiment, can_edit=context["can_edit"]))
    context.update(tags_card_context(request, experiment, context["can_edit"]))
    context.update(history_context(experiment))
    return render(request, "experiments/experiment_detail.html", context)


@require_http_methods(["GET", "POST"])
def experiment_create(request: HttpRequest) -> HttpResponse:
    draft = continued_draft(request, EXPERIMENT_DRAFTS)
    initial = new_draft_initial(EXPERIMENT_DRAFTS, draft)
    form = ExperimentForm(request.POST or None, initial=initial, user=request.user, creating=True)
    if saving_draft(request):
        if (saved := save_new_draft(request, EXPERIMENT_DRAFTS, form, draft)) is not None:
            return saved
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                experiment = definitions.create_experiment(
                    user=request.user,
                    group_id=form.cleaned_data["group"].pk,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    entrypoint_ids=[e.pk for e in form.cleaned_data["entrypoints"]],
                )
                drop_saved_draft(draft)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            if not request.htmx:
                messages.success(request, f"Experiment {experiment.name} created.")
                return redirect("experiment_detail", pk=experiment.pk)
            # The form stays for the next experiment; the list reloads itself.
            fresh = ExperimentForm(
                user=request.user, creating=True, initial={"group": experiment.group_id}
            )
            response = render(
                request,
                "experiments/experiment_form.html#experiment-form",
                {"form": fresh, "created": experiment},
            )
            return trigger_client_event(response, EXPERIMENT_CREATED_EVENT)
    return render(
        request,
        choose_template(request, "experiments/experiment_form.html", "experiment-form"),
        {"form": form, **draft_form_context(request, draft)},
    )


@require_http_methods(["GET", "POST"])
def experiment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = editable_or_403(Experiment, request, pk)
    draft = continued_change_draft(request, experiment)
    if draft is not None:
        initial = EXPERIMENT_DRAFTS.initial(draft.payload)
    else:
        initial = {
            "name": experiment.name,
            "description": experiment.description,
            "entrypoints": list(experiment.entrypoints.values_list("pk", flat=True)),
        }
    form = ExperimentForm(request.POST or None, initial=initial, user=request.user, creating=False)
    if saving_draft(request):
        if (saved := save_change_draft(request, EXPERIMENT_DRAFTS, form, experiment)) is not None:
            return saved
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                definitions.update_experiment(
                    user=request.user,
                    experiment=experiment,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    entrypoint_ids=[e.pk for e in form.cleaned_data["entrypoints"]],
                )
                drop_saved_draft(draft)
        except DomainError as error:
            experiment.refresh_from_db()  # the refused change was rolled back
            add_domain_error(form, error)
        else:
            messages.success(request, f"Experiment {experiment.name} saved.")
            return redirect_after_save(request, reverse("experiment_detail", args=[experiment.pk]))
    return render(
        request,
        choose_template(request, "experiments/experiment_form.html", "experiment-form"),
        {"form": form, "experiment": experiment, **draft_form_context(request, draft, experiment)},
    )


@require_http_methods(["GET", "POST"])
def experiment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    experiment = editable_or_403(Experiment, request, pk)
    if request.method == "POST":
        definitions.delete_resource(user=request.user, resource=experiment)
        messages.success(request, f"Experiment {experiment.name} deleted.")
        return redirect("experiment_list")
    job_count = Job.objects.alive().filter(experiment=experiment).count()
    return render(
        request,
        "confirm_delete.html",
        {
            "resource": experiment,
            "kind": "experiment",
            "list_url": reverse("experiment_list"),
            "list_label": "Experiments",
            "detail_url": reverse("experiment_detail", args=[experiment.pk]),
            "consequence": f"Its {job_count} job(s) and their results are kept, but the "
            "experiment disappears from every list.",
        },
    )
