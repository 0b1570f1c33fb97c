"""Base classes shared by every collection client.

A *collection* is a top-level route such as ``/queues``; a *sub-collection* hangs
under one resource of a collection, such as ``/experiments/{id}/entrypoints``.
Resources added later (tags, plugins, jobs, artifacts, models) subclass
:class:`ResourceCollectionClient`; per-resource sub-routes (snapshots, tags,
drafts) subclass :class:`SubCollectionClient` and are exposed as properties of
their collection, the way ``experiments.entrypoints`` is.
"""

from __future__ import annotations

from typing import Any, ClassVar

from . import drafts
from ._session import DioptraSession

JSON = dict[str, Any]


def without_none(**fields: Any) -> JSON:
    """A JSON body holding only the fields that were given (not None).

    Dioptra treats an omitted optional field as null/empty, and refuses unknown
    keys, so optional fields are left out rather than sent as null.
    """
    return {key: value for key, value in fields.items() if value is not None}


# The routes whose resources have ``tags`` and ``snapshots`` sub-routes, as
# Dioptra serves them, by the names of their collection and sub-collection.
TAGGED_ROUTES = frozenset(
    {
        ("queues",),
        ("experiments",),
        ("entrypoints",),
        ("plugins",),
        ("plugins", "files"),
        ("pluginParameterTypes",),
        ("models",),
        ("jobs",),
    }
)
VERSIONED_ROUTES = TAGGED_ROUTES | {("artifacts",)}


class ResourceRoutes:
    """What collection and sub-collection clients share: the path of one of their
    resources, and that resource's ``tags`` and ``snapshots`` sub-collections
    where Dioptra has them (a client gets them by its route alone)."""

    name: ClassVar[str]
    _session: DioptraSession

    def _route(self) -> tuple[str, ...]:
        """The route names from the API root, e.g. ``("plugins", "files")``."""
        return (self.name,)

    def _resource_parts(self, *resource_ids: int | str) -> tuple[int | str, ...]:
        """Path segments of one resource, e.g. ``("plugins", 1, "files", 2)``."""
        if len(resource_ids) != 1:
            raise TypeError(f"/{self.name} resources are named by 1 id, not {len(resource_ids)}.")
        return (self.name, resource_ids[0])

    @property
    def tags(self) -> TagsSubCollectionClient:
        """The client for ``.../{id}/tags``: the tags of one resource."""
        if self._route() not in TAGGED_ROUTES:
            raise AttributeError(f"/{'/'.join(self._route())} resources have no tags.")
        return TagsSubCollectionClient(self._session, self)

    @property
    def snapshots(self) -> SnapshotsSubCollectionClient:
        """The client for ``.../{id}/snapshots``: the versions of one resource."""
        if self._route() not in VERSIONED_ROUTES:
            raise AttributeError(f"/{'/'.join(self._route())} resources have no snapshots.")
        return SnapshotsSubCollectionClient(self._session, self)


class CollectionClient(ResourceRoutes):
    """A client for one top-level API route, e.g. ``/queues``.

    Attributes:
        name: The route segment under ``/api/v1``.
    """

    name: ClassVar[str]

    def __init__(self, session: DioptraSession) -> None:
        self._session = session

    @property
    def url(self) -> str:
        """The absolute URL of the collection (no trailing slash)."""
        return self._session.build_url(self.name)


