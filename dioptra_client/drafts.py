"""Drafts: unsaved new resources and changes, private to the user who made them.

Every resource client with drafts has two sub-clients, named as in Dioptra's
own client::

    # /queues/drafts: drafts of queues not created yet
    draft = client.queues.new_resource_drafts.create(group_id=1, name="q", description=None)
    client.queues.new_resource_drafts.modify(draft_id=draft["id"], name="q2", description=None)

    # /queues/{id}/draft: the user's draft of changes to one queue
    client.queues.modify_resource_drafts.create(queue_id, name="renamed", description=None)
    client.queues.modify_resource_drafts.modify(
        queue_id, resource_snapshot_id=snapshot_id, name="renamed", description=None
    )

    client.workflows.commit_draft(draft["id"])

Plugin files have theirs under their plugin (``client.plugins.files.new_resource_drafts
.create(plugin_id, ...)``). As Dioptra's client does, a draft must give exactly
the resource's draft fields (``DRAFT_FIELDS``); snake_case names such as
``task_graph`` are sent in camelCase.
"""

from __future__ import annotations

import warnings
from typing import Any

from ._session import DioptraSession
from .errors import DioptraClientError

JSON = dict[str, Any]

_NAMED = frozenset({"name", "description"})
_ENTRYPOINT_CHANGES = frozenset(
    {
        "name",
        "description",
        "taskGraph",
        "artifactGraph",
        "parameters",
        "artifactParameters",
        "queues",
    }
)
# route -> (fields of a new-resource draft, fields of a change draft)
DRAFT_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "queues": (_NAMED, _NAMED),
    "experiments": (_NAMED | {"entrypoints"}, _NAMED | {"entrypoints"}),
    "entrypoints": (_ENTRYPOINT_CHANGES | {"plugins", "artifactPlugins"}, _ENTRYPOINT_CHANGES),
    "plugins": (_NAMED, _NAMED),
    "plugins/files": (
        frozenset({"filename", "contents", "tasks", "description"}),
        frozenset({"filename", "contents", "tasks", "description"}),
    ),
    "pluginParameterTypes": (_NAMED | {"structure"}, _NAMED | {"structure"}),
    "models": (_NAMED, _NAMED),
}


class DraftFieldsValidationError(DioptraClientError):
    """A draft was given other fields than its resource's draft fields."""


def _camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word[:1].upper() + word[1:] for word in rest)


def draft_body(fields: JSON, allowed: frozenset[str], route: str) -> JSON:
    """The fields in camelCase, if they are exactly the ``allowed`` draft fields."""
    body: JSON = {}
    for key, value in fields.items():
        camel = _camel_case(key)
        if camel in body:
            raise DraftFieldsValidationError(f"{key!r} repeats the draft field {camel!r}.")
        body[camel] = value
    invalid, missing = set(body) - allowed, allowed - set(body)
    if invalid or missing:
        reasons = [f"{sorted(invalid)} are invalid"] if invalid else []
        reasons += [f"{sorted(missing)} are missing"] if missing else []
        raise DraftFieldsValidationError(
            f"Invalid or missing fields for a draft of {route} ({', '.join(reasons)})."
        )
    return body


class _DraftsClient:
    def __init__(self, session: DioptraSession, route: str, fields: frozenset[str]) -> None:
        self._session = session
        self._route = route
        self._segments = route.split("/")  # e.g. ["plugins", "files"]
        self._fields = fields

    def _path(self, resource_ids: tuple[int | str, ...], expected: int, *tail: str | int) -> list:
        """``<segment>/<id>/<segment>...`` with one id after each of the first ``expected``
        segments, then ``tail``."""
        if len(resource_ids) != expected:
            raise TypeError(
                f"Drafts of {self._route} take {expected} resource id(s), not {len(resource_ids)}."
            )
        parts: list[str | int] = []
        for position, segment in enumerate(self._segments):
            parts.append(segment)
            if position < expected:
                parts.append(resource_ids[position])
        return [*parts, *tail]


