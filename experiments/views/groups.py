"""Group pages: the groups a user belongs to, and one group with its members.
Anyone may create a group. Owners and admins rename or delete it and manage
its members in the page; everyone else only sees them."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from .. import definitions
from ..definitions.groups import create_group, delete_group, rename_group
from ..errors import DomainError
from ..forms import MEMBER_FLAG_HELP, GroupForm, MemberAddForm, MemberFlagsForm
from ..models import PUBLIC_GROUP_NAME, Entrypoint, Experiment, Group, GroupMembership, Queue
from .shared import add_domain_error, choose_template, is_fragment_request, redirect_after_save

MEMBER_FLAGS = definitions.MEMBER_FLAGS


@require_GET
def group_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    groups = (
        Group.objects.readable_by(user)
        .annotate(member_count=Count("memberships"))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=GroupMembership.objects.filter(user=user),
                to_attr="own_memberships",
            )
        )
        .order_by("name")
    )
    return render(request, "groups/group_list.html", {"groups": groups})


def _readable_group(request: HttpRequest, pk: int) -> Group:
    return get_object_or_404(Group.objects.readable_by(request.user), pk=pk)


def _managed_group(request: HttpRequest, pk: int, *, doing: str = "manage its members") -> Group:
    group = _readable_group(request, pk)
    if not group.can_manage(request.user):
        raise PermissionDenied(f"Only the group's owners and admins may {doing}.")
    return group


def _membership_flags(membership: GroupMembership) -> dict[str, bool]:
    return {flag: getattr(membership, flag) for flag in MEMBER_FLAGS}


def _flags_form(membership: GroupMembership, data=None) -> MemberFlagsForm:
    return MemberFlagsForm(
        data, initial=_membership_flags(membership), prefix=f"member-{membership.pk}"
    )


def _render_members(
    request: HttpRequest,
    group: Group,
    *,
    add_form: MemberAddForm | None = None,
    bound_forms: dict[int, MemberFlagsForm] | None = None,
    error: str = "",
) -> HttpResponse:
    """The group page, or only its members card for htmx. Forms that were just
    posted and refused are shown as posted, with their errors."""
    can_manage = group.can_manage(request.user)
    memberships = list(group.memberships.select_related("user").order_by("user__username"))
    for membership in memberships:
        membership.flag_values = [getattr(membership, flag) for flag in MEMBER_FLAGS]
    if can_manage:
        bound_forms = bound_forms or {}
        for membership in memberships:
            membership.flags_form = bound_forms.get(membership.pk) or _flags_form(membership)
    context = {
        "group": group,
        "memberships": memberships,
        "flags": [
            (flag.replace("_", " ").capitalize(), MEMBER_FLAG_HELP[flag]) for flag in MEMBER_FLAGS
        ],
        "can_manage": can_manage,
        "add_form": (add_form or MemberAddForm()) if can_manage else None,
        "members_error": error,
    }
    if is_fragment_request(request):
        return render(request, "groups/group_detail.html#members", context)
    user = request.user
    context["counts"] = {
        "experiments": Experiment.objects.visible_to(user).filter(group=group).count(),
        "entrypoints": Entrypoint.objects.visible_to(user).filter(group=group).count(),
        "queues": Queue.objects.visible_to(user).filter(group=group).count(),
    }
    context["own_membership"] = next((m for m in memberships if m.user_id == user.pk), None)
    # Only to offer the buttons: definitions.groups refuses renaming or deleting `public`.
    context["can_change_group"] = can_manage and group.name != PUBLIC_GROUP_NAME
    return render(request, "groups/group_detail.html", context)


@require_GET
def group_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_members(request, _readable_group(request, pk))


@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest) -> HttpResponse:
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = create_group(user=request.user, name=form.cleaned_data["name"])
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, f"Group {group.name} created; you are its owner.")
            return redirect_after_save(request, reverse("group_detail", args=[group.pk]))
    return render(
        request, choose_template(request, "groups/group_form.html", "group-form"), {"form": form}
    )


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, pk: int) -> HttpResponse:
    group = _managed_group(request, pk, doing="rename it")
    form = GroupForm(request.POST or None, initial={"name": group.name})
    if request.method == "POST" and form.is_valid():
        try:
            rename_group(user=request.user, group=group, name=form.cleaned_data["name"])
        except DomainError as error:
            group.refresh_from_db()  # the refused name was rolled back
            add_domain_error(form, error)
        else:
            messages.success(request, f"Group {group.name} saved.")
            return redirect_after_save(request, reverse("group_detail", args=[group.pk]))
    return render(
        request,
        choose_template(request, "groups/group_form.html", "group-form"),
        {"form": form, "group": group},
    )


@require_http_methods(["GET", "POST"])
def group_delete(request: HttpRequest, pk: int) -> HttpResponse:
    group = _managed_group(request, pk, doing="delete it")
    if request.method == "POST":
        try:
            delete_group(user=request.user, group=group)
        except DomainError as error:
            # e.g. it still owns resources: its page shows which kinds, linked.
            messages.error(request, error.message)
            return redirect_after_save(request, reverse("group_detail", args=[group.pk]))
        messages.success(request, f"Group {group.name} deleted.")
        return redirect_after_save(request, reverse("group_list"))
    return render(
        request,
        "confirm_delete.html",
        {
            "resource": group,
            "kind": "group",
            "list_url": reverse("group_list"),
            "list_label": "Groups",
            "detail_url": reverse("group_detail", args=[group.pk]),
            "consequence": "Its members lose their membership. Only a group that owns no "
            "resources can be deleted.",
        },
    )


def _after_change(request: HttpRequest, group: Group, message: str) -> HttpResponse:
    """Show the members as they are now; leave the page if the user lost sight of the group."""
    if not Group.objects.readable_by(request.user).filter(pk=group.pk).exists():
        messages.success(request, message)
        if request.htmx:
            return HttpResponseClientRedirect(reverse("group_list"))
        return redirect("group_list")
    if request.htmx:
        return _render_members(request, group)
    messages.success(request, message)
    return redirect("group_detail", pk=group.pk)


@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    group = _managed_group(request, pk)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            membership = definitions.add_member(
                user=request.user,
                group=group,
                username=form.cleaned_data["username"],
                **form.flags(),
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _after_change(request, group, f"{membership.user.username} joined {group.name}.")
    return _render_members(request, group, add_form=form)


@require_POST
def member_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    group = _managed_group(request, pk)
    membership = get_object_or_404(group.memberships.select_related("user"), pk=member_pk)
    form = _flags_form(membership, request.POST)
    if form.is_valid():
        try:
            definitions.change_member(user=request.user, membership=membership, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _after_change(
                request, group, f"{membership.user.username}'s access to {group.name} was changed."
            )
    return _render_members(request, group, bound_forms={membership.pk: form})


@require_http_methods(["GET", "POST"])
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    group = _managed_group(request, pk)
    membership = get_object_or_404(group.memberships.select_related("user"), pk=member_pk)
    if request.method == "GET":
        return render(
            request, "groups/member_remove.html", {"group": group, "membership": membership}
        )
    try:
        definitions.remove_member(user=request.user, membership=membership)
    except DomainError as error:
        return _render_members(request, group, error=error.message)
    return _after_change(
        request, group, f"{membership.user.username} was removed from {group.name}."
    )
