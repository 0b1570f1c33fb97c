"""``/entrypoints``: parameterised workflows, and the queues they may run on."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ._base import (
    JSON,
    IdListSubCollectionClient,
    ResourceCollectionClient,
    SnapshotsSubCollectionClient,
    SubCollectionClient,
    without_none,
)
from ._files import file_type_value, with_suffix
from ._session import DioptraSession


class EntrypointQueuesSubCollectionClient(IdListSubCollectionClient):
    """The client for ``/entrypoints/{id}/queues``."""

    name = "queues"

    def get(self, entrypoint_id: int | str) -> list[JSON]:
        """List the queues the entrypoint may run on.

        Args:
            entrypoint_id: The entrypoint id.

        Returns:
            A list of QueueRefs ``{id, name, group, url}``.
        """
        return self._list(entrypoint_id)

    def create(self, entrypoint_id: int | str, queue_ids: list[int]) -> list[JSON]:
        """Add queues to the entrypoint (keeps the ones already there).

        Args:
            entrypoint_id: The entrypoint id.
            queue_ids: The ids of the queues to add.

        Returns:
            The entrypoint's full list of QueueRefs.
        """
        return self._append(entrypoint_id, queue_ids)

    def modify_by_id(self, entrypoint_id: int | str, queue_ids: list[int]) -> list[JSON]:
        """Replace the entrypoint's queues; an empty list removes them all.

        Args:
            entrypoint_id: The entrypoint id.
            queue_ids: The ids of the queues to keep.

        Returns:
            The entrypoint's full list of QueueRefs.
        """
        return self._replace(entrypoint_id, queue_ids)

    def modify(self, entrypoint_id: int | str, queue_ids: list[int]) -> list[JSON]:
        """Alias of :meth:`modify_by_id`: replace the entrypoint's queues."""
        return self.modify_by_id(entrypoint_id, queue_ids)

    def delete(self, entrypoint_id: int | str) -> JSON:
        """Remove every queue from the entrypoint.

        Args:
            entrypoint_id: The entrypoint id.

        Returns:
            ``{"status": "Success", "id": [removed queue ids]}``.
        """
        return self._remove_all(entrypoint_id)

    def delete_by_id(self, entrypoint_id: int | str, queue_id: int | str) -> JSON:
        """Remove one queue from the entrypoint.

        Args:
            entrypoint_id: The entrypoint id.
            queue_id: The id of the queue to remove.

        Returns:
            ``{"status": "Success", "id": [queue_id]}``.

        Raises:
            DioptraNotFoundError: The queue is not attached to the entrypoint (404).
        """
        return self._remove_one(entrypoint_id, queue_id)


class EntrypointPluginsSubCollectionClient(SubCollectionClient):
    """The client for ``/entrypoints/{id}/plugins``: the plugins whose tasks the
    task graph calls, each pinned at one snapshot."""

    name = "plugins"
    body_key = "plugins"

    def get(self, entrypoint_id: int | str) -> list[JSON]:
        """List the pinned plugins.

        Args:
            entrypoint_id: The entrypoint id.

        Returns:
            EntrypointPlugins ``{id, name, snapshotId, latestSnapshot, url, files}``.
        """
        return self._session.get(*self._parts(entrypoint_id))

    def get_by_id(self, entrypoint_id: int | str, plugin_id: int | str) -> JSON:
        """Get one pinned plugin.

        Raises:
            DioptraNotFoundError: The plugin is not attached to the entrypoint (404).
        """
        return self._session.get(*self._parts(entrypoint_id, plugin_id))

    def create(self, entrypoint_id: int | str, plugin_ids: list[int]) -> list[JSON]:
        """Attach plugins at their latest snapshots (a new entrypoint snapshot).

        Plugins already attached are brought up to their latest snapshot; the
        others keep the snapshot they are pinned at.

        Args:
            entrypoint_id: The entrypoint id.
            plugin_ids: The ids of the plugins to attach or update.

        Returns:
            The full list of pinned plugins.
        """
        return self._session.post(
            *self._parts(entrypoint_id), json={self.body_key: list(plugin_ids)}
        )

    def delete_by_id(self, entrypoint_id: int | str, plugin_id: int | str) -> JSON:
        """Detach a plugin (a new entrypoint snapshot).

        Returns:
            ``{"status": "Success", "id": [plugin_id]}``.

        Raises:
            DioptraNotFoundError: The plugin is not attached (404).
            DioptraValidationError: The task graph still calls its tasks (400).
        """
        return self._session.delete(*self._parts(entrypoint_id, plugin_id))


