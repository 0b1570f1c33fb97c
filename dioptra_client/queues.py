"""``/queues``: the named lanes workers listen to."""

from __future__ import annotations

from ._base import JSON, ResourceCollectionClient, without_none


class QueuesCollectionClient(ResourceCollectionClient):
    """The client for Dioptra's ``/queues`` collection."""

    name = "queues"

    def get_by_id(self, queue_id: int | str) -> JSON:
        """Get one queue.

        Args:
            queue_id: The queue id.

        Raises:
            DioptraNotFoundError: No such queue, or not visible to the user (404).
        """
        return self._get_one(queue_id)

    def create(self, group_id: int, name: str, description: str | None = None) -> JSON:
        """Create a queue.

        Args:
            group_id: The id of the group that will own the queue.
            name: The queue name, unique within the group.
            description: A description.

        Returns:
            The new queue.

        Raises:
            DioptraConflictError: The name is taken in the group (409).
        """
        return self._create(without_none(group=group_id, name=name, description=description))

    def modify_by_id(self, queue_id: int | str, name: str, description: str | None) -> JSON:
        """Replace a queue's name and description (a new snapshot).

        Args:
            queue_id: The queue id.
            name: The new name.
            description: The new description; None removes it.

        Returns:
            The modified queue.
        """
        return self._modify(queue_id, without_none(name=name, description=description))

    def delete_by_id(self, queue_id: int | str) -> JSON:
        """Delete a queue.

        Args:
            queue_id: The queue id.

        Returns:
            ``{"status": "Success"}``.
        """
        return self._delete_one(queue_id)
