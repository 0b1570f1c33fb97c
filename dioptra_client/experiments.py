"""``/experiments``: named containers of entrypoints and their jobs."""

from __future__ import annotations

from ._base import JSON, IdListSubCollectionClient, ResourceCollectionClient, without_none
from ._session import DioptraSession
from .jobs import ExperimentJobsSubCollectionClient


class ExperimentEntrypointsSubCollectionClient(IdListSubCollectionClient):
    """The client for ``/experiments/{id}/entrypoints``."""

    name = "entrypoints"

    def get(self, experiment_id: int | str) -> list[JSON]:
        """List the entrypoints that may run in the experiment.

        Args:
            experiment_id: The experiment id.

        Returns:
            A list of EntrypointRefs ``{id, name, group, url}``.
        """
        return self._list(experiment_id)

    def create(self, experiment_id: int | str, entrypoint_ids: list[int]) -> list[JSON]:
        """Add entrypoints to the experiment (keeps the ones already there).

        Args:
            experiment_id: The experiment id.
            entrypoint_ids: The ids of the entrypoints to add.

        Returns:
            The experiment's full list of EntrypointRefs.
        """
        return self._append(experiment_id, entrypoint_ids)

    def modify_by_id(self, experiment_id: int | str, entrypoint_ids: list[int]) -> list[JSON]:
        """Replace the experiment's entrypoints; an empty list removes them all.

        Args:
            experiment_id: The experiment id.
            entrypoint_ids: The ids of the entrypoints to keep.

        Returns:
            The experiment's full list of EntrypointRefs.
        """
        return self._replace(experiment_id, entrypoint_ids)

    def modify(self, experiment_id: int | str, entrypoint_ids: list[int]) -> list[JSON]:
        """Alias of :meth:`modify_by_id`: replace the experiment's entrypoints."""
        return self.modify_by_id(experiment_id, entrypoint_ids)

    def delete(self, experiment_id: int | str) -> JSON:
        """Remove every entrypoint from the experiment.

        Args:
            experiment_id: The experiment id.

        Returns:
            ``{"status": "Success", "id": [removed entrypoint ids]}``.
        """
        return self._remove_all(experiment_id)

    def delete_by_id(self, experiment_id: int | str, entrypoint_id: int | str) -> JSON:
        """Remove one entrypoint from the experiment.

        Args:
            experiment_id: The experiment id.
            entrypoint_id: The id of the entrypoint to remove.

        Returns:
            ``{"status": "Success", "id": [entrypoint_id]}``.

        Raises:
            DioptraNotFoundError: The entrypoint is not in the experiment (404).
        """
        return self._remove_one(experiment_id, entrypoint_id)


class ExperimentsCollectionClient(ResourceCollectionClient):
    """The client for Dioptra's ``/experiments`` collection."""

    name = "experiments"

    def __init__(self, session: DioptraSession) -> None:
        super().__init__(session)
        self._entrypoints = ExperimentEntrypointsSubCollectionClient(session, self)
        self._jobs = ExperimentJobsSubCollectionClient(session, self)

    @property
    def jobs(self) -> ExperimentJobsSubCollectionClient:
        """The client for ``/experiments/{id}/jobs``: submit and manage jobs."""
        return self._jobs

    @property
    def entrypoints(self) -> ExperimentEntrypointsSubCollectionClient:
        """The client for ``/experiments/{id}/entrypoints``."""
        return self._entrypoints

    def get_by_id(self, experiment_id: int | str) -> JSON:
        """Get one experiment.

        Args:
            experiment_id: The experiment id.

        Raises:
            DioptraNotFoundError: No such experiment, or not visible to the user (404).
        """
        return self._get_one(experiment_id)

    def create(
        self,
        group_id: int,
        name: str,
        description: str | None = None,
        entrypoints: list[int] | None = None,
    ) -> JSON:
        """Create an experiment.

        Args:
            group_id: The id of the group that will own the experiment.
            name: The experiment name, unique within the group.
            description: A description.
            entrypoints: Ids of the entrypoints that may run in the experiment.

        Returns:
            The new experiment.

        Raises:
            DioptraConflictError: The name is taken in the group (409).
            DioptraNotFoundError: An entrypoint or the group does not exist (404).
        """
        body = without_none(
            group=group_id, name=name, description=description, entrypoints=entrypoints
        )
        return self._create(body)

    def modify_by_id(
        self,
        experiment_id: int | str,
        name: str,
        description: str | None,
        entrypoints: list[int] | None,
    ) -> JSON:
        """Replace an experiment's name, description and entrypoints (a new snapshot).

        Args:
            experiment_id: The experiment id.
            name: The new name.
            description: The new description; None removes it.
            entrypoints: The new entrypoint ids; None or ``[]`` removes them all.

        Returns:
            The modified experiment.
        """
        body = without_none(name=name, description=description, entrypoints=entrypoints)
        return self._modify(experiment_id, body)

    def delete_by_id(self, experiment_id: int | str) -> JSON:
        """Delete an experiment.

        Args:
            experiment_id: The experiment id.

        Returns:
            ``{"status": "Success", "id": [experiment_id]}``.
        """
        return self._delete_one(experiment_id)

    def get_metrics_by_id(
        self,
        experiment_id: int | str,
        index: int = 0,
        page_length: int = 10,
        sort_by: str | None = None,
        descending: bool | None = None,
        search: str | None = None,
    ) -> JSON:
        """Get the latest metrics of the experiment's jobs, a page of jobs at a time.

        Returns:
            The paging envelope; each item is ``{"id": <job id>, "metrics": [{"name", "value"}]}``.
        """
        params = {
            "index": index,
            "pageLength": page_length,
            "sortBy": sort_by,
            "descending": descending,
            "search": search,
        }
        return self._session.get(self.name, experiment_id, "metrics", params=params)
