"""``/models``: named series of model versions, each made from an artifact."""

from __future__ import annotations

from ._base import JSON, ResourceCollectionClient, SubCollectionClient, without_none
from ._session import DioptraSession


class ModelVersionsSubCollectionClient(SubCollectionClient):
    """The client for ``/models/{id}/versions``."""

    name = "versions"

    def get(
        self,
        model_id: int | str,
        index: int = 0,
        page_length: int = 10,
        search: str | None = None,
    ) -> JSON:
        """Get one page of a model's versions, in version order.

        Args:
            model_id: The model id.
            index: The row offset of the page's first version.
            page_length: The number of versions per page.
            search: A query over the versions' ``description``.

        Raises:
            DioptraNotFoundError: No such model, or not visible to the user (404).
        """
        params = {"index": index, "pageLength": page_length, "search": search}
        return self._session.get(*self._parts(model_id), params=params)

    def get_by_id(self, model_id: int | str, version_number: int | str) -> JSON:
        """Get one version of a model.

        Args:
            model_id: The model id.
            version_number: The version number (1 is the first).

        Raises:
            DioptraNotFoundError: No such model or version (404).
        """
        return self._session.get(*self._parts(model_id, version_number))

    def create(
        self, model_id: int | str, artifact_id: int | str, description: str | None = None
    ) -> JSON:
        """Add the model's next version, made from an artifact.

        Args:
            model_id: The model id.
            artifact_id: The id of the artifact the version holds.
            description: A description of the version.

        Returns:
            The new version: ``model``, ``description``, ``versionNumber``,
            ``artifact``, ``createdOn``.

        Raises:
            DioptraNotFoundError: No such model or artifact visible to the user (404).
        """
        body = without_none(artifact=artifact_id, description=description)
        return self._session.post(*self._parts(model_id), json=body)

    def modify_by_id(
        self,
        model_id: int | str,
        version_number: int | str,
        description: str | None = None,
    ) -> JSON:
        """Replace a version's description.

        Args:
            model_id: The model id.
            version_number: The version number.
            description: The new description; None removes it.

        Returns:
            The changed version.
        """
        body = without_none(description=description)
        return self._session.put(*self._parts(model_id, version_number), json=body)


class ModelsCollectionClient(ResourceCollectionClient):
    """The client for Dioptra's ``/models`` collection (and ``models.versions``)."""

    name = "models"

    def __init__(self, session: DioptraSession) -> None:
        super().__init__(session)
        self._versions = ModelVersionsSubCollectionClient(session, self)

    @property
    def versions(self) -> ModelVersionsSubCollectionClient:
        """The client for ``/models/{id}/versions``."""
        return self._versions

    def get_by_id(self, model_id: int | str) -> JSON:
        """Get one model, with its version list and latest version.

        Raises:
            DioptraNotFoundError: No such model, or not visible to the user (404).
        """
        return self._get_one(model_id)

    def create(self, group_id: int, name: str, description: str | None = None) -> JSON:
        """Create a model (with no versions yet).

        Args:
            group_id: The id of the group that will own the model.
            name: The model name, unique within the group.
            description: A description.

        Raises:
            DioptraConflictError: The name is taken in the group (409).
        """
        return self._create(without_none(group=group_id, name=name, description=description))

    def modify_by_id(self, model_id: int | str, name: str, description: str | None) -> JSON:
        """Replace a model's name and description (a new snapshot).

        Args:
            model_id: The model id.
            name: The new name.
            description: The new description; None removes it.
        """
        return self._modify(model_id, without_none(name=name, description=description))

    def delete_by_id(self, model_id: int | str) -> JSON:
        """Delete a model.

        Returns:
            ``{"status": "Success"}``.
        """
        return self._delete_one(model_id)
