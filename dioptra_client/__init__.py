"""A Python client for Dioptra-compatible REST APIs (v1).

Usage::

    from dioptra_client import connect_json_dioptra_client

    client = connect_json_dioptra_client("http://localhost:8000")
    client.auth.login("alice", "secret")
    queue = client.queues.create(group_id=1, name="tensorflow-cpu")

The surface mirrors the official ``dioptra.client`` (method and argument
names), so code can switch between them. It depends only on ``requests``.
"""

from .client import DioptraClient, connect_json_dioptra_client
from .drafts import DraftFieldsValidationError
from .errors import (
    DioptraAuthError,
    DioptraClientError,
    DioptraConflictError,
    DioptraConnectionError,
    DioptraForbiddenError,
    DioptraHTTPError,
    DioptraNotFoundError,
    DioptraResponseError,
    DioptraServerError,
    DioptraValidationError,
)

__all__ = [
    "DioptraAuthError",
    "DioptraClient",
    "DioptraClientError",
    "DioptraConflictError",
    "DioptraConnectionError",
    "DioptraForbiddenError",
    "DioptraHTTPError",
    "DioptraNotFoundError",
    "DioptraResponseError",
    "DioptraServerError",
    "DioptraValidationError",
    "DraftFieldsValidationError",
    "connect_json_dioptra_client",
]
