"""``/workflows``: checking a workflow before saving it, and suggesting task
registrations from plugin source."""

from __future__ import annotations

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
