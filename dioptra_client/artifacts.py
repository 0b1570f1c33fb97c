"""``/artifacts``: the files jobs saved."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ._base import JSON, CollectionClient, without_none


class ArtifactsCollectionClient(CollectionClient):
    """The client for Dioptra's ``/artifacts`` collection.

    Artifacts are made by the jobs that save them; here they are listed,
    described and downloaded.
    """

    name = "artifacts"

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
        path = Path(output_dir or ".", file_stem)
        if file_type is not None:
            path = path.with_name(file_stem + {"zip": ".zip"}.get(file_type, ".tar.gz"))
        params: dict[str, Any] = {"fileType": file_type, "path": artifact_path}
        return self._session.download(
            self.name, artifact_id, "contents", output_path=path, params=params
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
