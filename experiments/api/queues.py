"""Queues: the named lanes workers listen on."""

from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.definitions import create_queue, delete_resource, update_queue
from experiments.models import Queue

from .listing import named_resource_list
from .lookups import get_or_404
from .parsing import Field, integer, name, nullable, parse_body, text
from .shapes.queues import queue_rows, queue_shape

QUEUE_LIST = named_resource_list(Queue, "queues", queue_rows, queue_shape)
# The fields a PUT replaces; a POST adds the group. Drafts parse the same fields.
QUEUE_DEFINITION = {"name": Field(name, required=True), "description": Field(nullable(text))}
NEW_QUEUE = {"group": Field(integer, required=True), **QUEUE_DEFINITION}


def queue_response(request, pk: int) -> Response:
    return Response(queue_shape(queue_rows(request.user).get(pk=pk)))


@api_view(["GET", "POST"])
def queue_collection(request):
    if request.method == "POST":
        return queue_create(request)
    return Response(QUEUE_LIST.page(request))


def queue_create(request):
    body = parse_body(request, NEW_QUEUE)
    queue = create_queue(
        user=request.user,
        group_id=body["group"],
        name=body["name"],
        description=body["description"],
    )
    return queue_response(request, queue.pk)


@api_view(["GET", "PUT", "DELETE"])
def queue_detail(request, pk: int):
    if request.method == "PUT":
        body = parse_body(request, QUEUE_DEFINITION)
        queue = get_or_404(Queue.objects.visible_to(request.user), pk, "queue")
        update_queue(
            user=request.user, queue=queue, name=body["name"], description=body["description"]
        )
        return queue_response(request, pk)
    if request.method == "DELETE":
        queue = get_or_404(Queue.objects.visible_to(request.user), pk, "queue")
        delete_resource(user=request.user, resource=queue)
        return Response({"status": "Success"})
    return Response(queue_shape(get_or_404(queue_rows(request.user), pk, "queue")))
