"""Home page and registration. Logging in and out are Django's own views with
our templates (see experiments/urls.py)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .. import accounts
from ..errors import DomainError
from ..forms import RegisterForm
from ..models import Entrypoint, Experiment, Group, Queue
from .shared import add_domain_error

RECENT_EXPERIMENTS = 8


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "groups": Group.objects.readable_by(user)
        .annotate(member_count=Count("memberships"))
        .order_by("name"),
        "recent_experiments": Experiment.objects.visible_to(user)
        .select_related("group")
        .order_by("-last_modified_on")[:RECENT_EXPERIMENTS],
        "counts": {
            "experiments": Experiment.objects.visible_to(user).count(),
            "entrypoints": Entrypoint.objects.visible_to(user).count(),
            "queues": Queue.objects.visible_to(user).count(),
        },
        "can_create": Group.objects.writable_by(user).exists(),
    }
    return render(request, "home.html", context)


@login_not_required
@require_http_methods(["GET", "POST"])
def account_register(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.register_user(
                username=form.cleaned_data["username"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password1"],
            )
        except DomainError as error:
            add_domain_error(form, error, fields={"password": "password1"})
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, f"Welcome, {user.username}. You are a member of the public group."
            )
            return redirect("home")
    return render(request, "accounts/register.html", {"form": form})
