"""Home page, registration, and "Your account" with personal API tokens.
Logging in and out are Django's own views with our templates (see
experiments/urls.py)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import accounts
from ..errors import DomainError
from ..forms import RegisterForm
from ..models import ApiToken, Entrypoint, Experiment, Group, Queue
from .shared import add_domain_error, is_fragment_request

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
            login(request, user)
            messages.success(
                request, f"Welcome, {user.username}. You are a member of the public group."
            )
            return redirect("home")
    return render(request, "accounts/register.html", {"form": form})


# Your account and API tokens ----------------------------------------------------------

# Where a just-issued token's secret waits, between the POST and the page
# that shows it once.
NEW_TOKEN_SESSION_KEY = "new_api_token"


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": "Token name"}
        help_texts = {"name": 'What the token is for, e.g. "nightly CI".'}


def _render_account(
    request: HttpRequest, *, form: ApiTokenForm | None = None, new_secret: str = ""
) -> HttpResponse:
    """The account page, or only its tokens card for htmx."""
    context = {
        "tokens": list(ApiToken.objects.filter(user=request.user)),
        "form": form or ApiTokenForm(),
        "new_secret": new_secret,
    }
    if is_fragment_request(request):
        return render(request, "accounts/account_detail.html#tokens", context)
    context["groups"] = Group.objects.readable_by(request.user).order_by("name")
    return render(request, "accounts/account_detail.html", context)


@require_GET
def account_detail(request: HttpRequest) -> HttpResponse:
    return _render_account(request, new_secret=request.session.pop(NEW_TOKEN_SESSION_KEY, ""))


@require_POST
def api_token_create(request: HttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _render_account(request, form=form)
    token, secret = ApiToken.objects.issue(user=request.user, name=form.cleaned_data["name"])
    if request.htmx:
        return _render_account(request, new_secret=secret)
    # Shown once by the page the browser is sent to, then forgotten.
    request.session[NEW_TOKEN_SESSION_KEY] = secret
    return redirect("account_detail")


@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    token.revoke()
    if request.htmx:
        return _render_account(request)
    messages.success(request, f"The token {token.name!r} was revoked; it no longer works.")
    return redirect("account_detail")
