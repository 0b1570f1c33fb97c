"""``/workflows``: checking a workflow before saving it, suggesting task
registrations from plugin source, and importing resources from files."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._base import JSON, CollectionClient, without_none


class WorkflowsCollectionClient(CollectionClient):
    """The client for Dioptra's ``/workflows`` collection."""

    name = "workflows"

    def validate_entrypoint(
        self,
        group_id: int,
        task_graph: str,
        plugin_snapshots: list[int],
        entrypoint_parameters: list[dict[str, Any]],
        artifact_graph: str | None = None,
        artifact_parameters: list[dict[str, Any]] | None = None,
    ) -> JSON:
        """Validate a workflow without saving anything.

        Args:
            group_id: The group whose parameter types the graph may name.
            task_graph: The task graph (YAML).
            plugin_snapshots: The plugin snapshot ids whose tasks the graph calls, at
                most one per plugin.
            entrypoint_parameters: The parameters, as for ``entrypoints.create``.
            artifact_graph: The artifact output graph (YAML).
            artifact_parameters: The artifact inputs, as for ``entrypoints.create``.

        Returns:
            ``{"schemaValid": bool, "schemaIssues": [{"type", "severity", "message"}]}``
            with ``type`` one of SYNTAX, SCHEMA, SEMANTIC, TYPE and ``severity``
            ERROR or WARNING.

        Raises:
            DioptraValidationError: Two snapshots of one plugin (400).
            DioptraNotFoundError: An unknown group, plugin snapshot or type (404).
        """
        body = without_none(
            group=group_id,
            taskGraph=task_graph,
            pluginSnapshots=list(plugin_snapshots),
            parameters=list(entrypoint_parameters),
            artifactGraph=artifact_graph,
            artifacts=artifact_parameters,
        )
        return self._session.post(self.name, "validateEntrypoint", json=body)

    def analyze_plugin_task_signatures(self, python_code: str) -> JSON:
        """Suggest task registrations for the ``@pyplugs.register`` functions of a file.

        Args:
            python_code: The Python source.

        Returns:
            ``{"tasks": [{"name", "inputs": [{"name", "type", "required"}],
            "outputs": [{"name", "type"}], "missing_types": [{"name", "description"}]}]}``.

        Raises:
            DioptraValidationError: The code is not valid Python (400; the message names
                the line).
        """
        return self._session.post(
            self.name, "pluginTaskSignatureAnalysis", json={"pythonCode": python_code}
        )

    def import_resources(
        self,
        group_id: int,
        archive_path: str | os.PathLike | None = None,
        files: Mapping[str, str | os.PathLike | bytes] | None = None,
        config_path: str | None = None,
        resolve_name_conflicts_strategy: str | None = None,
    ) -> JSON:
        """Import the plugin parameter types, plugins and entrypoints a ``dioptra.toml`` describes.

        Give exactly one source: a ``.tar.gz`` archive, or the files themselves.

        Args:
            group_id: The group that will own what is imported.
            archive_path: A local ``.tar.gz`` holding the config, plugin folders and
                entrypoint YAML files.
            files: The files to upload: their paths inside the import (e.g.
                ``"plugins/hello/tasks.py"``) mapped to a local file or to the bytes.
            config_path: The config's path inside the import; the server's default is
                ``"dioptra.toml"``. The config names other files relative to its folder.
            resolve_name_conflicts_strategy: What to do with a name that is already
                taken in the group: ``"fail"`` (the default), ``"update"`` the existing
                resource, or ``"overwrite"`` it (delete and create anew).

        Returns:
            ``{"message", "hash", "resources": {"plugins", "plugin_param_types",
            "entrypoints"}}``, each resource kind mapping names to ids.

        Raises:
            ValueError: Neither or both sources were given.
            DioptraValidationError: The config, a file or a type or plugin name is
                wrong, or the config repeats a name (400; ``detail.reason`` says what).
            DioptraConflictError: A name is taken and the strategy is ``"fail"`` (409).
        """
        if (archive_path is None) == (files is None):
            raise ValueError("Give either archive_path or files, not both or neither.")
        data: dict[str, Any] = without_none(
            group=str(group_id),
            configPath=config_path,
            resolveNameConflictsStrategy=resolve_name_conflicts_strategy,
        )
        if archive_path is not None:
            data["sourceType"] = "upload_archive"
            archive = Path(archive_path)
            parts = [("archiveFile", (archive.name, archive.read_bytes()))]
        else:
            data["sourceType"] = "upload_files"
            data["paths"] = list(files)
            parts = [
                ("files", (path, local if isinstance(local, bytes) else Path(local).read_bytes()))
                for path, local in files.items()
            ]
        return self._session.request("POST", self.name, "resourceImport", data=data, files=parts)

    def commit_draft(self, draft_id: int | str) -> JSON:
        """Commit one of the user's drafts: create the resource it describes, or
        apply its changes; the draft is then deleted.

        Args:
            draft_id: The draft id.

        Returns:
            ``{"status": "Success", "id": [resource id]}``; for a plugin file
            ``[plugin id, file id]``.

        Raises:
            DioptraValidationError: The resource changed since the draft's base
                snapshot (400, ``DraftResourceModificationsCommitError``): put the draft
                on ``error.detail["curr_snapshot_id"]`` and commit again.
            DioptraConflictError: The name is taken (409).
            DioptraNotFoundError: No such draft of the user's (404).
        """
        return self._session.post(self.name, "draftCommit", draft_id)
