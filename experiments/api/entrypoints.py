"""Entrypoints (parameterised workflows), the queues they may run on, the
plugins they pin, and the experiment description each snapshot runs."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import JsonResponse
from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.definitions import (
    ArtifactParameterSpec,
    ParameterSpec,
    create_entrypoint,
    delete_resource,
    pin_entrypoint_plugins,
    set_entrypoint_queues,
    update_entrypoint,
)
from experiments.errors import NotFoundError, WorkflowInvalidError
from experiments.models import Entrypoint, EntrypointPlugin, ParameterType, Snapshot
from experiments.search import tag_field, text_field
from experiments.workflows import entrypoint_description

from .errors import ApiError
from .listing import RESOURCE_SORTS, PreparedList
from .lookups import get_or_404
from .parsing import (
    Field,
    id_list,
    integer,
    list_of,
    name,
    nullable,
    one_of,
    parse_body,
    query_bool,
    text,
)
from .shapes.common import resource_ref
from .shapes.entrypoints import (
    entrypoint_plugin_shape,
    entrypoint_rows,
    entrypoint_shape,
    issue_shape,
    live_queues,
    load_plugin_files,
)

ENTRYPOINT_SEARCH = {
    "name": text_field("name"),
    "description": text_field("description"),
    "task_graph": text_field("task_graph"),
    "artifact_graph": text_field("artifact_graph"),
    "tag": tag_field(Entrypoint),
}
ENTRYPOINT_LIST = PreparedList(
    route="entrypoints",
    visible=Entrypoint.objects.visible_to,
    rows=entrypoint_rows,
    search_fields=ENTRYPOINT_SEARCH,
    sorts=RESOURCE_SORTS,
    shape=entrypoint_shape,
    prepare=load_plugin_files,
)

PARAMETER = {
    "name": Field(text, required=True),
    "defaultValue": Field(nullable(text)),
    "parameterType": Field(one_of(*ParameterType.values), required=True),
}
ARTIFACT_PARAMETER = {
    "name": Field(text, required=True),
    "outputParams": Field(
        list_of(
            {"name": Field(text, required=True), "parameterType": Field(integer, required=True)}
        ),
        required=True,
    ),
}
# The fields a PUT replaces; a POST adds the group and the plugins.
DEFINITION = {
    "name": Field(name, required=True),
    "taskGraph": Field(text, required=True),
    "description": Field(nullable(text)),
    "artifactGraph": Field(nullable(text), default=""),
    "parameters": Field(list_of(PARAMETER), default=list),
    "artifactParameters": Field(list_of(ARTIFACT_PARAMETER), default=list),
    "queues": Field(id_list, default=list),
}
NEW_ENTRYPOINT = {
    **DEFINITION,
    "group": Field(integer, required=True),
    "plugins": Field(id_list, default=list),
    "artifactPlugins": Field(id_list, default=list),
}
# Dioptra 1.2.2's client also sends the plugin snapshots to pin (or null).
CHANGED_ENTRYPOINT = {
    **DEFINITION,
    "pluginSnapshotIds": Field(nullable(id_list)),
    "artifactPluginSnapshotIds": Field(nullable(id_list)),
}
IDS_BODY = {"ids": Field(id_list, required=True)}
# Keys a validateOnly answer leaves out, as Dioptra 1.2.2 does: nothing was saved.
UNSAVED_ON_CREATE = ("id", "createdOn", "snapshot", "snapshotCreatedOn", "lastModifiedOn")
UNSAVED_ON_MODIFY = ("snapshot", "snapshotCreatedOn", "lastModifiedOn")


class EntrypointValidationError(ApiError):
    """The workflow has errors; ``detail.issues`` lists each."""

    error = "EntrypointValidationError"


class InvalidYamlError(ApiError):
    error = "InvalidYamlError"


def _issues_detail(issues) -> dict:
    return {"issues": [issue_shape(issue) for issue in issues]}


@contextmanager
def workflow_errors_answered() -> Iterator[None]:
    """Turns the domain's WorkflowInvalidError into a 400 listing the issues."""
    try:
        yield
    except WorkflowInvalidError as error:
        raise EntrypointValidationError(
            error.message, detail=_issues_detail(error.issues)
        ) from None


def entrypoint_arguments(body: dict) -> dict:
    """The keyword arguments create_entrypoint and update_entrypoint share."""
    return {
        "name": body["name"],
        "task_graph": body["taskGraph"],
        "description": body["description"],
        "artifact_graph": body["artifactGraph"] or "",
        "parameters": [
            ParameterSpec(p["name"], p["parameterType"], p["defaultValue"])
            for p in body["parameters"]
        ],
        "artifact_parameters": [
            ArtifactParameterSpec(
                a["name"], [(o["name"], o["parameterType"]) for o in a["outputParams"]]
            )
            for a in body["artifactParameters"]
        ],
        "queue_ids": body["queues"],
    }


