"""``GET /health``: whether the server answers, and which version it runs.

Dioptra serves it outside ``/api/v1`` without login, for load balancers and
uptime checks.
"""

import tomllib
from functools import cache

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.http import require_GET

UNKNOWN_VERSION = "unknown"


@cache
def server_version() -> str:
    """The version pyproject.toml declares (the project is not an installed package)."""
    try:
        with open(settings.BASE_DIR / "pyproject.toml", "rb") as handle:
            return tomllib.load(handle)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return UNKNOWN_VERSION


@login_not_required
@require_GET
def health(request):
    return JsonResponse({"status": "healthy", "version": server_version()})
