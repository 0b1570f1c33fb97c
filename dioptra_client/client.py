"""The client object and the function that connects it."""

from __future__ import annotations

import os
from types import TracebackType

from ._session import DioptraSession
from .artifacts import ArtifactsCollectionClient
from .auth import AuthCollectionClient
from .entrypoints import EntrypointsCollectionClient
from .experiments import ExperimentsCollectionClient
from .groups import GroupsCollectionClient
from .jobs import JobsCollectionClient
from .models import ModelsCollectionClient
from .plugin_parameter_types import PluginParameterTypesCollectionClient
from .plugins import PluginsCollectionClient
from .queues import QueuesCollectionClient
from .tags import TagsCollectionClient
from .users import UsersCollectionClient
from .workflows import WorkflowsCollectionClient

ENV_DIOPTRA_API = "DIOPTRA_API"
ENV_DIOPTRA_API_TOKEN = "DIOPTRA_API_TOKEN"
DEFAULT_ADDRESS = "http://localhost:8000"


class DioptraClient:
    """A client for a Dioptra-compatible REST API (v1).

    Every method returns the decoded JSON answer and raises a
    :class:`~dioptra_client.errors.DioptraClientError` subclass on any error status.
    Use it as a context manager to close its connections at the end.

    Args:
        session: The HTTP session to talk through.
    """

    def __init__(self, session: DioptraSession) -> None:
        self._session = session
        self._auth = AuthCollectionClient(session)
        self._users = UsersCollectionClient(session)
        self._groups = GroupsCollectionClient(session)
        self._queues = QueuesCollectionClient(session)
        self._entrypoints = EntrypointsCollectionClient(session)
        self._experiments = ExperimentsCollectionClient(session)
        self._plugins = PluginsCollectionClient(session)
        self._plugin_parameter_types = PluginParameterTypesCollectionClient(session)
        self._workflows = WorkflowsCollectionClient(session)
        self._jobs = JobsCollectionClient(session)
        self._artifacts = ArtifactsCollectionClient(session)
        self._tags = TagsCollectionClient(session)
        self._models = ModelsCollectionClient(session)

    @property
    def url(self) -> str:
        """The API root, e.g. ``"http://localhost:8000/api/v1"``."""
        return self._session.url

    @property
    def auth(self) -> AuthCollectionClient:
        """The client for ``/auth`` (login, logout)."""
        return self._auth

    @property
    def users(self) -> UsersCollectionClient:
        """The client for ``/users``."""
        return self._users

    @property
    def groups(self) -> GroupsCollectionClient:
        """The client for ``/groups``."""
        return self._groups

    @property
    def queues(self) -> QueuesCollectionClient:
        """The client for ``/queues``."""
        return self._queues

    @property
    def entrypoints(self) -> EntrypointsCollectionClient:
        """The client for ``/entrypoints``."""
        return self._entrypoints

    @property
    def experiments(self) -> ExperimentsCollectionClient:
        """The client for ``/experiments``."""
        return self._experiments

    @property
    def jobs(self) -> JobsCollectionClient:
        """The client for ``/jobs`` (submit jobs with ``experiments.jobs.create``)."""
        return self._jobs

    @property
    def artifacts(self) -> ArtifactsCollectionClient:
        """The client for ``/artifacts``."""
        return self._artifacts

    @property
    def models(self) -> ModelsCollectionClient:
        """The client for ``/models`` (and ``models.versions``)."""
        return self._models

    @property
    def tags(self) -> TagsCollectionClient:
        """The client for ``/tags`` (each resource client has its own ``tags`` too)."""
        return self._tags

    @property
    def plugins(self) -> PluginsCollectionClient:
        """The client for ``/plugins`` (and ``plugins.files``)."""
        return self._plugins

    @property
    def plugin_parameter_types(self) -> PluginParameterTypesCollectionClient:
        """The client for ``/pluginParameterTypes``."""
        return self._plugin_parameter_types

    @property
    def workflows(self) -> WorkflowsCollectionClient:
        """The client for ``/workflows`` (entrypoint validation, signature analysis)."""
        return self._workflows

    def close(self) -> None:
        """Close the client's connections."""
        self._session.close()

    def __enter__(self) -> DioptraClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def connect_json_dioptra_client(
    address: str | None = None, token: str | None = None
) -> DioptraClient:
    """Connect a client that returns JSON answers as Python dicts and lists.

    Args:
        address: The server's web address without the ``/api/v1`` suffix, e.g.
            ``"https://dioptra.example.org"``. None: the ``DIOPTRA_API``
            environment variable, else ``http://localhost:8000``.
        token: A personal API token (made on the server's "Your account" page or
            with ``client.users.create_token``), sent as ``Authorization: Token …``
            with every request. None: the ``DIOPTRA_API_TOKEN`` environment
            variable, if set.

    Returns:
        A client authenticated by the token, or, without one, not logged in
        yet: call ``client.auth.login(...)``.
    """
    if address is None:
        address = os.environ.get(ENV_DIOPTRA_API) or DEFAULT_ADDRESS
    if token is None:
        token = os.environ.get(ENV_DIOPTRA_API_TOKEN) or None
    return DioptraClient(DioptraSession(address, token=token))
