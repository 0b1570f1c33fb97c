"""``/groups``: Dioptra's read-only routes, plus our extensions to create,
rename and delete groups and manage their members."""

from __future__ import annotations

from ._base import JSON, CollectionClient, SubCollectionClient
from ._session import DioptraSession


def _permissions(**flags: bool | None) -> JSON:
    """The permissions object, with only the flags that were given."""
    names = {"share_read": "shareRead", "share_write": "shareWrite"}
    return {names.get(flag, flag): value for flag, value in flags.items() if value is not None}


class GroupMembersSubCollectionClient(SubCollectionClient):
    """The client for ``/groups/{id}/members`` (our extension).

    Members are ``{user, group, permissions}`` with the permissions ``read``,
    ``write``, ``shareRead``, ``shareWrite``, ``owner`` and ``admin``. Only a
    group's owners and admins change its members.
    """

    name = "members"

    def get(self, group_id: int | str) -> list[JSON]:
        """Get every member of a group.

        Args:
            group_id: The group id.
        """
        return self._session.get(*self._parts(group_id))

    def get_by_id(self, group_id: int | str, user_id: int | str) -> JSON:
        """Get one member of a group.

        Args:
            group_id: The group id.
            user_id: The member's user id.

        Raises:
            DioptraNotFoundError: The user is not a member (404).
        """
        return self._session.get(*self._parts(group_id, user_id))

    def add(
        self,
        group_id: int | str,
        user_id: int,
        read: bool | None = None,
        write: bool | None = None,
        share_read: bool | None = None,
        share_write: bool | None = None,
        owner: bool | None = None,
        admin: bool | None = None,
    ) -> JSON:
        """Add a user to a group. Permissions not given are off, except ``read``.

        Args:
            group_id: The group id.
            user_id: The id of the user to add.
            read, write, share_read, share_write, owner, admin: The member's permissions.

        Returns:
            The new member.

        Raises:
            DioptraForbiddenError: The caller does not manage the group (403).
            DioptraConflictError: The user is already a member (409).
        """
        body: JSON = {"user": user_id}
        permissions = _permissions(
            read=read,
            write=write,
            share_read=share_read,
            share_write=share_write,
            owner=owner,
            admin=admin,
        )
        if permissions:
            body["permissions"] = permissions
        return self._session.post(*self._parts(group_id), json=body)

    def modify(
        self,
        group_id: int | str,
        user_id: int | str,
        read: bool | None = None,
        write: bool | None = None,
        share_read: bool | None = None,
        share_write: bool | None = None,
        owner: bool | None = None,
        admin: bool | None = None,
    ) -> JSON:
        """Change a member's permissions; those not given stay as they are.

        Args:
            group_id: The group id.
            user_id: The member's user id.
            read, write, share_read, share_write, owner, admin: The permissions to set.

        Returns:
            The member as changed.

        Raises:
            DioptraForbiddenError: The caller does not manage the group (403).
            DioptraValidationError: The group would be left without an owner (400).
        """
        permissions = _permissions(
            read=read,
            write=write,
            share_read=share_read,
            share_write=share_write,
            owner=owner,
            admin=admin,
        )
        return self._session.put(*self._parts(group_id, user_id), json={"permissions": permissions})

    def remove(self, group_id: int | str, user_id: int | str) -> JSON:
        """Remove a member from a group.

        Args:
            group_id: The group id.
            user_id: The member's user id.

        Returns:
            ``{"status": "Success", "id": [user id]}``.

        Raises:
            DioptraForbiddenError: The caller does not manage the group (403).
            DioptraValidationError: The group would be left without an owner (400).
        """
        return self._session.delete(*self._parts(group_id, user_id))


class GroupsCollectionClient(CollectionClient):
    """The client for Dioptra's ``/groups`` collection."""

    name = "groups"

    def __init__(self, session: DioptraSession) -> None:
        super().__init__(session)
        self._members = GroupMembersSubCollectionClient(session, self)

    @property
    def members(self) -> GroupMembersSubCollectionClient:
        """The client for ``/groups/{id}/members``."""
        return self._members

    def get(self, index: int = 0, page_length: int = 10, search: str | None = None) -> JSON:
        """Get one page of the groups the user belongs to.

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
            DioptraNotFoundError: No such group, or the user is not in it (404).
        """
        return self._session.get(self.name, group_id)

    def create(self, name: str) -> JSON:
        """Create a group (our extension); the caller becomes its owner and admin.

        Args:
            name: The group's name, unique among all groups.

        Returns:
            The new group.

        Raises:
            DioptraConflictError: The name is taken (409).
        """
        return self._session.post(self.name, json={"name": name})

    def modify_by_id(self, group_id: int | str, name: str) -> JSON:
        """Rename a group (its owners and admins).

        Args:
            group_id: The group id.
            name: The new name.

        Returns:
            The renamed group.

        Raises:
            DioptraForbiddenError: The caller does not manage the group (403).
            DioptraConflictError: The name is taken, or the group is ``public`` (409).
        """
        return self._session.put(self.name, group_id, json={"name": name})

    def delete_by_id(self, group_id: int | str) -> JSON:
        """Delete a group that owns no resources (its owners and admins).

        Args:
            group_id: The group id.

        Returns:
            ``{"status": "Success", "id": [group id]}``.

        Raises:
            DioptraForbiddenError: The caller does not manage the group (403).
            DioptraConflictError: The group still owns resources, or is ``public`` (409).
        """
        return self._session.delete(self.name, group_id)
