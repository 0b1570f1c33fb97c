from django.db.models import QuerySet

from experiments.models import PluginParameterType

from .common import resource_fields, with_resource_fields


def parameter_type_rows(user) -> QuerySet[PluginParameterType]:
    """Types the user may read, with what ``parameter_type_shape`` reads."""
    return with_resource_fields(PluginParameterType.objects.visible_to(user), user)


def parameter_type_shape(parameter_type: PluginParameterType) -> dict:
    return {
        **resource_fields(parameter_type),
        "name": parameter_type.name,
        "description": parameter_type.description,
        "structure": parameter_type.structure,
    }
