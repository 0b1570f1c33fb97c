"""The HTTP session every collection client talks through.

It keeps the login cookies, builds URLs under ``<address>/api/v1``, cleans query
parameters the way the server expects them, decodes JSON and turns error
answers into exceptions. Collection clients never touch ``requests`` directly.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import requests

from .errors import DioptraConnectionError, DioptraResponseError, error_for_status

API_ROOT = "api/v1"
DEFAULT_TIMEOUT = 30.0

Params = Mapping[str, Any]


class DioptraSession:
    """A cookie-keeping connection to one Dioptra API.

    Args:
        address: The web address of the server, without the ``/api/v1`` suffix,
            e.g. ``"http://localhost:8000"``.
        timeout: Seconds to wait for each answer.
        token: A personal API token, sent as ``Authorization: Token <token>`` with
            every request (our servers' extension); None to log in with a password.
    """

    def __init__(
        self, address: str, *, timeout: float = DEFAULT_TIMEOUT, token: str | None = None
    ) -> None:
        self.address = address.rstrip("/")
        self.url = f"{self.address}/{API_ROOT}"
        self.timeout = timeout
        self._http = requests.Session()
        if token:
            self._http.headers["Authorization"] = f"Token {token}"

    def build_url(self, *parts: str | int) -> str:
        """Join path parts under the API root, without a trailing slash.

        Args:
            *parts: Path segments, e.g. ``("experiments", 3, "entrypoints")``.

        Returns:
            The absolute URL, e.g. ``"http://host/api/v1/experiments/3/entrypoints"``.
        """
        return "/".join([self.url, *(str(part).strip("/") for part in parts)])

    def get(self, *parts: str | int, params: Params | None = None) -> Any:
        """Send a GET request and return the decoded JSON answer.

        Args:
            *parts: Path segments under the API root.
            params: Query parameters; None values are left out.

        Returns:
            The decoded JSON body.
        """
        return self.request("GET", *parts, params=params)

    def post(self, *parts: str | int, params: Params | None = None, json: Any = None) -> Any:
        """Send a POST request and return the decoded JSON answer.

        Args:
            *parts: Path segments under the API root.
            params: Query parameters; None values are left out.
            json: The JSON body; None sends no body.

        Returns:
            The decoded JSON body.
        """
        return self.request("POST", *parts, params=params, json=json)

    def put(self, *parts: str | int, params: Params | None = None, json: Any = None) -> Any:
        """Send a PUT request and return the decoded JSON answer.

        Args:
            *parts: Path segments under the API root.
            params: Query parameters; None values are left out.
            json: The JSON body; None sends no body.

        Returns:
            The decoded JSON body.
        """
        return self.request("PUT", *parts, params=params, json=json)

    def delete(self, *parts: str | int, params: Params | None = None, json: Any = None) -> Any:
        """Send a DELETE request and return the decoded JSON answer.

        Args:
            *parts: Path segments under the API root.
            params: Query parameters; None values are left out.
            json: The JSON body (DELETE /users/current carries one); None sends none.

        Returns:
            The decoded JSON body.
        """
        return self.request("DELETE", *parts, params=params, json=json)

    def request(
        self,
        method: str,
        *parts: str | int,
        params: Params | None = None,
        json: Any = None,
        data: Any = None,
        files: Any = None,
    ) -> Any:
        """Send a request and return the decoded JSON answer.

        Args:
            method: The HTTP method.
            *parts: Path segments under the API root.
            params: Query parameters; None values are left out, booleans sent as
                ``"true"``/``"false"``.
            json: The JSON body; None sends no body.
            data: Form fields, for a form or multipart body instead of JSON.
            files: File parts as ``requests`` takes them; with them the body is
                multipart.

        Returns:
            The decoded JSON body.

        Raises:
            DioptraHTTPError: A subclass matching the status, for any 4xx/5xx answer.
            DioptraConnectionError: The server could not be reached.
            DioptraResponseError: A successful answer was not JSON.
        """
        url = self.build_url(*parts)
        try:
            response = self._http.request(
                method,
                url,
                params=clean_params(params),
                json=json,
                data=data,
                files=files,
                timeout=self.timeout,
            )
        except requests.ConnectionError as exc:
            raise DioptraConnectionError(f"Cannot reach {url}: {exc}") from exc
        if response.status_code >= 400:
            raise error_for_status(response.status_code, _decode(response), response.reason)
        try:
            return response.json()
        except ValueError as exc:
            raise DioptraResponseError(
                f"{method} {url} answered {response.status_code} without JSON",
                status_code=response.status_code,
                body=response.text,
            ) from exc

    def download(
        self, *parts: str | int, output_path: str | os.PathLike, params: Params | None = None
    ) -> Path:
        """Send a GET request and write the answer's bytes to a file.

        Args:
            *parts: Path segments under the API root.
            output_path: Where to write the bytes; missing parent folders are made.
            params: Query parameters; None values are left out.

        Returns:
            The path written.

        Raises:
            DioptraHTTPError: A subclass matching the status, for any 4xx/5xx answer.
            DioptraConnectionError: The server could not be reached.
        """
        url = self.build_url(*parts)
        try:
            response = self._http.get(
                url, params=clean_params(params), timeout=self.timeout, stream=True
            )
        except requests.ConnectionError as exc:
            raise DioptraConnectionError(f"Cannot reach {url}: {exc}") from exc
        with response:
            if response.status_code >= 400:
                raise error_for_status(response.status_code, _decode(response), response.reason)
            path = Path(output_path)
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "wb") as file:
                for chunk in response.iter_content(chunk_size=1 << 16):
                    file.write(chunk)
        return path

    def close(self) -> None:
        """Close the underlying connections (the cookies are forgotten)."""
        self._http.close()


def clean_params(params: Params | None) -> dict[str, Any] | None:
    """Drop None values and spell booleans as the server's boolean parser accepts them.

    Args:
        params: Query parameters as given by a collection client.

    Returns:
        The parameters to send, or None when nothing is left.
    """
    if not params:
        return None
    cleaned: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        cleaned[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return cleaned or None


def _decode(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return response.text
