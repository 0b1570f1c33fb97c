"""Groups the caller belongs to (all of them for a superuser), and, beyond
Dioptra (whose group routes are read-only), creating, renaming and deleting
groups and managing their members, under the same rules as the group pages."""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.definitions import groups as definitions
from experiments.errors import NotFoundError
from experiments.models import Group, GroupMembership, User
from experiments.search import text_field

from .listing import search
from .lookups import get_or_404
from .paging import paged
from .parsing import Field, boolean, integer, name, object_of, parse_body
from .schema import PAGING_PARAMETERS, SEARCH_PARAMETER
from .shapes.groups import group_rows, group_shape, member_shape

GROUP_SEARCH = {"name": text_field("name")}
# The API's permission keys and the membership flags they stand for.
PERMISSION_FLAGS = {
    "read": "read",
    "write": "write",
    "shareRead": "share_read",
    "shareWrite": "share_write",
    "owner": "owner",
    "admin": "admin",
}
PERMISSIONS = object_of({key: Field(boolean) for key in PERMISSION_FLAGS})

GROUP_NAME_BODY = inline_serializer("GroupName", {"name": serializers.CharField()})
PERMISSIONS_BODY = inline_serializer(
    "MemberPermissions",
    {key: serializers.BooleanField(required=False) for key in PERMISSION_FLAGS},
)


def _flags(permissions: dict | None) -> dict[str, bool]:
    """Membership flags for the permission keys that were sent."""
    return {
        PERMISSION_FLAGS[key]: value
        for key, value in (permissions or {}).items()
        if value is not None
    }


def _group(request, pk: int) -> Group:
    return get_or_404(group_rows(request.user), pk, "group")


@extend_schema(methods=["GET"], parameters=[*PAGING_PARAMETERS, SEARCH_PARAMETER])
@extend_schema(
    methods=["POST"],
    summary="Create a group (our extension); you become its owner and admin.",
    request=GROUP_NAME_BODY,
)
@api_view(["GET", "POST"])
def group_collection(request):
    if request.method == "POST":
        body = parse_body(request, {"name": Field(name, required=True)})
        group = definitions.create_group(user=request.user, name=body["name"])
        return Response(group_shape(_group(request, group.pk)))
    rows = search(request, group_rows(request.user), GROUP_SEARCH).order_by("id")
    return Response(paged(request, rows, route="groups", shape=group_shape))


@extend_schema(
    methods=["PUT"], summary="Rename a group (owners and admins).", request=GROUP_NAME_BODY
)
@extend_schema(
    methods=["DELETE"],
    summary="Delete a group that owns no resources (owners and admins).",
    request=None,
)
@api_view(["GET", "PUT", "DELETE"])
def group_detail(request, pk: int):
    group = _group(request, pk)
    if request.method == "PUT":
        body = parse_body(request, {"name": Field(name, required=True)})
        definitions.rename_group(user=request.user, group=group, name=body["name"])
        group = _group(request, pk)
    elif request.method == "DELETE":
        definitions.delete_group(user=request.user, group=group)
        return Response({"status": "Success", "id": [pk]})
    return Response(group_shape(group))


@extend_schema(
    methods=["POST"],
    summary="Add a member (owners and admins); permissions default to read only.",
    request=inline_serializer(
        "NewMember", {"user": serializers.IntegerField(), "permissions": PERMISSIONS_BODY}
    ),
)
@api_view(["GET", "POST"])
def group_members(request, pk: int):
    group = _group(request, pk)
    if request.method == "POST":
        body = parse_body(
            request, {"user": Field(integer, required=True), "permissions": Field(PERMISSIONS)}
        )
        member = User.objects.filter(pk=body["user"], is_active=True).first()
        if member is None:
            raise NotFoundError("user", field="user", id=body["user"])
        membership = definitions.add_member(
            user=request.user,
            group=group,
            username=member.username,
            **_flags(body["permissions"]),
        )
        return Response(member_shape(membership, group))
    return Response([member_shape(membership, group) for membership in group.memberships.all()])


@extend_schema(
    methods=["PUT"],
    summary="Change a member's permissions (owners and admins); keys left out stay.",
    request=inline_serializer("MemberChange", {"permissions": PERMISSIONS_BODY}),
)
@extend_schema(methods=["DELETE"], summary="Remove a member (owners and admins).", request=None)
@api_view(["GET", "PUT", "DELETE"])
def group_member_detail(request, pk: int, user_id: int):
    group = _group(request, pk)
    membership = _membership(group, user_id)
    if request.method == "PUT":
        body = parse_body(request, {"permissions": Field(PERMISSIONS, required=True)})
        definitions.change_member(
            user=request.user, membership=membership, **_flags(body["permissions"])
        )
    elif request.method == "DELETE":
        definitions.remove_member(user=request.user, membership=membership)
        return Response({"status": "Success", "id": [user_id]})
    return Response(member_shape(membership, group))


def _membership(group: Group, user_id: int) -> GroupMembership:
    """The member among the group's prefetched memberships."""
    for membership in group.memberships.all():
        if membership.user_id == user_id:
            membership.group = group
            return membership
    raise NotFoundError("group member", group_id=group.pk, user_id=user_id)
