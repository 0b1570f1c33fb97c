"""Experiments and the entrypoints they allow."""

from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.definitions import (
    create_experiment,
    delete_resource,
    set_experiment_entrypoints,
    update_experiment,
)
from experiments.errors import NotFoundError
from experiments.models import Experiment
from experiments.prepared import PreparedUserQuery

from .listing import named_resource_list
from .lookups import get_or_404
from .parsing import Field, id_list, integer, name, nullable, parse_body, text
from .shapes.common import resource_ref
from .shapes.experiments import (
    experiment_rows,
    experiment_shape,
    live_entrypoints,
    prepare_new_experiment,
)

EXPERIMENT_LIST = named_resource_list(Experiment, "experiments", experiment_rows, experiment_shape)
IDS_BODY = {"ids": Field(id_list, required=True)}
# The fields a PUT replaces; a POST adds the group. Drafts parse the same fields.
EXPERIMENT_DEFINITION = {
    "name": Field(name, required=True),
    "description": Field(nullable(text)),
    "entrypoints": Field(id_list, default=list),
}
NEW_EXPERIMENT = {"group": Field(integer, required=True), **EXPERIMENT_DEFINITION}


EXPERIMENT_BY_ID = PreparedUserQuery(lambda user, pk: experiment_rows(user).filter(pk=pk))


def experiment_response(request, pk: int) -> Response:
    experiment = EXPERIMENT_BY_ID.first(request.user, pk)
    if experiment is None:
        raise NotFoundError("experiment", id=pk)
    return Response(experiment_shape(experiment))


def visible_experiment(request, pk: int) -> Experiment:
    """The experiment with its live entrypoints; 404 if unseen (changes answer 403
    from the domain when it is read-only)."""
    rows = Experiment.objects.visible_to(request.user).select_related("group")
    return get_or_404(rows.prefetch_related(live_entrypoints()), pk, "experiment")


@api_view(["GET", "POST"])
def experiment_collection(request):
    if request.method == "POST":
        return experiment_create(request)
    return Response(EXPERIMENT_LIST.page(request))


def experiment_create(request):
    body = parse_body(request, NEW_EXPERIMENT)
    experiment = create_experiment(
        user=request.user,
        group_id=body["group"],
        name=body["name"],
        description=body["description"],
        entrypoint_ids=body["entrypoints"],
    )
    if body["entrypoints"]:  # read back with their names and groups
        return experiment_response(request, experiment.pk)
    prepare_new_experiment(experiment, request.user)
    return Response(experiment_shape(experiment))


@api_view(["GET", "PUT", "DELETE"])
def experiment_detail(request, pk: int):
    if request.method == "PUT":
        body = parse_body(request, EXPERIMENT_DEFINITION)
        update_experiment(
            user=request.user,
            experiment=visible_experiment(request, pk),
            name=body["name"],
            description=body["description"],
            entrypoint_ids=body["entrypoints"],
        )
        return experiment_response(request, pk)
    if request.method == "DELETE":
        delete_resource(user=request.user, resource=visible_experiment(request, pk))
        return Response({"status": "Success", "id": [pk]})
    return experiment_response(request, pk)


def _entrypoint_refs(experiment: Experiment) -> list[dict]:
    return [resource_ref(e) for e in experiment.entrypoints.all()]


@api_view(["GET", "POST", "PUT", "DELETE"])
def experiment_entrypoints(request, pk: int):
    """GET lists, POST appends, PUT replaces, DELETE removes all allowed entrypoints."""
    if request.method in {"POST", "PUT"}:
        ids = parse_body(request, IDS_BODY)["ids"]
        experiment = visible_experiment(request, pk)
        if request.method == "POST":
            ids = [e.pk for e in experiment.entrypoints.all()] + ids
        set_experiment_entrypoints(user=request.user, experiment=experiment, entrypoint_ids=ids)
        return Response(_entrypoint_refs(visible_experiment(request, pk)))
    experiment = visible_experiment(request, pk)
    if request.method == "DELETE":
        removed = [e.pk for e in experiment.entrypoints.all()]
        set_experiment_entrypoints(user=request.user, experiment=experiment, entrypoint_ids=[])
        return Response({"status": "Success", "id": removed})
    return Response(_entrypoint_refs(experiment))


@api_view(["DELETE"])
def experiment_entrypoint_detail(request, pk: int, entrypoint_id: int):
    experiment = visible_experiment(request, pk)
    current = [e.pk for e in experiment.entrypoints.all()]
    if entrypoint_id not in current:
        raise NotFoundError("entrypoint", experiment_id=pk, entrypoint_id=entrypoint_id)
    remaining = [i for i in current if i != entrypoint_id]
    set_experiment_entrypoints(user=request.user, experiment=experiment, entrypoint_ids=remaining)
    return Response({"status": "Success", "id": [entrypoint_id]})
