"""Tags: ``/tags`` (a group's labels) and the ``.../{id}/tags`` sub-routes of
every taggable resource.

A tag's group decides who sees it (read) and who changes it (write). One pair
of views serves the tags of every resource type (versioned.py says where each
lives): GET lists them in the order they were attached, POST ``{"ids"}``
appends, PUT ``{"ids"}`` replaces, DELETE removes all, DELETE ``.../{tagId}``
removes one.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.search import text_field
from experiments.tagging import (
    TAGGABLE_MODELS,
    append_tags,
    attached_tags,
    create_tag,
    delete_tag,
    detach_all_tags,
    detach_tag,
    rename_tag,
    replace_tags,
    tagged_resources,
)

from .errors import FieldErrors
from .listing import in_requested_group, search, sort
from .lookups import get_or_404
from .paging import paged
from .parsing import Field, id_list, integer, name, parse_body
from .schema import PAGING_PARAMETERS, SEARCH_PARAMETER
from .shapes.common import tag_ref
from .shapes.tags import tag_rows, tag_shape, tagged_resource_url
from .versioned import TAGGABLE, Versioned

TAG_SEARCH = {"name": text_field("name")}
TAG_SORTS = {"name": "name", "createdOn": "created_on", "lastModifiedOn": "last_modified_on"}
IDS_BODY = {"ids": Field(id_list, required=True)}
LIST_PARAMETERS = [
    *PAGING_PARAMETERS,
    SEARCH_PARAMETER,
    OpenApiParameter("sortBy", str, enum=list(TAG_SORTS)),
    OpenApiParameter("descending", bool),
    OpenApiParameter("groupId", int, description="Only the tags of this group."),
]
RESOURCE_TYPE_PARAMETER = OpenApiParameter(
    "resourceType", str, enum=sorted(TAGGABLE_MODELS), description="Only resources of this type."
)


def tag_response(request, pk: int) -> Response:
    return Response(tag_shape(tag_rows(request.user).get(pk=pk)))


@extend_schema(methods=["GET"], parameters=LIST_PARAMETERS)
@api_view(["GET", "POST"])
def tag_collection(request):
    if request.method == "POST":
        body = parse_body(
            request, {"group": Field(integer, required=True), "name": Field(name, required=True)}
        )
        tag = create_tag(user=request.user, group_id=body["group"], name=body["name"])
        return tag_response(request, tag.pk)
    rows = search(request, tag_rows(request.user), TAG_SEARCH)
    rows = sort(request, in_requested_group(request, rows), TAG_SORTS)
    return Response(paged(request, rows, route="tags", shape=tag_shape))


@api_view(["GET", "PUT", "DELETE"])
def tag_detail(request, pk: int):
    if request.method == "PUT":
        body = parse_body(request, {"name": Field(name, required=True)})
        rename_tag(
            user=request.user, tag=get_or_404(tag_rows(request.user), pk, "tag"), name=body["name"]
        )
        return tag_response(request, pk)
    if request.method == "DELETE":
        delete_tag(user=request.user, tag=get_or_404(tag_rows(request.user), pk, "tag"))
        return Response({"status": "Success", "id": [pk]})
    return Response(tag_shape(get_or_404(tag_rows(request.user), pk, "tag")))


@extend_schema(parameters=[*PAGING_PARAMETERS, RESOURCE_TYPE_PARAMETER])
@api_view(["GET"])
def tag_resources(request, pk: int):
    """The resources carrying the tag, as ``/api/v1/<internal type>/<id>`` strings."""
    tag = get_or_404(tag_rows(request.user), pk, "tag")
    resource_type = request.query_params.get("resourceType") or None
    if resource_type is not None and resource_type not in TAGGABLE_MODELS:
        raise FieldErrors(
            {"resourceType": [f"Must be one of: {', '.join(sorted(TAGGABLE_MODELS))}."]}
        )
    rows = tagged_resources(user=request.user, tag=tag, resource_type=resource_type)
    return Response(paged(request, rows, route=f"tags/{pk}/resources", shape=tagged_resource_url))


def tag_refs(tags) -> list[dict]:
    return [tag_ref(tag) for tag in tags]


def resource_tag_views(versioned: Versioned):
    """The views of one resource type's tags: the list, and one attached tag."""

    @api_view(["GET", "POST", "PUT", "DELETE"])
    def resource_tags(request, **ids):
        if request.method in {"POST", "PUT"}:
            tag_ids = parse_body(request, IDS_BODY)["ids"]
            resource = versioned.find(request, **ids)
            change = append_tags if request.method == "POST" else replace_tags
            return Response(tag_refs(change(user=request.user, resource=resource, tag_ids=tag_ids)))
        resource = versioned.find(request, **ids)
        if request.method == "DELETE":
            removed = detach_all_tags(user=request.user, resource=resource)
            return Response({"status": "Success", "id": removed})
        return Response(tag_refs(attached_tags(resource)))

    @api_view(["DELETE"])
    def resource_tag(request, tag_id: int, **ids):
        resource = versioned.find(request, **ids)
        detach_tag(user=request.user, resource=resource, tag_id=tag_id)
        return Response({"status": "Success", "id": [tag_id]})

    return resource_tags, resource_tag


def _routes() -> list[tuple[str, object, str]]:
    routes = []
    for versioned in TAGGABLE:
        resource_tags, resource_tag = resource_tag_views(versioned)
        routes += [
            (f"{versioned.prefix}/tags", resource_tags, f"{versioned.name}-tags"),
            (f"{versioned.prefix}/tags/<id:tag_id>", resource_tag, f"{versioned.name}-tag"),
        ]
    return routes


# (pattern, view, name) of every resource's tag routes, for urls.py.
RESOURCE_ROUTES = _routes()
