"""``/tags``: labels a group keeps for its resources.

Attach them to a resource through that resource's client, e.g.
``client.queues.tags.append(queue_id, ids=[tag_id])``.
"""

from __future__ import annotations

from ._base import JSON, CollectionClient


class TagsCollectionClient(CollectionClient):
    """The client for Dioptra's ``/tags`` collection."""

    name = "tags"

    def get(
        self,
        group_id: int | None = None,
        index: int = 0,
        page_length: int = 10,
        sort_by: str | None = None,
        descending: bool | None = None,
        search: str | None = None,
    ) -> JSON:
        """Get one page of the tags the user may see.

        Args:
            group_id: Only tags of this group.
            index: The row offset of the page's first tag.
            page_length: The number of tags per page.
            sort_by: ``"name"``, ``"createdOn"`` or ``"lastModifiedOn"``.
            descending: Sort in descending order.
            search: A query in Dioptra's search language, e.g. ``"name:mnist*"``.

        Returns:
            The paging envelope; ``data`` holds the tags.
        """
        params = {
            "index": index,
            "pageLength": page_length,
            "sortBy": sort_by,
            "descending": descending,
            "search": search,
            "groupId": group_id,
        }
        return self._session.get(self.name, params=params)

    def get_by_id(self, tag_id: int | str) -> JSON:
        """Get one tag.

        Raises:
            DioptraNotFoundError: No such tag, or not visible to the user (404).
        """
        return self._session.get(self.name, tag_id)

    def create(self, group_id: int, name: str) -> JSON:
        """Create a tag.

        Args:
            group_id: The id of the group that will own the tag.
            name: The tag name, unique within the group.

        Returns:
            The new tag.

        Raises:
            DioptraConflictError: The name is taken in the group (409).
        """
        return self._session.post(self.name, json={"group": group_id, "name": name})

    def modify_by_id(self, tag_id: int | str, name: str) -> JSON:
        """Rename a tag.

        Returns:
            The renamed tag.

        Raises:
            DioptraConflictError: The name is taken in the tag's group (409).
            DioptraForbiddenError: The user may read the tag but not change it (403).
        """
        return self._session.put(self.name, tag_id, json={"name": name})

    def delete_by_id(self, tag_id: int | str) -> JSON:
        """Delete a tag; it leaves every resource that carried it.

        Returns:
            ``{"status": "Success", "id": [tag_id]}``.
        """
        return self._session.delete(self.name, tag_id)

    def get_resources_for_tag(
        self,
        tag_id: int | str,
        resource_type: str | None = None,
        index: int = 0,
        page_length: int = 10,
    ) -> JSON:
        """Get one page of the resources carrying a tag.

        Args:
            tag_id: The tag id.
            resource_type: Only resources of this type, by Dioptra's internal name:
                ``queue``, ``experiment``, ``entry_point``, ``plugin``, ``plugin_file``,
                ``plugin_task_parameter_type``, ``job``, ``artifact`` or ``ml_model``.
            index: The row offset of the page's first resource.
            page_length: The number of resources per page.

        Returns:
            The paging envelope; ``data`` holds strings such as ``"/api/v1/queue/3"``.
        """
        params = {"index": index, "pageLength": page_length, "resourceType": resource_type}
        return self._session.get(self.name, tag_id, "resources", params=params)

    get_resources = get_resources_for_tag
