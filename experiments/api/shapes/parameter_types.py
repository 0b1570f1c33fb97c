from django.db.models import QuerySet

from experiments.models import PluginParameterType

from .common import resource_fields, with_resource_fields


def parameter_type_rows(user, *, tags: bool = True) -> QuerySet[PluginParameterType]:
    """Types the user may read, with what ``parameter_type_shape`` reads; with
    ``tags=False`` run ``attach_tag_refs`` on the fetched rows for their tags."""
    return with_resource_fields(PluginParameterType.objects.visible_to(user), user, tags=tags)


def parameter_type_shape(parameter_type: PluginParameterType) -> dict:
    return {
        **resource_fields(parameter_type),
        "name": parameter_type.name,
        "description": parameter_type.description,
        "structure": parameter_type.structure,
    }
