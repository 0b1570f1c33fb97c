"""``/plugins``: packages of Python files, and the tasks their files register."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ._base import (
    JSON,
    ResourceCollectionClient,
    SnapshotsSubCollectionClient,
    SubCollectionClient,
    without_none,
)
from ._files import file_type_value, with_suffix
from ._session import DioptraSession


def _file_body(
    filename: str,
    contents: str,
    function_tasks: list[dict[str, Any]] | None,
    artifact_tasks: list[dict[str, Any]] | None,
    description: str | None,
) -> JSON:
    tasks = without_none(functions=function_tasks, artifacts=artifact_tasks)
    return without_none(filename=filename, contents=contents, tasks=tasks, description=description)


class PluginFilesSubCollectionClient(SubCollectionClient):
    """The client for ``/plugins/{id}/files``.

    A function task registration looks like::

        {"name": "hello_world",
         "inputParams": [{"name": "name", "parameterType": STRING_TYPE_ID, "required": True}],
         "outputParams": [{"name": "greeting", "parameterType": STRING_TYPE_ID}]}

    and an artifact task (a handler class) like ``{"name": ..., "outputParams": [...]}``.
    """

    name = "files"

    def get(
        self,
        plugin_id: int | str,
        index: int = 0,
        page_length: int = 10,
        sort_by: str | None = None,
        descending: bool | None = None,
        search: str | None = None,
    ) -> JSON:
        """Get one page of the plugin's files.

        Args:
            plugin_id: The plugin id.
            index: The row offset of the page's first item.
            page_length: The number of items per page.
            sort_by: ``"filename"``, ``"createdOn"``, ``"lastModifiedOn"`` or ``"description"``.
            descending: Sort in descending order.
            search: A query in Dioptra's search language, e.g. ``"contents:*torch*"``.

        Returns:
            The paging envelope; ``data`` holds the files.
        """
        params = {
            "index": index,
            "pageLength": page_length,
            "sortBy": sort_by,
            "descending": descending,
            "search": search,
        }
        return self._session.get(*self._parts(plugin_id), params=params)

    def get_by_id(self, plugin_id: int | str, plugin_file_id: int | str) -> JSON:
        """Get one file of a plugin, with its contents and tasks.

        Raises:
            DioptraNotFoundError: No such plugin or file, or not visible (404).
        """
        return self._session.get(*self._parts(plugin_id, plugin_file_id))

    def create(
        self,
        plugin_id: int | str,
        filename: str,
        contents: str,
        function_tasks: list[dict[str, Any]] | None = None,
        artifact_tasks: list[dict[str, Any]] | None = None,
        description: str | None = None,
    ) -> JSON:
        """Add a Python file to a plugin, registering its tasks (a new plugin snapshot).

        Args:
            plugin_id: The plugin id.
            filename: A relative path ending in ``.py``, e.g. ``"attacks/fgsm.py"``.
            contents: The Python source.
            function_tasks: The function tasks the file registers.
            artifact_tasks: The artifact handler classes the file registers.
            description: A description.

        Returns:
            The new file.

        Raises:
            DioptraConflictError: The plugin already has a file of that name (409).
            DioptraNotFoundError: A parameter type id does not exist (404).
            DioptraValidationError: A bad filename or task name, or a task name used twice (400).
        """
        body = _file_body(filename, contents, function_tasks, artifact_tasks, description)
        return self._session.post(*self._parts(plugin_id), json=body)

    def modify_by_id(
        self,
        plugin_id: int | str,
        plugin_file_id: int | str,
        filename: str,
        contents: str,
        function_tasks: list[dict[str, Any]] | None = None,
        artifact_tasks: list[dict[str, Any]] | None = None,
        description: str | None = None,
    ) -> JSON:
        """Replace a file's name, source and task registrations (new file and plugin snapshots).

        Arguments as for :meth:`create`; omitted tasks are unregistered.

        Returns:
            The modified file.
        """
        body = _file_body(filename, contents, function_tasks, artifact_tasks, description)
        return self._session.put(*self._parts(plugin_id, plugin_file_id), json=body)

    def delete_by_id(self, plugin_id: int | str, plugin_file_id: int | str) -> JSON:
        """Remove one file from a plugin.

        Returns:
            ``{"status": "Success", "id": [plugin_file_id]}``.
        """
        return self._session.delete(*self._parts(plugin_id, plugin_file_id))

    def delete_all(self, plugin_id: int | str) -> JSON:
        """Remove every file of a plugin.

        Returns:
            ``{"status": "Success", "id": [removed file ids]}``.
        """
        return self._session.delete(*self._parts(plugin_id))


class PluginSnapshotsSubCollectionClient(SnapshotsSubCollectionClient):
    """The client for ``/plugins/{id}/snapshots`` (``get``, ``get_by_id``,
    ``get_files_bundle``)."""

    def get_files_bundle(
        self,
        plugin_id: int | str,
        plugin_snapshot_id: int | str,
        file_type: Any = "tar_gz",
        output_dir: str | os.PathLike | None = None,
        file_stem: str = "task-plugins",
    ) -> Path:
        """Download the files of one plugin snapshot as an archive.

        The archive holds ``<plugin name>/<filename>`` for each file, as that
        snapshot recorded it, and ``manifest.json`` listing the files, their
        snapshot ids and the tasks each registers.

        Args:
            plugin_id: The plugin id.
            plugin_snapshot_id: One of its snapshot ids.
            file_type: ``"tar_gz"`` (the default) or ``"zip"`` (or Dioptra's ``FileTypes``).
            output_dir: The folder to write to. None: the current folder.
            file_stem: The file name without its suffix.

        Returns:
            The path of the downloaded archive.

        Raises:
            DioptraNotFoundError: No such plugin or snapshot of it (404).
        """
        path = Path(output_dir or ".", with_suffix(file_stem, file_type))
        return self._session.download(
            *self._parts(plugin_id, plugin_snapshot_id, "files", "bundle"),
            output_path=path,
            params={"fileType": file_type_value(file_type)},
        )


class PluginsCollectionClient(ResourceCollectionClient):
    """The client for Dioptra's ``/plugins`` collection."""

    name = "plugins"

    def __init__(self, session: DioptraSession) -> None:
        super().__init__(session)
        self._files = PluginFilesSubCollectionClient(session, self)
        self._snapshots = PluginSnapshotsSubCollectionClient(session, self)

    @property
    def files(self) -> PluginFilesSubCollectionClient:
        """The client for ``/plugins/{id}/files``."""
        return self._files

    @property
    def snapshots(self) -> PluginSnapshotsSubCollectionClient:
        """The client for ``/plugins/{id}/snapshots`` (and their file bundles)."""
        return self._snapshots

    def get_by_id(self, plugin_id: int | str) -> JSON:
        """Get one plugin, with references to its files and their tasks.

        Raises:
            DioptraNotFoundError: No such plugin, or not visible to the user (404).
        """
        return self._get_one(plugin_id)

    def create(self, group_id: int, name: str, description: str | None = None) -> JSON:
        """Create a plugin (without files; add them with ``plugins.files.create``).

        Args:
            group_id: The id of the group that will own the plugin.
            name: The plugin name: letters, digits and underscores, unique in the group.
            description: A description.

        Returns:
            The new plugin.

        Raises:
            DioptraConflictError: The name is taken in the group (409).
            DioptraValidationError: The name is not an identifier (400).
        """
        return self._create(without_none(group=group_id, name=name, description=description))

    def modify_by_id(self, plugin_id: int | str, name: str, description: str | None) -> JSON:
        """Rename or describe a plugin (a new snapshot); its files stay.

        Args:
            plugin_id: The plugin id.
            name: The new name.
            description: The new description; None removes it.

        Returns:
            The modified plugin.
        """
        return self._modify(plugin_id, without_none(name=name, description=description))

    def delete_by_id(self, plugin_id: int | str) -> JSON:
        """Delete a plugin and its files.

        Returns:
            ``{"status": "Success"}``.
        """
        return self._delete_one(plugin_id)
