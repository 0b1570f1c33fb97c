"""``/auth``: logging in and out."""

from __future__ import annotations

from ._base import JSON, CollectionClient


class AuthCollectionClient(CollectionClient):
    """The client for Dioptra's ``/auth`` routes."""

    name = "auth"

    def login(self, username: str, password: str) -> JSON:
        """Log in; the session keeps the cookie for every later call.

        Args:
            username: The account's username.
            password: The account's password.

        Returns:
            ``{"username": ..., "status": "Login successful"}``.

        Raises:
            DioptraAuthError: Unknown user or wrong password (401).
        """
        return self._session.post(
            self.name, "login", json={"username": username, "password": password}
        )

    def logout(self, everywhere: bool = False) -> JSON:
        """Log out.

        Args:
            everywhere: Also end every other session of this user.

        Returns:
            ``{"username": ..., "everywhere": bool, "status": "Logout successful"}``.
        """
        return self._session.post(self.name, "logout", params={"everywhere": everywhere})
