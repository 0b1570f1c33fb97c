"""Registration, the current user's account, and the user directory."""

from django.contrib.auth import logout
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.response import Response

from experiments import accounts
from experiments.models import User
from experiments.search import text_field

from .errors import QueryParameterValidationError, UserDoesNotExistError, UserPasswordError
from .listing import search
from .lookups import get_or_404
from .paging import paged
from .parsing import Field, parse_body, text
from .schema import PAGING_PARAMETERS, SEARCH_PARAMETER
from .shapes.users import current_user_rows, current_user_shape, user_shape

USER_SEARCH = {"username": text_field("username"), "email": text_field("email")}
PASSWORD_CHANGE_FIELDS = {
    "oldPassword": Field(text, required=True),
    "newPassword": Field(text, required=True),
    "confirmNewPassword": Field(text, required=True),
}
PASSWORD_CHANGED = {"status": "Password Change Success"}

PASSWORD_CHANGE_BODY = inline_serializer(
    "PasswordChange",
    {
        "oldPassword": serializers.CharField(),
        "newPassword": serializers.CharField(),
        "confirmNewPassword": serializers.CharField(),
    },
)


class RegistrationIsOpen(BasePermission):
    """Anyone may register (POST); reading the directory needs a login."""

    def has_permission(self, request, view):
        return request.method == "POST" or request.user.is_authenticated


@extend_schema(methods=["GET"], parameters=[*PAGING_PARAMETERS, SEARCH_PARAMETER])
@extend_schema(
    methods=["POST"],
    summary="Register a user (no login needed); they join the public group.",
    request=inline_serializer(
        "Registration",
        {
            "username": serializers.CharField(),
            "email": serializers.CharField(),
            "password": serializers.CharField(),
            "confirmPassword": serializers.CharField(),
        },
    ),
)
@api_view(["GET", "POST"])
@permission_classes([RegistrationIsOpen])
def user_collection(request):
    if request.method == "POST":
        return user_register(request)
    rows = search(request, User.objects.filter(is_active=True).order_by("id"), USER_SEARCH)
    return Response(paged(request, rows, route="users", shape=user_shape))


def user_register(request):
    body = parse_body(
        request,
        {
            "username": Field(text, required=True),
            "email": Field(text, required=True),
            "password": Field(text, required=True),
            "confirmPassword": Field(text, required=True),
        },
    )
    if body["password"] != body["confirmPassword"]:
        raise QueryParameterValidationError(
            "The password and its confirmation do not match.",
            detail={"fields": ["password", "confirmPassword"]},
        )
    user = accounts.register_user(
        username=body["username"], email=body["email"], password=body["password"]
    )
    return Response(current_user_shape(current_user_rows().get(pk=user.pk)))


@extend_schema(
    methods=["PUT"],
    summary="Change your username and email (409 when another user has either).",
    request=inline_serializer(
        "UserProfile", {"username": serializers.CharField(), "email": serializers.CharField()}
    ),
)
@extend_schema(
    methods=["DELETE"],
    summary="Delete your account (it is deactivated); needs your password.",
    request=inline_serializer("AccountDeletion", {"password": serializers.CharField()}),
)
@api_view(["GET", "PUT", "DELETE"])
def user_current(request):
    user = request.user
    if request.method == "PUT":
        body = parse_body(
            request, {"username": Field(text, required=True), "email": Field(text, required=True)}
        )
        accounts.update_profile(user=user, username=body["username"], email=body["email"])
    elif request.method == "DELETE":
        body = parse_body(request, {"password": Field(text, required=True)})
        if not user.check_password(body["password"]):
            raise UserPasswordError("Password authentication failed.")
        accounts.deactivate_user(user=user)
        logout(request._request)
        return Response({"status": "Success", "id": [user.pk]})
    return Response(current_user_shape(current_user_rows().get(pk=user.pk)))


@extend_schema(
    summary="Change your password; every one of your sessions ends, this one too.",
    request=PASSWORD_CHANGE_BODY,
)
@api_view(["POST"])
def user_current_password(request):
    _change_password(request, request.user)
    return Response(PASSWORD_CHANGED)


@extend_schema(
    summary="Change a user's password, proven by the old one (no login needed, "
    "so an expired password can be renewed).",
    request=PASSWORD_CHANGE_BODY,
)
@api_view(["POST"])
@permission_classes([AllowAny])
def user_password(request, pk: int):
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise UserDoesNotExistError(f"There is no user with id {pk}.")
    _change_password(request, user)
    return Response(PASSWORD_CHANGED)


def _change_password(request, user: User) -> None:
    body = parse_body(request, PASSWORD_CHANGE_FIELDS)
    accounts.change_password(
        user=user,
        old_password=body["oldPassword"],
        new_password=body["newPassword"],
        confirmation=body["confirmNewPassword"],
    )
    if request.user.pk == user.pk:
        logout(request._request)


@api_view(["GET"])
def user_detail(request, pk: int):
    return Response(user_shape(get_or_404(User.objects.filter(is_active=True), pk, "user")))