def _plugins_of_snapshots(snapshot_ids: list[int] | None, *, field: str) -> list[int] | None:
    if snapshot_ids is None:
        return None
    plugin_of = dict(
        Snapshot.objects.filter(pk__in=snapshot_ids, resource_type="plugin").values_list(
            "pk", "resource_id"
        )
    )
    for snapshot_id in snapshot_ids:
        if snapshot_id not in plugin_of:
            raise NotFoundError("plugin snapshot", field=field, id=snapshot_id)
    return [plugin_of[s] for s in snapshot_ids]


def _shape_of(request, pk: int) -> dict:
    entrypoint = get_or_404(entrypoint_rows(request.user), pk, "entrypoint")
    load_plugin_files([entrypoint])
    return entrypoint_shape(entrypoint)


def _saved_or_validated(request, save, *, unsaved: tuple[str, ...]) -> Response:
    """Runs ``save`` and answers the saved entrypoint; with ``validateOnly``
    (Dioptra 1.2.2) the same checks run, nothing is kept, and the answer
    leaves out the ``unsaved`` keys."""
    validate_only = query_bool(request, "validateOnly")
    with transaction.atomic(), workflow_errors_answered():
        entrypoint = save()
        shape = _shape_of(request, entrypoint.pk)
        if validate_only:
            transaction.set_rollback(True)
    if validate_only:
        shape = {key: value for key, value in shape.items() if key not in unsaved}
    return Response(shape)


@api_view(["GET", "POST"])
def entrypoint_collection(request):
    if request.method == "POST":
        return entrypoint_create(request)
    return Response(ENTRYPOINT_LIST.page(request))


def entrypoint_create(request):
    body = parse_body(request, NEW_ENTRYPOINT)
    return _saved_or_validated(
        request,
        lambda: create_entrypoint(
            user=request.user,
            group_id=body["group"],
            plugin_ids=body["plugins"],
            artifact_plugin_ids=body["artifactPlugins"],
            **entrypoint_arguments(body),
        ),
        unsaved=UNSAVED_ON_CREATE,
    )


def visible_entrypoint(request, pk: int) -> Entrypoint:
    """The entrypoint with its live queues; 404 if unseen (changes answer 403
    from the domain when it is read-only)."""
    rows = Entrypoint.objects.visible_to(request.user).select_related("group")
    return get_or_404(rows.prefetch_related(live_queues()), pk, "entrypoint")


@api_view(["GET", "PUT", "DELETE"])
def entrypoint_detail(request, pk: int):
    if request.method == "PUT":
        body = parse_body(request, CHANGED_ENTRYPOINT)
        entrypoint = visible_entrypoint(request, pk)
        plugin_ids = _plugins_of_snapshots(body["pluginSnapshotIds"], field="pluginSnapshotIds")
        artifact_plugin_ids = _plugins_of_snapshots(
            body["artifactPluginSnapshotIds"], field="artifactPluginSnapshotIds"
        )
        return _saved_or_validated(
            request,
            lambda: update_entrypoint(
                user=request.user,
                entrypoint=entrypoint,
                plugin_ids=plugin_ids,
                artifact_plugin_ids=artifact_plugin_ids,
                **entrypoint_arguments(body),
            ),
            unsaved=UNSAVED_ON_MODIFY,
        )
    if request.method == "DELETE":
        delete_resource(user=request.user, resource=visible_entrypoint(request, pk))
        return Response({"status": "Success", "id": [pk]})
    return Response(_shape_of(request, pk))


def _queue_refs(entrypoint: Entrypoint) -> list[dict]:
    return [resource_ref(q) for q in entrypoint.queues.all()]


@api_view(["GET", "POST", "PUT", "DELETE"])
def entrypoint_queues(request, pk: int):
    """GET lists, POST appends, PUT replaces, DELETE removes all queues.
    As in Dioptra, queue changes make no new snapshot."""
    if request.method in {"POST", "PUT"}:
        ids = parse_body(request, IDS_BODY)["ids"]
        entrypoint = visible_entrypoint(request, pk)
        if request.method == "POST":
            ids = [q.pk for q in entrypoint.queues.all()] + ids
        set_entrypoint_queues(user=request.user, entrypoint=entrypoint, queue_ids=ids)
        return Response(_queue_refs(visible_entrypoint(request, pk)))
    entrypoint = visible_entrypoint(request, pk)
    if request.method == "DELETE":
        removed = [q.pk for q in entrypoint.queues.all()]
        set_entrypoint_queues(user=request.user, entrypoint=entrypoint, queue_ids=[])
        return Response({"status": "Success", "id": removed})
    return Response(_queue_refs(entrypoint))


