"""Drafts of queues, experiments, entrypoints, plugins, plugin files, plugin
parameter types and models, and committing a draft.

One set of views serves every resource type; ``DRAFTABLE`` says, per type,
where its drafts live and which fields they take: a new-resource draft takes
the resource's POST body, a change draft its PUT body. Routes under
``/{r}`` (``{r}`` = ``plugins/{id}/files`` for plugin files):

- ``GET,POST /{r}/drafts`` and ``GET,PUT,DELETE /{r}/drafts/{draftId}``: the
  caller's drafts (``draftType`` all|existing|new, ``groupId``); POST makes a
  new-resource draft.
- ``GET,POST,PUT,DELETE /{r}/{id}/draft``: the caller's draft of changes to
  one resource; PUT takes ``{"resourceSnapshot", "resourceData"}``.
- ``POST /workflows/draftCommit/{draftId}``: create or change the resource.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.definitions import (
    create_entrypoint,
    create_experiment,
    create_model,
    create_parameter_type,
    create_plugin,
    create_plugin_file,
    create_queue,
    update_entrypoint,
    update_experiment,
    update_model,
    update_parameter_type,
    update_plugin,
    update_plugin_file,
    update_queue,
)
from experiments.drafts import (
    ALL,
    DRAFT_TYPES,
    DraftDoesNotExistError,
    DraftKind,
    commit_draft,
    create_change_draft,
    create_draft,
    delete_draft,
    drafts_of,
    own_change_draft,
    own_draft,
    update_change_draft,
    update_draft,
)
from experiments.models import Draft, Resource

from . import entrypoints, experiments, models, parameter_types, plugins, queues
from .errors import FieldErrors
from .listing import in_requested_group
from .paging import paged
from .parsing import Field, integer, object_of, parse_body
from .shapes.drafts import draft_rows, draft_shape
from .versioned import (
    ENTRYPOINTS,
    EXPERIMENTS,
    MODELS,
    PARAMETER_TYPES,
    PLUGIN_FILES,
    PLUGINS,
    QUEUES,
    Versioned,
)

# Create and update calls per resource type, from a draft's checked payload.


def _named(payload: dict) -> dict:
    return {"name": payload["name"], "description": payload["description"]}


def _file(payload: dict) -> dict:
    return {
        "filename": payload["filename"],
        "contents": payload["contents"],
        "description": payload["description"],
        "tasks": plugins.task_specs(payload["tasks"]),
    }


QUEUE = DraftKind(
    "queue",
    QUEUES.model,
    create=lambda *, user, group_id, parent, payload: create_queue(
        user=user, group_id=group_id, **_named(payload)
    ),
    update=lambda *, user, resource, payload: update_queue(
        user=user, queue=resource, **_named(payload)
    ),
)
EXPERIMENT = DraftKind(
    "experiment",
    EXPERIMENTS.model,
    create=lambda *, user, group_id, parent, payload: create_experiment(
        user=user, group_id=group_id, entrypoint_ids=payload["entrypoints"], **_named(payload)
    ),
    update=lambda *, user, resource, payload: update_experiment(
        user=user, experiment=resource, entrypoint_ids=payload["entrypoints"], **_named(payload)
    ),
)
ENTRYPOINT = DraftKind(
    "entry_point",
    ENTRYPOINTS.model,
    create=lambda *, user, group_id, parent, payload: create_entrypoint(
        user=user,
        group_id=group_id,
        plugin_ids=payload["plugins"],
        artifact_plugin_ids=payload["artifactPlugins"],
        **entrypoints.entrypoint_arguments(payload),
    ),
    # As a PUT does, a change keeps the pinned plugins.
    update=lambda *, user, resource, payload: update_entrypoint(
        user=user, entrypoint=resource, **entrypoints.entrypoint_arguments(payload)
    ),
)
PLUGIN = DraftKind(
    "plugin",
    PLUGINS.model,
    create=lambda *, user, group_id, parent, payload: create_plugin(
        user=user, group_id=group_id, **_named(payload)
    ),
    update=lambda *, user, resource, payload: update_plugin(
        user=user, plugin=resource, **_named(payload)
    ),
)
PLUGIN_FILE = DraftKind(
    "plugin_file",
    PLUGIN_FILES.model,
    create=lambda *, user, group_id, parent, payload: create_plugin_file(
        user=user, plugin=parent, **_file(payload)
    ),
    update=lambda *, user, resource, payload: update_plugin_file(
        user=user, file=resource, **_file(payload)
    ),
    parent_field="plugin",
)
PARAMETER_TYPE = DraftKind(
    "plugin_task_parameter_type",
    PARAMETER_TYPES.model,
    create=lambda *, user, group_id, parent, payload: create_parameter_type(
        user=user, group_id=group_id, structure=payload["structure"], **_named(payload)
    ),
    update=lambda *, user, resource, payload: update_parameter_type(
        user=user, parameter_type=resource, structure=payload["structure"], **_named(payload)
    ),
)
MODEL = DraftKind(
    "ml_model",
    MODELS.model,
    create=lambda *, user, group_id, parent, payload: create_model(
        user=user, group_id=group_id, **_named(payload)
    ),
    update=lambda *, user, resource, payload: update_model(
        user=user, model=resource, **_named(payload)
    ),
)


@dataclass(frozen=True)
class Draftable:
    """A resource type with drafts: where it lives, how its drafts' bodies parse
    (the resource's own POST and PUT fields) and how they are committed."""

    versioned: Versioned
    kind: DraftKind
    new_fields: Mapping[str, Field]  # POST /{r}/drafts: the resource's POST body
    change_fields: Mapping[str, Field]  # POST /{r}/{id}/draft: the resource's PUT body
    parent: Versioned | None = None  # plugin files live in a plugin

    @property
    def collection(self) -> str:
        """The URL pattern of the resource's collection, e.g. ``queues``."""
        return self.versioned.prefix.rsplit("/", 1)[0]

    @property
    def new_fields_without_group(self) -> dict[str, Field]:
        """``PUT /{r}/drafts/{id}``: a new draft's fields but the group."""
        return {key: field for key, field in self.new_fields.items() if key != "group"}


DRAFTABLE = [
    Draftable(QUEUES, QUEUE, queues.NEW_QUEUE, queues.QUEUE_DEFINITION),
    Draftable(
        EXPERIMENTS, EXPERIMENT, experiments.NEW_EXPERIMENT, experiments.EXPERIMENT_DEFINITION
    ),
    Draftable(ENTRYPOINTS, ENTRYPOINT, entrypoints.NEW_ENTRYPOINT, entrypoints.DEFINITION),
    Draftable(PLUGINS, PLUGIN, plugins.NEW_PLUGIN, plugins.PLUGIN_DEFINITION),
    Draftable(PLUGIN_FILES, PLUGIN_FILE, plugins.PLUGIN_FILE, plugins.PLUGIN_FILE, parent=PLUGINS),
    Draftable(
        PARAMETER_TYPES,
        PARAMETER_TYPE,
        parameter_types.NEW_PARAMETER_TYPE,
        parameter_types.DEFINITION,
    ),
    Draftable(
        MODELS,
        MODEL,
        {"group": Field(integer, required=True), **models.DEFINITION},  # models' POST body
        models.DEFINITION,
    ),
]
KINDS = {draftable.kind.resource_type: draftable.kind for draftable in DRAFTABLE}


def _draft_response(request, pk: int) -> Response:
    return Response(draft_shape(draft_rows(request.user).get(pk=pk)))


def _draft_type(request) -> str:
    draft_type = request.query_params.get("draftType") or ALL
    if draft_type not in DRAFT_TYPES:
        raise FieldErrors({"draftType": [f"Must be one of: {', '.join(DRAFT_TYPES)}."]})
    return draft_type


def _with_draft_type(page: dict, draft_type: str) -> dict:
    """Dioptra's draft lists carry the type in their paging URLs, in snake case."""
    for key in ("first", "prev", "next"):
        if key in page:
            page[key] += f"&draft_type={draft_type}"
    return page


def _route(pattern: str, **ids: int) -> str:
    for key, value in ids.items():
        pattern = pattern.replace(f"<id:{key}>", str(value))
    return pattern


def draft_views(draftable: Draftable):
    """The three views of one resource type's drafts."""
    kind = draftable.kind

    def parent_of(request, ids: dict) -> Resource | None:
        return draftable.parent.find(request, **ids) if draftable.parent else None

    @api_view(["GET", "POST"])
    def draft_collection(request, **ids):
        """GET lists the caller's drafts; POST starts a draft of a new resource."""
        if request.method == "POST":
            payload = parse_body(request, draftable.new_fields)
            group_id = payload.pop("group", None)
            draft = create_draft(
                user=request.user,
                kind=kind,
                payload=payload,
                group_id=group_id,
                parent=parent_of(request, ids),
            )
            return _draft_response(request, draft.pk)
        draft_type = _draft_type(request)
        parent = parent_of(request, ids)
        rows = drafts_of(draft_rows(request.user), kind, parent=parent, draft_type=draft_type)
        rows = in_requested_group(request, rows).order_by("id")
        route = f"{_route(draftable.collection, **ids)}/drafts"
        page = paged(request, rows, route=route, shape=draft_shape)
        return Response(_with_draft_type(page, draft_type))

    @api_view(["GET", "PUT", "DELETE"])
    def draft_detail(request, draft_id: int, **ids):
        """One of the caller's drafts, by its id."""
        drafts = drafts_of(Draft.objects.all(), kind, parent=parent_of(request, ids))
        draft = own_draft(drafts, request.user, pk=draft_id)
        if request.method == "PUT":
            if draft.resource_id is None:
                payload = parse_body(request, draftable.new_fields_without_group)
            else:
                payload = parse_body(request, draftable.change_fields)
            update_draft(draft=draft, payload=payload)
        elif request.method == "DELETE":
            delete_draft(draft=draft)
            return Response({"status": "Success", "id": [draft_id]})
        return _draft_response(request, draft.pk)

    change_body = {
        "resourceSnapshot": Field(integer, required=True),
        "resourceData": Field(object_of(draftable.change_fields), required=True),
    }

    @api_view(["GET", "POST", "PUT", "DELETE"])
    def resource_draft(request, **ids):
        """The caller's draft of changes to one resource."""
        if request.method == "POST":
            payload = parse_body(request, draftable.change_fields)
            resource = draftable.versioned.find(request, **ids)
            draft = create_change_draft(user=request.user, resource=resource, payload=payload)
            return _draft_response(request, draft.pk)
        body = parse_body(request, change_body) if request.method == "PUT" else None
        resource = draftable.versioned.find(request, **ids)
        draft = own_change_draft(Draft.objects.all(), request.user, resource)
        if body is not None:
            update_change_draft(
                draft=draft,
                resource_snapshot_id=body["resourceSnapshot"],
                payload=body["resourceData"],
            )
        elif request.method == "DELETE":
            draft_id = draft.pk  # gone once deleted
            delete_draft(draft=draft)
            return Response({"status": "Success", "id": [draft_id]})
        return _draft_response(request, draft.pk)

    return draft_collection, draft_detail, resource_draft


@api_view(["POST"])
def draft_commit(request, draft_id: int):
    """Creates the resource a new draft describes, or applies a change draft
    if its resource has not changed since; the draft is then deleted."""
    draft = own_draft(Draft.objects.select_related("base_snapshot"), request.user, pk=draft_id)
    kind = KINDS.get(draft.resource_type)
    if kind is None:
        raise DraftDoesNotExistError(id=draft_id)
    with entrypoints.workflow_errors_answered():
        ids = commit_draft(user=request.user, draft=draft, kind=kind)
    return Response({"status": "Success", "id": ids})


def _routes() -> list[tuple[str, object, str]]:
    routes = []
    for draftable in DRAFTABLE:
        draft_collection, draft_detail, resource_draft = draft_views(draftable)
        name = draftable.versioned.name
        routes += [
            (f"{draftable.collection}/drafts", draft_collection, f"{name}-drafts"),
            (
                f"{draftable.collection}/drafts/<id:draft_id>",
                draft_detail,
                f"{name}-draft-by-id",
            ),
            (f"{draftable.versioned.prefix}/draft", resource_draft, f"{name}-draft"),
        ]
    routes.append(("workflows/draftCommit/<id:draft_id>", draft_commit, "draft-commit"))
    return routes


# (pattern, view, name) of every draft route, for urls.py.
ROUTES = _routes()
