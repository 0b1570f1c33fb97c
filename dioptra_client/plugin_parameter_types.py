"""``/pluginParameterTypes``: the types that name task inputs and outputs."""

from __future__ import annotations

from typing import Any

from ._base import JSON, ResourceCollectionClient, without_none


class PluginParameterTypesCollectionClient(ResourceCollectionClient):
    """The client for Dioptra's ``/pluginParameterTypes`` collection.

    The builtin types (``any``, ``string``, ``integer``, ``number``,
    ``boolean``, ``null``) are listed too, but cannot be changed or deleted.
    """

    name = "pluginParameterTypes"

    def get_by_id(self, plugin_parameter_type_id: int | str) -> JSON:
        """Get one plugin parameter type.

        Args:
            plugin_parameter_type_id: The type id.

        Raises:
            DioptraNotFoundError: No such type, or not visible to the user (404).
        """
        return self._get_one(plugin_parameter_type_id)

    def create(
        self,
        group_id: int,
        name: str,
        description: str | None = None,
        structure: dict[str, Any] | None = None,
    ) -> JSON:
        """Create a plugin parameter type.

        Args:
            group_id: The id of the group that will own the type.
            name: The type name, unique within the group; not a builtin name.
            description: A description.
            structure: The type's structure, e.g. ``{"list": "integer"}``; None for a
                simple type. Stored and returned as given.

        Returns:
            The new type.

        Raises:
            DioptraConflictError: The name is taken in the group (409).
            DioptraValidationError: The name is a builtin type's (400).
        """
        body = without_none(group=group_id, name=name, description=description, structure=structure)
        return self._create(body)

    def modify_by_id(
        self,
        plugin_parameter_type_id: int | str,
        name: str,
        description: str | None,
        structure: dict[str, Any] | None,
    ) -> JSON:
        """Replace a type's name, description and structure (a new snapshot).

        Args:
            plugin_parameter_type_id: The type id.
            name: The new name.
            description: The new description; None removes it.
            structure: The new structure; None makes it a simple type.

        Returns:
            The modified type.

        Raises:
            DioptraForbiddenError: The type is builtin, or read-only for the user (403).
        """
        body = without_none(name=name, description=description, structure=structure)
        return self._modify(plugin_parameter_type_id, body)

    def delete_by_id(self, plugin_parameter_type_id: int | str) -> JSON:
        """Delete a plugin parameter type.

        Args:
            plugin_parameter_type_id: The type id.

        Returns:
            ``{"status": "Success", "id": [plugin_parameter_type_id]}``.
        """
        return self._delete_one(plugin_parameter_type_id)