class NewResourceDraftsSubCollectionClient(_DraftsClient):
    """``/{collection}/drafts``: the user's drafts of resources not created yet.

    The ``*resource_ids`` are those of the parents: none for top-level
    resources, the plugin id for plugin files.
    """

    name = "drafts"

    def _parts(self, resource_ids: tuple[int | str, ...], *tail: str | int) -> list:
        return self._path(resource_ids, len(self._segments) - 1, self.name, *tail)

    def get(
        self,
        *resource_ids: int | str,
        draft_type: str | None = None,
        group_id: int | None = None,
        index: int = 0,
        page_length: int = 10,
    ) -> JSON:
        """Get one page of the user's drafts of this resource type.

        Args:
            *resource_ids: The parent ids (the plugin id for plugin files).
            draft_type: ``"all"`` (default), ``"new"`` or ``"existing"`` (change drafts).
            group_id: Only drafts for this group.
            index: The row offset of the page's first item.
            page_length: The number of items per page.

        Returns:
            The paging envelope; ``data`` holds the drafts.
        """
        params = {
            "index": index,
            "pageLength": page_length,
            "groupId": group_id,
            "draftType": draft_type,
        }
        return self._session.get(*self._parts(resource_ids), params=params)

    def get_by_id(self, *resource_ids: int | str, draft_id: int) -> JSON:
        """Get one of the user's drafts.

        Raises:
            DioptraNotFoundError: No such draft of the user's (404).
        """
        return self._session.get(*self._parts(resource_ids, draft_id))

    def create(self, *resource_ids: int | str, group_id: int | None = None, **fields: Any) -> JSON:
        """Start a draft of a new resource.

        Args:
            *resource_ids: The parent ids (the plugin id for plugin files).
            group_id: The group that will own the resource (not for plugin files,
                which belong to their plugin's group).
            **fields: Exactly the resource's draft fields, as for its ``create``.

        Returns:
            The draft (``resource`` and ``resourceSnapshot`` are null).

        Raises:
            DraftFieldsValidationError: Other fields than the draft fields were given.
            DioptraValidationError: A field's value is invalid (400).
        """
        if "group" in fields:
            raise DraftFieldsValidationError("Give the group as group_id, not as a field.")
        body = draft_body(fields, self._fields, self._route)
        if len(self._segments) == 1:
            if group_id is None:
                raise DraftFieldsValidationError(f"A draft of {self._route} needs a group_id.")
            body = {"group": group_id, **body}
        elif group_id is not None:
            warnings.warn(
                f"group_id is ignored: drafts of {self._route} belong to their parent's group.",
                stacklevel=2,
            )
        return self._session.post(*self._parts(resource_ids), json=body)

    def modify(self, *resource_ids: int | str, draft_id: int, **fields: Any) -> JSON:
        """Replace a draft's fields (exactly the draft fields, without the group)."""
        body = draft_body(fields, self._fields, self._route)
        return self._session.put(*self._parts(resource_ids, draft_id), json=body)

    def delete(self, *resource_ids: int | str, draft_id: int) -> JSON:
        """Delete a draft.

        Returns:
            ``{"status": "Success", "id": [draft_id]}``.
        """
        return self._session.delete(*self._parts(resource_ids, draft_id))


class ModifyResourceDraftsSubCollectionClient(_DraftsClient):
    """``/{collection}/{id}/draft``: the user's draft of changes to one resource
    (one per user and resource).

    The ``*resource_ids`` are the resource's id, after its parents' (plugin id,
    file id for plugin files).
    """

    name = "draft"

    def _parts(self, resource_ids: tuple[int | str, ...]) -> list:
        return self._path(resource_ids, len(self._segments), self.name)

    def get_by_id(self, *resource_ids: int | str) -> JSON:
        """Get the user's draft of changes to the resource.

        Returns:
            The draft: ``resource`` is the resource id, ``resourceSnapshot`` the
            snapshot the changes are based on, ``metadata.num_other_drafts`` how
            many other users have a draft of it.

        Raises:
            DioptraNotFoundError: The user has no draft of it, or no such resource (404).
        """
        return self._session.get(*self._parts(resource_ids))

    def create(self, *resource_ids: int | str, **fields: Any) -> JSON:
        """Start a draft of changes, based on the resource's latest snapshot.

        Raises:
            DraftFieldsValidationError: Other fields than the draft fields were given.
            DioptraValidationError: The user already has a draft of it (400).
            DioptraForbiddenError: The user may read the resource but not change it (403).
        """
        body = draft_body(fields, self._fields, self._route)
        return self._session.post(*self._parts(resource_ids), json=body)

    def modify(
        self, *resource_ids: int | str, resource_snapshot_id: int | str, **fields: Any
    ) -> JSON:
        """Replace the draft's changes and base them on ``resource_snapshot_id``.

        Moving the base to the resource's latest snapshot is how a draft
        refused at commit (the resource changed meanwhile) is made committable.

        Raises:
            DioptraValidationError: The snapshot is older than the draft's base (400).
        """
        body = {
            "resourceSnapshot": int(resource_snapshot_id),
            "resourceData": draft_body(fields, self._fields, self._route),
        }
        return self._session.put(*self._parts(resource_ids), json=body)

    def delete(self, *resource_ids: int | str) -> JSON:
        """Delete the user's draft of changes to the resource.

        Returns:
            ``{"status": "Success", "id": [draft id]}``.
        """
        return self._session.delete(*self._parts(resource_ids))


def _fields_of(route: str) -> tuple[frozenset[str], frozenset[str]]:
    if route not in DRAFT_FIELDS:
        # An AttributeError, so hasattr(client.jobs, "new_resource_drafts") is False.
        raise AttributeError(f"Dioptra keeps no drafts of {route}.")
    return DRAFT_FIELDS[route]


def new_resource_drafts(
    session: DioptraSession, route: str
) -> NewResourceDraftsSubCollectionClient:
    """The new-resource drafts client of a route such as ``queues`` or ``plugins/files``."""
    return NewResourceDraftsSubCollectionClient(session, route, _fields_of(route)[0])


def modify_resource_drafts(
    session: DioptraSession, route: str
) -> ModifyResourceDraftsSubCollectionClient:
    """The change drafts client of a route such as ``queues`` or ``plugins/files``."""
    return ModifyResourceDraftsSubCollectionClient(session, route, _fields_of(route)[1])
