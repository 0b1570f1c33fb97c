"""Personal API tokens of the current user (our extension to Dioptra's API).

A script sends ``Authorization: Token <secret>`` instead of logging in. The
secret is in the answer to the POST that creates the token and nowhere else.
"""

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.models import ApiToken
from experiments.models.tokens import NAME_MAX_LENGTH

from .lookups import get_or_404
from .paging import paged
from .parsing import Field, parse_body, text
from .schema import PAGING_PARAMETERS
from .shapes.tokens import new_token_shape, token_shape


def token_name(value) -> str:
    value = text(value).strip()
    if not value:
        raise ValueError("A name is required.")
    if len(value) > NAME_MAX_LENGTH:
        raise ValueError(f"Names are at most {NAME_MAX_LENGTH} characters long.")
    return value


@extend_schema(
    methods=["GET"],
    summary="Your API tokens, newest first, revoked ones included.",
    parameters=PAGING_PARAMETERS,
)
@extend_schema(
    methods=["POST"],
    summary="Create an API token; the answer's token key holds the secret, shown only once.",
    request=inline_serializer("NewApiToken", {"name": serializers.CharField()}),
)
@api_view(["GET", "POST"])
def token_collection(request):
    if request.method == "POST":
        body = parse_body(request, {"name": Field(token_name, required=True)})
        token, secret = ApiToken.objects.issue(user=request.user, name=body["name"])
        return Response(new_token_shape(token, secret))
    rows = ApiToken.objects.filter(user=request.user)
    return Response(paged(request, rows, route="users/current/tokens", shape=token_shape))


@extend_schema(methods=["DELETE"], summary="Revoke an API token; it stops working at once.")
@api_view(["GET", "DELETE"])
def token_detail(request, pk: int):
    token = get_or_404(ApiToken.objects.filter(user=request.user), pk, "token")
    if request.method == "DELETE":
        token.revoke()
        return Response({"status": "Success", "id": [pk]})
    return Response(token_shape(token))
