"""Exceptions raised by the client.

Every answer with a 4xx or 5xx status raises a subclass of
:class:`DioptraClientError` chosen by the status code, carrying the status, the
server's message and the decoded body, so callers can catch broadly
(``except DioptraClientError``) or narrowly (``except DioptraNotFoundError``).
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


class DioptraClientError(Exception):
    """Base class of every error this client raises.

    Attributes:
        status_code: The HTTP status of the answer, or None when no answer came.
        message: A human-readable explanation, taken from the server when it gave one.
        body: The decoded JSON body of the answer (or its text, or None).
    """

    def __init__(self, message: str, *, status_code: int | None = None, body: Any = None):
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.body = body

    def __str__(self) -> str:
        if self.status_code is None:
            return self.message
        return f"{self.status_code}: {self.message}"


class DioptraConnectionError(DioptraClientError):
    """The server could not be reached."""


class DioptraResponseError(DioptraClientError):
    """A successful answer whose body is not the JSON the client expected."""


class DioptraHTTPError(DioptraClientError):
    """The server answered with a 4xx or 5xx status.

    Attributes:
        error: Dioptra's error class name (the body's ``error`` key), if any.
        detail: Dioptra's structured error detail (the body's ``detail`` key), if any.
    """

    @property
    def error(self) -> str | None:
        """Dioptra's error class name, e.g. ``"EntityExistsError"``."""
        return self.body.get("error") if isinstance(self.body, dict) else None

    @property
    def detail(self) -> dict[str, Any]:
        """Dioptra's structured error detail; empty when the server sent none."""
        detail = self.body.get("detail") if isinstance(self.body, dict) else None
        return detail if isinstance(detail, dict) else {}


class DioptraValidationError(DioptraHTTPError):
    """The request was malformed or its values invalid (400, 422)."""


class DioptraAuthError(DioptraHTTPError):
    """Not logged in, bad credentials (401), or not allowed (403)."""


class DioptraForbiddenError(DioptraAuthError):
    """Logged in, but the user may not do this (403)."""


class DioptraNotFoundError(DioptraHTTPError):
    """The resource does not exist or the user may not see it (404)."""


class DioptraConflictError(DioptraHTTPError):
    """The request collides with an existing resource, e.g. a taken name (409)."""


class DioptraServerError(DioptraHTTPError):
    """The server failed (5xx)."""


_CLASS_BY_STATUS: dict[int, type[DioptraHTTPError]] = {
    400: DioptraValidationError,
    401: DioptraAuthError,
    403: DioptraForbiddenError,
    404: DioptraNotFoundError,
    409: DioptraConflictError,
    422: DioptraValidationError,
}


def error_for_status(status_code: int, body: Any, reason: str = "") -> DioptraHTTPError:
    """Build the exception that matches an error answer.

    Args:
        status_code: The HTTP status (400 or above).
        body: The decoded JSON body, or the raw text when it was not JSON.
        reason: The HTTP reason phrase, used when the body explains nothing.

    Returns:
        An instance of the most specific :class:`DioptraHTTPError` subclass.
    """
    if status_code in _CLASS_BY_STATUS:
        cls = _CLASS_BY_STATUS[status_code]
    elif status_code >= 500:
        cls = DioptraServerError
    else:
        cls = DioptraHTTPError
    return cls(_message_from(status_code, body, reason), status_code=status_code, body=body)


def _message_from(status_code: int, body: Any, reason: str) -> str:
    parts: list[str] = []
    if isinstance(body, dict):
        if isinstance(body.get("message"), str):
            parts.append(body["message"])
        if body.get("errors"):
            parts.append(_summarize_errors(body["errors"]))
    elif isinstance(body, str) and body.strip() and not body.lstrip().startswith("<"):
        # Plain-text bodies explain themselves; HTML error pages do not.
        parts.append(body.strip()[:500])
    if parts:
        return ": ".join(parts)
    try:
        return reason or HTTPStatus(status_code).phrase
    except ValueError:
        return f"HTTP {status_code}"


def _summarize_errors(errors: Any) -> str:
    """``{"name": ["Missing data."], "group": "bad"}`` → ``"name: Missing data.; group: bad"``."""
    if not isinstance(errors, dict):
        return str(errors)
    summary = []
    for field, problems in errors.items():
        if isinstance(problems, list):
            text = " ".join(str(p) for p in problems)
        elif isinstance(problems, dict):
            text = f"({_summarize_errors(problems)})"
        else:
            text = str(problems)
        summary.append(f"{field}: {text}")
    return "; ".join(summary)
