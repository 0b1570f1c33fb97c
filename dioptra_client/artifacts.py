"""``/artifacts``: the files jobs saved."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ._base import JSON, CollectionClient, SnapshotsSubCollectionClient, without_none
from ._files import file_type_value, with_suffix
from ._session import DioptraSession


def _contents_params(file_type: Any, artifact_path: str | None) -> dict[str, Any]:
    value = None if file_type is None else file_type_value(file_type)
    return {"fileType": value, "path": artifact_path}


def _contents_path(output_dir, file_stem: str, file_type: Any) -> Path:
    name = file_stem if file_type is None else with_suffix(file_stem, file_type)
    return Path(output_dir or ".", name)


class ArtifactSnapshotsSubCollectionClient(SnapshotsSubCollectionClient):
    """The client for ``/artifacts/{id}/snapshots``: ``get``, ``get_by_id`` and
    ``get_contents`` of one snapshot."""

    def get_contents(
        self,
        artifact_id: int | str,
        artifact_snapshot_id: int | str,
        file_type: Any = None,
        artifact_path: str | None = None,
        output_dir: str | os.PathLike | None = None,
        file_stem: str = "contents",
    ) -> Path:
        """Download the artifact's contents as of one of its snapshots (the bytes a
        job saved never change; snapshots change the description and task).

        Arguments as :meth:`ArtifactsCollectionClient.get_contents`.

        Raises:
            DioptraNotFoundError: No such snapshot of the artifact, or the artifact
                was registered by URI only and has no stored contents (404).
        """
        return self._session.download(
            *self._parts(artifact_id, artifact_snapshot_id, "contents"),
            output_path=_contents_path(output_dir, file_stem, file_type),
            params=_contents_params(file_type, artifact_path),
        )


class ArtifactsCollectionClient(CollectionClient):
    """The client for Dioptra's ``/artifacts`` collection.

    Artifacts are made by the jobs that save them; here they are listed,
    described and downloaded.
    """

    name = "artifacts"

    def __init__(self, session: DioptraSession) -> None:
        super().__init__(session)
        self._snapshots = ArtifactSnapshotsSubCollectionClient(session, self)

    @property
    def snapshots(self) -> ArtifactSnapshotsSubCollectionClient:
        """The client for ``/artifacts/{id}/snapshots`` (and the contents of one)."""
        return self._snapshots

    def get(
        self,
        group_id: int | None = None,
        index: int = 0,
        page_length: int = 10,
        sort_by: str | None = None,
        descending: bool | None = None,
        search: str | None = None,
    ) -> JSON:
        """Get one page of the artifacts the user may see.

        Args:
            group_id: Only artifacts of this group.
            index: The row offset of the page's first artifact.
            page_length: The number of artifacts per page.
            sort_by: ``uri``, ``createdOn``, ``lastModifiedOn``, ``description`` or ``job``.
            descending: Sort in descending order.
            search: A query over ``artifactUri``, ``description`` and ``tag``.
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

    def get_by_id(self, artifact_id: int | str) -> JSON:
        """Get one artifact.

        Raises:
            DioptraNotFoundError: No such artifact, or not visible to the user (404).
        """
        return self._session.get(self.name, artifact_id)

    def create(
        self,
        group_id: int | str,
        job_id: int | str,
        artifact_uri: str,
        plugin_snapshot_id: int | str | None = None,
        task_id: int | str | None = None,
        description: str | None = None,
    ) -> JSON:
        """Register an artifact a job produced, by its URI.

        The server records the artifact without storing any contents (its
        workers store what jobs save themselves); its contents answer 404.

        Args:
            group_id: The job's group (an artifact belongs to its job's group).
            job_id: The job that produced the artifact; you must be able to change it.
            artifact_uri: A ``file:///...`` URI or an http(s) URL with an absolute,
                normalized path.
            plugin_snapshot_id: The plugin snapshot holding the artifact task that
                loads it; give it with ``task_id``.
            task_id: That artifact task's id.
            description: A description.

        Returns:
            The new artifact.

        Raises:
            DioptraValidationError: A bad URI, another group than the job's, or only
                one of ``plugin_snapshot_id`` and ``task_id`` (400).
            DioptraConflictError: The job already has an artifact with this URI (409).
        """
        body = without_none(
            group=int(group_id),
            job=int(job_id),
            artifactUri=artifact_uri,
            pluginSnapshotId=None if plugin_snapshot_id is None else int(plugin_snapshot_id),
            taskId=None if task_id is None else int(task_id),
            description=description,
        )
        return self._session.post(self.name, json=body)

    def modify_by_id(
        self,
        artifact_id: int | str,
        plugin_snapshot_id: int | None = None,
        task_id: int | None = None,
        description: str | None = None,
    ) -> JSON:
        """Replace the artifact's description and the artifact task that loads it.

        Args:
            artifact_id: The artifact id.
            plugin_snapshot_id: The plugin snapshot holding the artifact task;
                give it with ``task_id``. Both None: no task (download only).
            task_id: The artifact task's id.
            description: The new description; None removes it.

        Returns:
            The modified artifact (a new snapshot).
        """
        body = without_none(
            pluginSnapshotId=plugin_snapshot_id, taskId=task_id, description=description
        )
        return self._session.put(self.name, artifact_id, json=body)

    def get_files(self, artifact_id: int | str) -> list[JSON]:
        """List the artifact's files: ``[{"relativePath", "isDir", "fileSize", "fileUrl"}]``."""
        return self._session.get(self.name, artifact_id, "files")

    def get_contents(
        self,
        artifact_id: int | str,
        file_type: str | None = None,
        artifact_path: str | None = None,
        output_dir: str | os.PathLike | None = None,
        file_stem: str = "contents",
    ) -> Path:
        """Download the artifact's contents to a file.

        Args:
            artifact_id: The artifact id.
            file_type: For a directory artifact, the archive to get: ``"tar_gz"``
                (the default) or ``"zip"``. None for a file artifact.
            artifact_path: For a directory artifact, one file or folder inside it.
            output_dir: The folder to write to. None: the current folder.
            file_stem: The downloaded file's name, without suffix (``.tar.gz`` or
                ``.zip`` is added for archives).

        Returns:
            The path of the downloaded file.
        """
        return self._session.download(
            self.name,
            artifact_id,
            "contents",
            output_path=_contents_path(output_dir, file_stem, file_type),
            params=_contents_params(file_type, artifact_path),
        )

    def download(
        self, artifact_id: int | str, output_path: str | os.PathLike, **params: Any
    ) -> Path:
        """Download the artifact's contents to ``output_path``.

        Args:
            artifact_id: The artifact id.
            output_path: The file to write.
            **params: ``fileType`` or ``path`` for a directory artifact.
        """
        return self._session.download(
            self.name, artifact_id, "contents", output_path=output_path, params=params
        )
