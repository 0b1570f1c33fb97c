"""Dioptra's error bodies.

- Application errors: ``{"error": <Dioptra class name>, "message": "<HTTP phrase> - <text>",
  "detail": {...}, "originating_path": "<path>?<query>"}``.
- Field validation (a request's shape, see parsing.py): ``{"errors": {<field>: [<message>]}}``
  (flask-accepts' body). Domain rules on valid input use the application body.
- Framework errors (401, 405, bad JSON): ``{"message": <werkzeug text>}``.
"""

from http import HTTPStatus

from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response

from experiments import errors as domain
from experiments.search import SearchParseError

UNAUTHORIZED_MESSAGE = (
    "The server could not verify that you are authorized to access the URL requested. "
    "You either supplied the wrong credentials (e.g. a bad password), or your browser "
    "doesn't understand how to supply the credentials required."
)
METHOD_NOT_ALLOWED_MESSAGE = "The method is not allowed for the requested URL."


class ApiError(Exception):
    """An application error the API raises itself (not a domain rule)."""

    status = 400
    error = "DioptraError"

    def __init__(self, message: str, *, detail: dict | None = None):
        super().__init__(message)
        self.message = message
        self.detail = detail or {}


class SortParameterValidationError(ApiError):
    error = "SortParameterValidationError"


class QueryParameterValidationError(ApiError):
    error = "QueryParameterValidationError"


class UserDoesNotExistError(ApiError):
    status = 401
    error = "UserDoesNotExistError"


class UserPasswordError(ApiError):
    status = 401
    error = "UserPasswordError"


class FieldErrors(Exception):
    """One or more request fields are invalid: ``{"errors": {field: [messages]}}``."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


# The class name Dioptra uses for each kind of domain error.
DIOPTRA_ERROR_NAMES = {
    domain.NotFoundError: "EntityDoesNotExistError",
    domain.ConflictError: "EntityExistsError",
    domain.UserNotInGroupError: "UserNotInGroupError",
    domain.ParameterTypeMismatchError: "EntrypointParameterTypeMismatchError",
    domain.InvalidInputError: "QueryParameterValidationError",
    SearchParseError: "SearchParseError",
}


def dioptra_error_name(error: domain.DomainError) -> str:
    for cls in type(error).__mro__:
        if cls in DIOPTRA_ERROR_NAMES:
            return DIOPTRA_ERROR_NAMES[cls]
    return type(error).__name__


def error_response(request, *, status: int, error: str, message: str, detail: dict) -> Response:
    return Response(
        {
            "error": error,
            "message": f"{HTTPStatus(status).phrase} - {message}",
            "detail": detail,
            "originating_path": f"{request.path}?{request.META.get('QUERY_STRING', '')}",
        },
        status=status,
    )


def dioptra_exception_handler(exc, context):
    request = context["request"]
    if isinstance(exc, FieldErrors):
        return Response({"errors": exc.errors}, status=400)
    if isinstance(exc, domain.DomainError):
        return error_response(
            request,
            status=exc.status,
            error=dioptra_error_name(exc),
            message=exc.message,
            detail=exc.detail,
        )
    if isinstance(exc, ApiError):
        return error_response(
            request, status=exc.status, error=exc.error, message=exc.message, detail=exc.detail
        )
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        return Response({"message": UNAUTHORIZED_MESSAGE}, status=401)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return Response({"message": METHOD_NOT_ALLOWED_MESSAGE}, status=405)
    if isinstance(exc, Http404):
        return Response({"message": "Not Found"}, status=404)
    if isinstance(exc, exceptions.APIException):
        return Response({"message": str(exc.detail)}, status=exc.status_code)
    return None
