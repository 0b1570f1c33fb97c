"""Registration, the current user, and the user directory."""

from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from experiments.accounts import register_user
from experiments.models import User
from experiments.search import text_field

from .errors import QueryParameterValidationError
from .listing import search
from .lookups import get_or_404
from .paging import paged
from .parsing import Field, parse_body, text
from .shapes.users import current_user_rows, current_user_shape, user_shape

USER_SEARCH = {"username": text_field("username"), "email": text_field("email")}


class RegistrationIsOpen(BasePermission):
    """Anyone may register (POST); reading the directory needs a login."""

    def has_permission(self, request, view):
        return request.method == "POST" or request.user.is_authenticated


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
    user = register_user(username=body["username"], email=body["email"], password=body["password"])
    return Response(current_user_shape(current_user_rows().get(pk=user.pk)))


@api_view(["GET"])
def user_current(request):
    return Response(current_user_shape(current_user_rows().get(pk=request.user.pk)))


@api_view(["GET"])
def user_detail(request, pk: int):
    return Response(user_shape(get_or_404(User.objects.filter(is_active=True), pk, "user")))