class EntrypointArtifactPluginsSubCollectionClient(EntrypointPluginsSubCollectionClient):
    """The client for ``/entrypoints/{id}/artifactPlugins``: the plugins whose
    artifact handlers the entrypoint uses. Same methods as ``plugins``."""

    name = "artifactPlugins"
    body_key = "artifactPlugins"


class EntrypointSnapshotsSubCollectionClient(SnapshotsSubCollectionClient):
    """The client for ``/entrypoints/{id}/snapshots``: ``get``, ``get_by_id``, and of one
    snapshot ``get_config``, the pinned plugins' bundles and artifact plugins."""

    name = "snapshots"

    def get_config(self, entrypoint_id: int | str, entrypoint_snapshot_id: int | str) -> JSON:
        """The experiment description a snapshot of the entrypoint runs.

        Args:
            entrypoint_id: The entrypoint id.
            entrypoint_snapshot_id: One of its snapshot ids.

        Returns:
            ``{"types", "parameters", "tasks", "graph", "artifact_outputs",
            "artifact_inputs"}``, as the task engine reads it.
        """
        return self._session.get(*self._parts(entrypoint_id, entrypoint_snapshot_id, "config"))

    def get_plugins_bundle(
        self,
        entrypoint_id: int | str,
        entrypoint_snapshot_id: int | str,
        file_type: Any = "tar_gz",
        output_dir: str | os.PathLike | None = None,
        file_stem: str = "plugins",
    ) -> Path:
        """Download the plugins a snapshot of the entrypoint pinned, as an archive.

        The archive holds ``<plugin name>/<filename>`` for every file of every
        pinned plugin snapshot and ``manifest.json`` saying what is inside.

        Args:
            entrypoint_id: The entrypoint id.
            entrypoint_snapshot_id: One of its snapshot ids.
            file_type: ``"tar_gz"`` (the default) or ``"zip"`` (or Dioptra's ``FileTypes``).
            output_dir: The folder to write to. None: the current folder.
            file_stem: The file name without its suffix.

        Returns:
            The path of the downloaded archive.
        """
        return self._bundle(
            entrypoint_id, entrypoint_snapshot_id, "plugins", file_type, output_dir, file_stem
        )

    def get_artifact_plugins(
        self, entrypoint_id: int | str, entrypoint_snapshot_id: int | str
    ) -> list[JSON]:
        """The artifact plugins a snapshot of the entrypoint pinned (EntrypointPlugins)."""
        return self._session.get(
            *self._parts(entrypoint_id, entrypoint_snapshot_id, "artifactPlugins")
        )

    def get_artifact_plugins_bundle(
        self,
        entrypoint_id: int | str,
        entrypoint_snapshot_id: int | str,
        file_type: Any = "tar_gz",
        output_dir: str | os.PathLike | None = None,
        file_stem: str = "artifact-plugins",
    ) -> Path:
        """Download the artifact plugins a snapshot pinned, as an archive
        (see :meth:`get_plugins_bundle`)."""
        return self._bundle(
            entrypoint_id,
            entrypoint_snapshot_id,
            "artifactPlugins",
            file_type,
            output_dir,
            file_stem,
        )

    def _bundle(
        self,
        entrypoint_id: int | str,
        entrypoint_snapshot_id: int | str,
        kind: str,
        file_type: Any,
        output_dir: str | os.PathLike | None,
        file_stem: str,
    ) -> Path:
        path = Path(output_dir or ".", with_suffix(file_stem, file_type))
        return self._session.download(
            *self._parts(entrypoint_id, entrypoint_snapshot_id, kind, "bundle"),
            output_path=path,
            params={"fileType": file_type_value(file_type)},
        )