class SubCollectionClient(ResourceRoutes):
    """A client for a route under one resource, e.g. ``/experiments/{id}/entrypoints``.

    Attributes:
        name: The route segment after the parent resource id.
    """

    name: ClassVar[str]

    def __init__(self, session: DioptraSession, parent: CollectionClient) -> None:
        self._session = session
        self._parent = parent

    def _parts(self, parent_id: int | str, *rest: int | str) -> tuple[int | str, ...]:
        """Path segments ``(<parent>, parent_id, <name>, *rest)``."""
        return (self._parent.name, parent_id, self.name, *rest)

    def _route(self) -> tuple[str, ...]:
        return (*self._parent._route(), self.name)

    def _resource_parts(self, *resource_ids: int | str) -> tuple[int | str, ...]:
        """The parent's ids first, then this resource's, e.g. ``(plugin_id, file_id)``."""
        if not resource_ids:
            raise TypeError(f"/{'/'.join(self._route())} resources need their ids.")
        *parent_ids, resource_id = resource_ids
        return (*self._parent._resource_parts(*parent_ids), self.name, resource_id)

    def url(self, parent_id: int | str) -> str:
        """The absolute URL of this sub-collection under one parent resource.

        Args:
            parent_id: The id of the parent resource.
        """
        return self._session.build_url(*self._parts(parent_id))

    @property
    def new_resource_drafts(self) -> drafts.NewResourceDraftsSubCollectionClient:
        """``/{parent}/{id}/{name}/drafts`` (plugin files only): drafts of new ones."""
        return drafts.new_resource_drafts(self._session, f"{self._parent.name}/{self.name}")

    @property
    def modify_resource_drafts(self) -> drafts.ModifyResourceDraftsSubCollectionClient:
        """``/{parent}/{id}/{name}/{id}/draft`` (plugin files only): drafts of changes."""
        return drafts.modify_resource_drafts(self._session, f"{self._parent.name}/{self.name}")


class ResourceCollectionClient(CollectionClient):
    """A collection of group-owned, versioned resources (queues, entrypoints, ...).

    They share the list query of Dioptra's v1 API (paging, sorting, search,
    group filter) and the by-id routes; subclasses add ``create``,
    ``modify_by_id`` and public ``get_by_id``/``delete_by_id`` named after
    their resource.
    """

    def get(
        self,
        group_id: int | None = None,
        index: int = 0,
        page_length: int = 10,
        sort_by: str | None = None,
        descending: bool | None = None,
        search: str | None = None,
        show_deleted: bool | None = None,
    ) -> JSON:
        """Get one page of the collection.

        Args:
            group_id: Only resources owned by this group. None: all the user may see.
            index: The row offset of the page's first item.
            page_length: The number of items per page.
            sort_by: The field to sort by, e.g. ``"name"`` or ``"createdOn"``.
            descending: Sort in descending order.
            search: A query in Dioptra's search language, e.g. ``"name:mnist*"``.
            show_deleted: Include soft-deleted resources (newer servers only).

        Returns:
            The paging envelope: ``index``, ``isComplete``, ``totalNumResults``,
            ``first``, ``prev``/``next`` when they exist, and ``data``.
        """
        params = {
            "index": index,
            "pageLength": page_length,
            "sortBy": sort_by,
            "descending": descending,
            "search": search,
            "groupId": group_id,
            "showDeleted": show_deleted,
        }
        return self._session.get(self.name, params=params)

    def _get_one(self, resource_id: int | str) -> JSON:
        return self._session.get(self.name, resource_id)

    def _create(self, body: JSON, params: dict[str, Any] | None = None) -> JSON:
        return self._session.post(self.name, params=params, json=body)

    def _modify(
        self, resource_id: int | str, body: JSON, params: dict[str, Any] | None = None
    ) -> JSON:
        return self._session.put(self.name, resource_id, params=params, json=body)

    def _delete_one(self, resource_id: int | str) -> JSON:
        return self._session.delete(self.name, resource_id)

    @property
    def new_resource_drafts(self) -> drafts.NewResourceDraftsSubCollectionClient:
        """``/{name}/drafts``: the user's drafts of new resources (see drafts.py)."""
        return drafts.new_resource_drafts(self._session, self.name)

    @property
    def modify_resource_drafts(self) -> drafts.ModifyResourceDraftsSubCollectionClient:
        """``/{name}/{id}/draft``: the user's draft of changes to one resource."""
        return drafts.modify_resource_drafts(self._session, self.name)


