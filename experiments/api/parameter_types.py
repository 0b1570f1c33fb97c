"""Plugin parameter types: the names of task inputs' and outputs' types.

The builtin types (any, string, integer, number, boolean, null) are listed
like the others but cannot be changed or deleted (403).
"""

from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.definitions import (
    create_parameter_type,
    delete_resource,
    update_parameter_type,
)
from experiments.models import PluginParameterType

from .listing import named_resource_list
from .lookups import get_or_404
from .parsing import Field, integer, json_object, name, nullable, parse_body, text
from .shapes.parameter_types import parameter_type_rows, parameter_type_shape

WHAT = "plugin parameter type"
PARAMETER_TYPE_LIST = named_resource_list(
    PluginParameterType,
    "pluginParameterTypes",
    parameter_type_rows,
    parameter_type_shape,
)
# The fields a PUT replaces; a POST adds the group.
DEFINITION = {
    "name": Field(name, required=True),
    "description": Field(nullable(text)),
    "structure": Field(nullable(json_object)),
}
NEW_PARAMETER_TYPE = {"group": Field(integer, required=True), **DEFINITION}


def parameter_type_response(request, pk: int) -> Response:
    return Response(parameter_type_shape(parameter_type_rows(request.user).get(pk=pk)))


@api_view(["GET", "POST"])
def parameter_type_collection(request):
    if request.method == "POST":
        return parameter_type_create(request)
    return Response(PARAMETER_TYPE_LIST.page(request))


def parameter_type_create(request):
    body = parse_body(request, NEW_PARAMETER_TYPE)
    parameter_type = create_parameter_type(
        user=request.user,
        group_id=body["group"],
        name=body["name"],
        description=body["description"],
        structure=body["structure"],
    )
    return parameter_type_response(request, parameter_type.pk)


@api_view(["GET", "PUT", "DELETE"])
def parameter_type_detail(request, pk: int):
    if request.method == "PUT":
        body = parse_body(request, DEFINITION)
        parameter_type = get_or_404(PluginParameterType.objects.visible_to(request.user), pk, WHAT)
        update_parameter_type(
            user=request.user,
            parameter_type=parameter_type,
            name=body["name"],
            description=body["description"],
            structure=body["structure"],
        )
        return parameter_type_response(request, pk)
    if request.method == "DELETE":
        parameter_type = get_or_404(PluginParameterType.objects.visible_to(request.user), pk, WHAT)
        delete_resource(user=request.user, resource=parameter_type)
        return Response({"status": "Success", "id": [pk]})
    return Response(parameter_type_shape(get_or_404(parameter_type_rows(request.user), pk, WHAT)))
