"""Queue pages: list, detail, create, edit, delete."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from .. import definitions
from ..errors import DomainError
from ..forms import QueueForm
from ..models import Entrypoint, Queue
from .drafts import (
    QUEUE_DRAFTS,
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
from .shared import (
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


@require_GET
@vary_on_headers("HX-Request")
def queue_list(request: HttpRequest) -> HttpResponse:
    queues = (
        Queue.objects.visible_to(request.user)
        .select_related("group")
        .annotate(
            entrypoint_count=Count("entrypoints", filter=Q(entrypoints__deleted_on__isnull=True))
        )
    )
    listing = list_page(request, queues, default_sort="name")
    writable = writable_group_ids(request.user)
    mark_editable(listing.rows, writable)
    context = {"listing": listing, "can_create": bool(writable)}
    if not is_fragment_request(request):
        context.update(new_drafts_context(request, QUEUE_DRAFTS))
    return render(
        request, choose_template(request, "queues/queue_list.html", "queue-table"), context
    )


@require_GET
def queue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    queue = visible_or_404(Queue, request, pk)
    entrypoints = (
        Entrypoint.objects.visible_to(request.user)
        .filter(queues=queue)
        .select_related("group")
        .order_by("name")
    )
    can_edit = queue.can_edit(request.user)
    context = {
        "queue": queue,
        "entrypoints": entrypoints,
        "can_edit": can_edit,
        **change_draft_context(request, queue, can_edit=can_edit),
        **tags_card_context(request, queue, can_edit),
        **history_context(queue),
    }
    return render(request, "queues/queue_detail.html", context)


@require_http_methods(["GET", "POST"])
def queue_create(request: HttpRequest) -> HttpResponse:
    draft = continued_draft(request, QUEUE_DRAFTS)
    initial = new_draft_initial(QUEUE_DRAFTS, draft)
    form = QueueForm(request.POST or None, initial=initial, user=request.user, creating=True)
    if saving_draft(request):
        if (saved := save_new_draft(request, QUEUE_DRAFTS, form, draft)) is not None:
            return saved
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                queue = definitions.create_queue(
                    user=request.user,
                    group_id=form.cleaned_data["group"].pk,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
                drop_saved_draft(draft)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Queue {queue.name} created.")
            return redirect_after_save(request, reverse("queue_detail", args=[queue.pk]))
    return render(
        request,
        choose_template(request, "queues/queue_form.html", "queue-form"),
        {"form": form, **draft_form_context(request, draft)},
    )


@require_http_methods(["GET", "POST"])
def queue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    queue = editable_or_403(Queue, request, pk)
    draft = continued_change_draft(request, queue)
    if draft is not None:
        initial = QUEUE_DRAFTS.initial(draft.payload)
    else:
        initial = {"name": queue.name, "description": queue.description}
    form = QueueForm(request.POST or None, initial=initial, user=request.user, creating=False)
    if saving_draft(request):
        if (saved := save_change_draft(request, QUEUE_DRAFTS, form, queue)) is not None:
            return saved
    elif request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                definitions.update_queue(
                    user=request.user,
                    queue=queue,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                )
                drop_saved_draft(draft)
        except DomainError as error:
            queue.refresh_from_db()  # the refused change was rolled back
            add_domain_error(form, error)
        else:
            messages.success(request, f"Queue {queue.name} saved.")
            return redirect_after_save(request, reverse("queue_detail", args=[queue.pk]))
    return render(
        request,
        choose_template(request, "queues/queue_form.html", "queue-form"),
        {"form": form, "queue": queue, **draft_form_context(request, draft, queue)},
    )


@require_http_methods(["GET", "POST"])
def queue_delete(request: HttpRequest, pk: int) -> HttpResponse:
    queue = editable_or_403(Queue, request, pk)
    if request.method == "POST":
        definitions.delete_resource(user=request.user, resource=queue)
        messages.success(request, f"Queue {queue.name} deleted.")
        return redirect("queue_list")
    return render(
        request,
        "confirm_delete.html",
        {
            "resource": queue,
            "kind": "queue",
            "list_url": reverse("queue_list"),
            "list_label": "Queues",
            "detail_url": reverse("queue_detail", args=[queue.pk]),
            "consequence": "Entrypoints will no longer list it; jobs that ran on it keep "
            "their record of it.",
        },
    )
