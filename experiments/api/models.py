"""Models: named series of versions, each made from an artifact."""

from django.db.models import Q
from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.definitions import (
    add_model_version,
    create_model,
    delete_resource,
    update_model,
    update_model_version,
)
from experiments.errors import NotFoundError
from experiments.models import MLModel
from experiments.search import text_field

from .listing import named_resource_list, search
from .lookups import get_or_404
from .paging import paged
from .parsing import Field, integer, name, nullable, parse_body, text
from .shapes.models import model_rows, model_shape, model_version_shape, version_rows

MODEL_LIST = named_resource_list(MLModel, "models", model_rows, model_shape)
VERSION_SEARCH = {
    "description": text_field("description"),
    # Versions carry no tags here, so a tag term matches none of them.
    "tag": lambda pattern: Q(pk__in=[]),
}
DEFINITION = {"name": Field(name, required=True), "description": Field(nullable(text))}
NEW_VERSION = {"artifact": Field(integer, required=True), "description": Field(nullable(text))}
CHANGED_VERSION = {"description": Field(nullable(text))}


def model_response(request, pk: int) -> Response:
    return Response(model_shape(model_rows(request.user).get(pk=pk)))


def visible_model(request, pk: int) -> MLModel:
    rows = MLModel.objects.visible_to(request.user).select_related("group")
    return get_or_404(rows, pk, "model")


@api_view(["GET", "POST"])
def model_collection(request):
    if request.method == "POST":
        body = parse_body(request, {"group": Field(integer, required=True), **DEFINITION})
        model = create_model(
            user=request.user,
            group_id=body["group"],
            name=body["name"],
            description=body["description"],
        )
        return model_response(request, model.pk)
    return Response(MODEL_LIST.page(request))


@api_view(["GET", "PUT", "DELETE"])
def model_detail(request, pk: int):
    if request.method == "PUT":
        body = parse_body(request, DEFINITION)
        update_model(
            user=request.user,
            model=visible_model(request, pk),
            name=body["name"],
            description=body["description"],
        )
        return model_response(request, pk)
    if request.method == "DELETE":
        delete_resource(user=request.user, resource=visible_model(request, pk))
        return Response({"status": "Success"})  # no "id", as in Dioptra
    return Response(model_shape(get_or_404(model_rows(request.user), pk, "model")))


@api_view(["GET", "POST"])
def model_versions(request, pk: int):
    """GET lists the model's versions in number order; POST adds the next one."""
    if request.method == "POST":
        body = parse_body(request, NEW_VERSION)
        model = visible_model(request, pk)
        version = add_model_version(
            user=request.user,
            model=model,
            artifact_id=body["artifact"],
            description=body["description"],
        )
        version = version_rows().get(pk=version.pk)
        return Response(model_version_shape(version, model))
    model = visible_model(request, pk)
    rows = search(request, version_rows().filter(model=model), VERSION_SEARCH)
    return Response(
        paged(
            request,
            rows,
            route=f"models/{pk}/versions",
            shape=lambda version: model_version_shape(version, model),
        )
    )


@api_view(["GET", "PUT"])
def model_version_detail(request, pk: int, version_number: int):
    body = parse_body(request, CHANGED_VERSION) if request.method == "PUT" else None
    model = visible_model(request, pk)
    version = version_rows().filter(model=model, version_number=version_number).first()
    if version is None:
        raise NotFoundError("model version", model_id=pk, version_number=version_number)
    if body is not None:
        update_model_version(user=request.user, version=version, description=body["description"])
    return Response(model_version_shape(version, model))