class IdListSubCollectionClient(SubCollectionClient):
    """A sub-collection that holds a list of references to other resources by id.

    Dioptra spells these routes the same way everywhere
    (``/experiments/{id}/entrypoints``, ``/entrypoints/{id}/queues``, and the
    ``/tags`` sub-routes): GET lists, POST ``{"ids": [...]}`` appends, PUT
    ``{"ids": [...]}`` replaces, DELETE removes all, DELETE ``/{refId}`` removes one.
    """

    def _list(self, parent_id: int | str) -> list[JSON]:
        return self._session.get(*self._parts(parent_id))

    def _append(self, parent_id: int | str, ids: list[int]) -> list[JSON]:
        return self._session.post(*self._parts(parent_id), json={"ids": list(ids)})

    def _replace(self, parent_id: int | str, ids: list[int]) -> list[JSON]:
        return self._session.put(*self._parts(parent_id), json={"ids": list(ids)})

    def _remove_all(self, parent_id: int | str) -> JSON:
        return self._session.delete(*self._parts(parent_id))

    def _remove_one(self, parent_id: int | str, ref_id: int | str) -> JSON:
        return self._session.delete(*self._parts(parent_id, ref_id))


class TagsSubCollectionClient(SubCollectionClient):
    """The client for ``.../{id}/tags``: the tags attached to one resource, in the
    order they were attached. Its methods take the resource's ids first: one id,
    or ``plugin_id, file_id`` for a plugin file."""

    name = "tags"

    def _tags_parts(self, resource_ids: tuple[int | str, ...]) -> tuple[int | str, ...]:
        return (*self._parent._resource_parts(*resource_ids), self.name)

    def get(self, *resource_ids: int | str) -> list[JSON]:
        """The resource's tags (TagRefs ``{id, name, group, url}``)."""
        return self._session.get(*self._tags_parts(resource_ids))

    def modify(self, *resource_ids: int | str, ids: list[int]) -> list[JSON]:
        """Replace the resource's tags with these, in this order.

        Raises:
            DioptraNotFoundError: A tag does not exist or is not visible (404).
            DioptraForbiddenError: The user may read the resource but not change it (403).
        """
        return self._session.put(*self._tags_parts(resource_ids), json={"ids": list(ids)})

    def append(self, *resource_ids: int | str, ids: list[int]) -> list[JSON]:
        """Attach these tags after the others; tags already attached are ignored.

        Returns:
            All the resource's tags.
        """
        return self._session.post(*self._tags_parts(resource_ids), json={"ids": list(ids)})

    def remove(self, *resource_ids: int | str, tag_id: int) -> JSON:
        """Detach one tag.

        Returns:
            ``{"status": "Success", "id": [tag_id]}``.

        Raises:
            DioptraNotFoundError: The tag is not attached (404).
        """
        return self._session.delete(*self._tags_parts(resource_ids), tag_id)

    def remove_all(self, *resource_ids: int | str) -> JSON:
        """Detach every tag.

        Returns:
            ``{"status": "Success", "id": [the detached tag ids]}``.
        """
        return self._session.delete(*self._tags_parts(resource_ids))


class SnapshotsSubCollectionClient(SubCollectionClient):
    """The client for ``.../{id}/snapshots``: every saved version of one resource,
    oldest first. Its methods take the resource's ids first: one id, or
    ``plugin_id, file_id`` for a plugin file."""

    name = "snapshots"

    def _snapshots_parts(self, resource_ids: tuple[int | str, ...]) -> tuple[int | str, ...]:
        return (*self._parent._resource_parts(*resource_ids), self.name)

    def get(
        self,
        *resource_ids: int | str,
        index: int = 0,
        page_length: int = 10,
        search: str | None = None,
    ) -> JSON:
        """Get one page of the resource's snapshots.

        Args:
            *resource_ids: The resource's ids.
            index: The row offset of the page's first snapshot.
            page_length: The number of snapshots per page.
            search: A query over the fields the snapshots recorded, e.g. ``"name:old*"``.

        Returns:
            The paging envelope; ``data`` holds the resource as each snapshot shows it.
        """
        params = {"index": index, "pageLength": page_length, "search": search}
        return self._session.get(*self._snapshots_parts(resource_ids), params=params)

    def get_by_id(self, *resource_ids: int | str, snapshot_id: int) -> JSON:
        """Get the resource as one of its snapshots shows it.

        Raises:
            DioptraNotFoundError: No such snapshot of this resource (404).
        """
        return self._session.get(*self._snapshots_parts(resource_ids), snapshot_id)
