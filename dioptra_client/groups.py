"""``/groups``: read-only, as in Dioptra's v1 API."""

from __future__ import annotations

from ._base import JSON, CollectionClient


class GroupsCollectionClient(CollectionClient):
    """The client for Dioptra's ``/groups`` collection."""

    name = "groups"

    def get(self, index: int = 0, page_length: int = 10, search: str | None = None) -> JSON:
        """Get one page of groups.

        Args:
            index: The row offset of the page's first item.
            page_length: The number of items per page.
            search: A query in Dioptra's search language (field ``name``).

        Returns:
            The paging envelope; items are groups with ``id, name, user, members,
            createdOn, lastModifiedOn``.
        """
        params = {"index": index, "pageLength": page_length, "search": search}
        return self._session.get(self.name, params=params)

    def get_by_id(self, group_id: int | str) -> JSON:
        """Get one group.

        Args:
            group_id: The group id.

        Raises:
            DioptraNotFoundError: No such group (404).
        """
        return self._session.get(self.name, group_id)
