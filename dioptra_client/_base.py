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

from ._session import DioptraSession

JSON = dict[str, Any]


def without_none(**fields: Any) -> JSON:
    """A JSON body holding only the fields that were given (not None).

    Dioptra treats an omitted optional field as null/empty, and refuses unknown
    keys, so optional fields are left out rather than sent as null.
    """
    return {key: value for key, value in fields.items() if value is not None}


class CollectionClient:
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


class SubCollectionClient:
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

    def url(self, parent_id: int | str) -> str:
        """The absolute URL of this sub-collection under one parent resource.

        Args:
            parent_id: The id of the parent resource.
        """
        return self._session.build_url(*self._parts(parent_id))


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