@api_view(["DELETE"])
def entrypoint_queue_detail(request, pk: int, queue_id: int):
    entrypoint = visible_entrypoint(request, pk)
    current = [q.pk for q in entrypoint.queues.all()]
    if queue_id not in current:
        raise NotFoundError("queue", entrypoint_id=pk, queue_id=queue_id)
    remaining = [i for i in current if i != queue_id]
    set_entrypoint_queues(user=request.user, entrypoint=entrypoint, queue_ids=remaining)
    return Response({"status": "Success", "id": [queue_id]})


# Pinned plugins ------------------------------------------------------------------


def _plugin_shapes(request, pk: int, *, artifact: bool) -> list[dict]:
    entrypoint = get_or_404(entrypoint_rows(request.user), pk, "entrypoint")
    load_plugin_files([entrypoint])
    return [
        entrypoint_plugin_shape(p)
        for p in entrypoint.pinned_plugins.all()
        if p.is_artifact_plugin == artifact
    ]


def _pins(entrypoint: Entrypoint, *, artifact: bool) -> list[EntrypointPlugin]:
    return list(entrypoint.pinned_plugins.filter(is_artifact_plugin=artifact).order_by("id"))


def _attach_plugins(request, pk: int, *, artifact: bool) -> Response:
    """Attaches plugins at their latest snapshots; ones already attached are
    brought up to date, the others keep their pinned snapshot."""
    key = "artifactPlugins" if artifact else "plugins"
    plugin_ids = parse_body(request, {key: Field(id_list, required=True)})[key]
    entrypoint = visible_entrypoint(request, pk)
    current = _pins(entrypoint, artifact=artifact)
    attached = {p.plugin_id for p in current}
    pins = [
        (p.plugin_id, None if p.plugin_id in plugin_ids else p.plugin_snapshot_id) for p in current
    ]
    pins += [(plugin_id, None) for plugin_id in plugin_ids if plugin_id not in attached]
    with workflow_errors_answered():
        pin_entrypoint_plugins(
            user=request.user, entrypoint=entrypoint, pins=pins, is_artifact_plugin=artifact
        )
    return Response(_plugin_shapes(request, pk, artifact=artifact))


def _plugin_detail(request, pk: int, plugin_id: int, *, artifact: bool) -> Response:
    """GET one pinned plugin; DELETE detaches it (a new snapshot)."""
    what = "artifact plugin" if artifact else "plugin"
    if request.method == "DELETE":
        entrypoint = visible_entrypoint(request, pk)
        current = _pins(entrypoint, artifact=artifact)
        if plugin_id not in {p.plugin_id for p in current}:
            raise NotFoundError(what, entrypoint_id=pk, plugin_id=plugin_id)
        pins = [(p.plugin_id, p.plugin_snapshot_id) for p in current if p.plugin_id != plugin_id]
        with workflow_errors_answered():
            pin_entrypoint_plugins(
                user=request.user, entrypoint=entrypoint, pins=pins, is_artifact_plugin=artifact
            )
        return Response({"status": "Success", "id": [plugin_id]})
    for shape in _plugin_shapes(request, pk, artifact=artifact):
        if shape["id"] == plugin_id:
            return Response(shape)
    raise NotFoundError(what, entrypoint_id=pk, plugin_id=plugin_id)


@api_view(["GET", "POST"])
def entrypoint_plugins(request, pk: int):
    if request.method == "POST":
        return _attach_plugins(request, pk, artifact=False)
    return Response(_plugin_shapes(request, pk, artifact=False))


@api_view(["GET", "DELETE"])
def entrypoint_plugin_detail(request, pk: int, plugin_id: int):
    return _plugin_detail(request, pk, plugin_id, artifact=False)


@api_view(["GET", "POST"])
def entrypoint_artifact_plugins(request, pk: int):
    if request.method == "POST":
        return _attach_plugins(request, pk, artifact=True)
    return Response(_plugin_shapes(request, pk, artifact=True))


@api_view(["GET", "DELETE"])
def entrypoint_artifact_plugin_detail(request, pk: int, plugin_id: int):
    return _plugin_detail(request, pk, plugin_id, artifact=True)


@api_view(["GET"])
def entrypoint_snapshot_config(request, pk: int, snapshot_id: int):
    """The experiment description (engine contract §1.1) this snapshot runs."""
    entrypoint = visible_entrypoint(request, pk)
    snapshot = entrypoint.snapshots().filter(pk=snapshot_id).first()
    if snapshot is None:
        raise NotFoundError("entry_point_snapshot", id=pk, snapshot_id=snapshot_id)
    description, issues = entrypoint_description(snapshot.data, group_id=entrypoint.group_id)
    if description is None:
        raise InvalidYamlError(
            "; ".join(issue.message for issue in issues), detail=_issues_detail(issues)
        )
    # Not DRF's strict renderer: a graph may hold YAML's .nan or .inf, which
    # Dioptra's server (and Python's json) write as NaN and Infinity.
    return JsonResponse(description, encoder=DjangoJSONEncoder)
