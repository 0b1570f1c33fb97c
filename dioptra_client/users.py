"""``/users``: registration and the current user's account."""

from __future__ import annotations

from ._base import JSON, CollectionClient


class UsersCollectionClient(CollectionClient):
    """The client for Dioptra's ``/users`` collection."""

    name = "users"

    def get(self, index: int = 0, page_length: int = 10, search: str | None = None) -> JSON:
        """Get one page of users.

        Args:
            index: The row offset of the page's first item.
            page_length: The number of items per page.
            search: A query in Dioptra's search language (fields ``username``, ``email``).

        Returns:
            The paging envelope; items are ``{id, username, email}``.
        """
        params = {"index": index, "pageLength": page_length, "search": search}
        return self._session.get(self.name, params=params)

    def create(self, username: str, email: str, password: str) -> JSON:
        """Register a new user (no login needed); they join the ``public`` group.

        Args:
            username: The new username (unique).
            email: The new user's email address (unique).
            password: The new password.

        Returns:
            The new user as Dioptra's CurrentUser: ``id, username, email, groups,
            createdOn, lastModifiedOn, lastLoginOn, passwordExpiresOn``.

        Raises:
            DioptraConflictError: The username or email is taken (409).
        """
        body = {
            "username": username,
            "email": email,
            "password": password,
            "confirmPassword": password,
        }
        return self._session.post(self.name, json=body)

    def get_by_id(self, user_id: int | str) -> JSON:
        """Get one user's public record ``{id, username, email}``.

        Args:
            user_id: The user id.
        """
        return self._session.get(self.name, user_id)

    def get_current(self) -> JSON:
        """Get the logged-in user (CurrentUser, with ``groups``).

        Raises:
            DioptraAuthError: Not logged in (401).
        """
        return self._session.get(self.name, "current")