class EntrypointsCollectionClient(ResourceCollectionClient):
    """The client for Dioptra's ``/entrypoints`` collection."""

    name = "entrypoints"

    def __init__(self, session: DioptraSession) -> None:
        super().__init__(session)
        self._queues = EntrypointQueuesSubCollectionClient(session, self)
        self._plugins = EntrypointPluginsSubCollectionClient(session, self)
        self._artifact_plugins = EntrypointArtifactPluginsSubCollectionClient(session, self)
        self._snapshots = EntrypointSnapshotsSubCollectionClient(session, self)

    @property
    def queues(self) -> EntrypointQueuesSubCollectionClient:
        """The client for ``/entrypoints/{id}/queues``."""
        return self._queues

    @property
    def plugins(self) -> EntrypointPluginsSubCollectionClient:
        """The client for ``/entrypoints/{id}/plugins``."""
        return self._plugins

    @property
    def artifact_plugins(self) -> EntrypointArtifactPluginsSubCollectionClient:
        """The client for ``/entrypoints/{id}/artifactPlugins``."""
        return self._artifact_plugins

    @property
    def snapshots(self) -> EntrypointSnapshotsSubCollectionClient:
        """The client for ``/entrypoints/{id}/snapshots`` (the config of a snapshot)."""
        return self._snapshots

    def get_by_id(self, entrypoint_id: int | str) -> JSON:
        """Get one entrypoint.

        Args:
            entrypoint_id: The entrypoint id.

        Raises:
            DioptraNotFoundError: No such entrypoint, or not visible to the user (404).
        """
        return self._get_one(entrypoint_id)

    def create(
        self,
        group_id: int,
        name: str,
        task_graph: str,
        artifact_graph: str | None = None,
        description: str | None = None,
        parameters: list[dict[str, Any]] | None = None,
        artifact_parameters: list[dict[str, Any]] | None = None,
        queues: list[int] | None = None,
        plugins: list[int] | None = None,
        artifact_plugins: list[int] | None = None,
        validate_only: bool | None = None,
    ) -> JSON:
        """Create an entrypoint.

        Args:
            group_id: The id of the group that will own the entrypoint.
            name: The entrypoint name, unique within the group.
            task_graph: The task graph, a YAML string.
            artifact_graph: The artifact output graph, a YAML string.
            description: A description.
            parameters: Typed parameters with defaults, e.g.
                ``[{"name": "lr", "defaultValue": "0.1", "parameterType": "float"}]``.
            artifact_parameters: Artifact inputs, e.g.
                ``[{"name": "model", "outputParams": [{"name": "m", "parameterType": 1}]}]``.
            queues: Ids of the queues the entrypoint may run on.
            plugins: Ids of the plugins whose tasks the task graph calls.
            artifact_plugins: Ids of the plugins that handle artifacts.
            validate_only: Check everything, then answer without saving (newer servers).

        Returns:
            The new entrypoint.

        Raises:
            DioptraConflictError: The name is taken in the group (409).
            DioptraNotFoundError: A queue, plugin or group does not exist (404).
            DioptraValidationError: A parameter default does not fit its type (400).
        """
        body = without_none(
            group=group_id,
            name=name,
            taskGraph=task_graph,
            artifactGraph=artifact_graph,
            description=description,
            parameters=parameters,
            artifactParameters=artifact_parameters,
            queues=queues,
            plugins=plugins,
            artifactPlugins=artifact_plugins,
        )
        return self._create(body, params={"validateOnly": validate_only})

    def modify_by_id(
        self,
        entrypoint_id: int | str,
        name: str,
        task_graph: str,
        artifact_graph: str | None,
        description: str | None,
        parameters: list[dict[str, Any]] | None,
        artifact_parameters: list[dict[str, Any]] | None,
        queues: list[int] | None,
        plugin_snapshot_ids: list[int] | None = None,
        artifact_plugin_snapshot_ids: list[int] | None = None,
        validate_only: bool | None = None,
    ) -> JSON:
        """Replace an entrypoint's definition (a new snapshot).

        This is a full replacement: a None argument removes that part.

        Args:
            entrypoint_id: The entrypoint id.
            name: The new name.
            task_graph: The new task graph (YAML).
            artifact_graph: The new artifact graph (YAML); None removes it.
            description: The new description; None removes it.
            parameters: The new parameters; None removes them all.
            artifact_parameters: The new artifact parameters; None removes them all.
            queues: The new queue ids; None removes them all.
            plugin_snapshot_ids: Plugin snapshots to pin (newer servers); None keeps
                the pinned plugins.
            artifact_plugin_snapshot_ids: Artifact plugin snapshots to pin (newer
                servers); None keeps them.
            validate_only: Check everything, then answer without saving (newer servers).

        Returns:
            The modified entrypoint.
        """
        body = without_none(
            name=name,
            taskGraph=task_graph,
            artifactGraph=artifact_graph,
            description=description,
            parameters=parameters,
            artifactParameters=artifact_parameters,
            queues=queues,
            pluginSnapshotIds=plugin_snapshot_ids,
            artifactPluginSnapshotIds=artifact_plugin_snapshot_ids,
        )
        return self._modify(entrypoint_id, body, params={"validateOnly": validate_only})

    def delete_by_id(self, entrypoint_id: int | str) -> JSON:
        """Delete an entrypoint.

        Args:
            entrypoint_id: The entrypoint id.

        Returns:
            ``{"status": "Success", "id": [entrypoint_id]}``.
        """
        return self._delete_one(entrypoint_id)
