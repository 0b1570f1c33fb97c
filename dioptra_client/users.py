"""``/users``: registration, the user directory, the current user's account and
API tokens."""

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

    def modify_current_user(self, username: str, email: str) -> JSON:
        """Change the logged-in user's username and email.

        Args:
            username: The new username.
            email: The new email address.

        Returns:
            The user as Dioptra's CurrentUser.

        Raises:
            DioptraConflictError: Another user has that username or email (409).
        """
        return self._session.put(self.name, "current", json={"username": username, "email": email})

    def delete_current_user(self, password: str) -> JSON:
        """Delete the logged-in user's account; it can no longer log in.

        Args:
            password: The user's password, to confirm.

        Returns:
            ``{"status": "Success", "id": [user id]}``.

        Raises:
            DioptraAuthError: The password is wrong (401).
        """
        return self._session.delete(self.name, "current", json={"password": password})

    def change_current_user_password(self, old_password: str, new_password: str) -> JSON:
        """Change the logged-in user's password.

        Every session of the user ends, this client's too: log in again with
        the new password.

        Args:
            old_password: The current password.
            new_password: The new password.

        Returns:
            ``{"status": "Password Change Success"}``.

        Raises:
            DioptraForbiddenError: The old password is wrong, or the new one
                equals it (403).
        """
        return self._session.post(
            self.name, "current", "password", json=_password_change(old_password, new_password)
        )

    def change_password_by_id(
        self, user_id: int | str, old_password: str, new_password: str
    ) -> JSON:
        """Change a user's password, proven by the old one.

        Needs no login, so it renews an expired password (login answers 401
        "Password expired." until then). Every session of that user ends.

        Args:
            user_id: The user's id.
            old_password: The user's current password.
            new_password: The new password.

        Returns:
            ``{"status": "Password Change Success"}``.

        Raises:
            DioptraForbiddenError: The old password is wrong, or the new one
                equals it (403).
            DioptraAuthError: There is no such user (401).
        """
        return self._session.post(
            self.name, user_id, "password", json=_password_change(old_password, new_password)
        )

    # Personal API tokens (our extension) ----------------------------------------------

    def get_tokens(self, index: int = 0, page_length: int = 10) -> JSON:
        """Get one page of the logged-in user's API tokens, newest first.

        Args:
            index: The row offset of the page's first item.
            page_length: The number of items per page.

        Returns:
            The paging envelope; items are ``{id, name, prefix, createdOn,
            lastUsedOn, revokedOn, url}`` (never the secret).
        """
        params = {"index": index, "pageLength": page_length}
        return self._session.get(self.name, "current", "tokens", params=params)

    def create_token(self, name: str) -> JSON:
        """Create an API token for the logged-in user.

        Args:
            name: What the token is for, e.g. ``"nightly CI"``.

        Returns:
            The token, with its secret under ``"token"``: the only time it is
            shown. Pass it to ``connect_json_dioptra_client(address, token=...)``.
        """
        return self._session.post(self.name, "current", "tokens", json={"name": name})

    def revoke_token(self, token_id: int | str) -> JSON:
        """Revoke one of the logged-in user's API tokens; it stops working at once.

        Args:
            token_id: The token's id (not its secret).

        Returns:
            ``{"status": "Success", "id": [token id]}``.

        Raises:
            DioptraNotFoundError: The user has no token with that id (404).
        """
        return self._session.delete(self.name, "current", "tokens", token_id)


def _password_change(old_password: str, new_password: str) -> JSON:
    return {
        "oldPassword": old_password,
        "newPassword": new_password,
        "confirmNewPassword": new_password,
    }
