"""``/plugins``: packages of Python files, and the tasks their files register."""

from __future__ import annotations

from typing import Any

from ._base import JSON, ResourceCollectionClient, SubCollectionClient, without_none
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


class PluginsCollectionClient(ResourceCollectionClient):
    """The client for Dioptra's ``/plugins`` collection."""

    name = "plugins"

    def __init__(self, session: DioptraSession) -> None:
        super().__init__(session)
        self._files = PluginFilesSubCollectionClient(session, self)

    @property
    def files(self) -> PluginFilesSubCollectionClient:
        """The client for ``/plugins/{id}/files``."""
        return self._files

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
