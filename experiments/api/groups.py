"""Groups the caller belongs to (all of them for a superuser). Read-only, as in Dioptra."""

from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.search import text_field

from .listing import search
from .lookups import get_or_404
from .paging import paged
from .shapes.groups import group_rows, group_shape

GROUP_SEARCH = {"name": text_field("name")}


@api_view(["GET"])
def group_collection(request):
    rows = search(request, group_rows(request.user), GROUP_SEARCH).order_by("id")
    return Response(paged(request, rows, route="groups", shape=group_shape))


@api_view(["GET"])
def group_detail(request, pk: int):
    return Response(group_shape(get_or_404(group_rows(request.user), pk, "group")))
