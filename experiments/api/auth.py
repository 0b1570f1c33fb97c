"""Logging in and out with a session cookie."""

from django.contrib.auth import login, logout
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from experiments.models import User

from .errors import UserDoesNotExistError, UserPasswordError
from .parsing import Field, parse_body, query_bool, text


@extend_schema(
    summary="Log in; the answer sets the session cookie later requests send.",
    request=inline_serializer(
        "Login", {"username": serializers.CharField(), "password": serializers.CharField()}
    ),
)
@api_view(["POST"])
@permission_classes([AllowAny])
def auth_login(request):
    body = parse_body(
        request, {"username": Field(text, required=True), "password": Field(text, required=True)}
    )
    user = User.objects.filter(username=body["username"], is_active=True).first()
    if user is None:
        raise UserDoesNotExistError(
            f"There is no user named {body['username']!r}.",
        )
    if not user.check_password(body["password"]):
        raise UserPasswordError("Password authentication failed.")
    if user.password_expires_on is not None and user.password_expires_on < timezone.now():
        raise UserPasswordError("Password expired.")
    login(request._request, user)
    return Response({"username": user.username, "status": "Login successful"})


@extend_schema(
    summary="Log out of this session, or of every session with everywhere=true.",
    request=None,
    parameters=[OpenApiParameter("everywhere", bool)],
)
@api_view(["POST"])
def auth_logout(request):
    everywhere = query_bool(request, "everywhere")
    user = request.user
    if everywhere:
        user.end_all_sessions()
    logout(request._request)
    return Response(
        {"username": user.username, "everywhere": everywhere, "status": "Logout successful"}
    )
