"""Snapshots: the history of every versioned resource.

``GET .../{id}/snapshots`` lists a resource's snapshots oldest first (paged,
searchable by the fields each snapshot recorded); ``GET .../{id}/snapshots/{sid}``
shows one. One pair of views serves every resource type (versioned.py says
where each lives); shapes/snapshots.py shapes each type.
"""

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.fields.json import KeyTextTransform
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.errors import NotFoundError
from experiments.models import Resource
from experiments.search import FieldMatcher, Like
from experiments.tagging import attached_tags

from .listing import search
from .paging import paged
from .schema import PAGING_PARAMETERS, SEARCH_PARAMETER
from .shapes.common import tag_ref
from .shapes.snapshots import (
    SnapshotShapes,
    artifact_snapshots,
    entrypoint_snapshots,
    experiment_snapshots,
    job_snapshots,
    model_snapshots,
    parameter_type_snapshots,
    plugin_file_snapshots,
    plugin_snapshots,
    queue_snapshots,
)
from .versioned import (
    ARTIFACTS,
    ENTRYPOINTS,
    EXPERIMENTS,
    JOBS,
    MODELS,
    PARAMETER_TYPES,
    PLUGIN_FILES,
    PLUGINS,
    QUEUES,
    WITH_SNAPSHOTS,
    Versioned,
)


def recorded_field(key: str) -> FieldMatcher:
    """A field as the snapshot recorded it."""
    return lambda pattern: Q(Like(KeyTextTransform(key, "data"), pattern))


def resource_field(model: type[Resource], path: str) -> FieldMatcher:
    """A field every snapshot shares with its resource (e.g. its tags)."""

    def matcher(pattern: str) -> Q:
        matching = model.objects.filter(pk=OuterRef("resource_id")).filter(Like(F(path), pattern))
        return Q(Exists(matching))

    return matcher


def named_fields(model: type[Resource]) -> dict[str, FieldMatcher]:
    return {
        "name": recorded_field("name"),
        "description": recorded_field("description"),
        "tag": resource_field(model, "tags__name"),
    }


# What each type's snapshots show, and the fields a search may name (as its list's).
SNAPSHOTS: dict[Versioned, tuple[SnapshotShapes, dict[str, FieldMatcher]]] = {
    QUEUES: (queue_snapshots, named_fields(QUEUES.model)),
    EXPERIMENTS: (experiment_snapshots, named_fields(EXPERIMENTS.model)),
    PARAMETER_TYPES: (parameter_type_snapshots, named_fields(PARAMETER_TYPES.model)),
    MODELS: (model_snapshots, named_fields(MODELS.model)),
    PLUGINS: (plugin_snapshots, named_fields(PLUGINS.model)),
    ENTRYPOINTS: (
        entrypoint_snapshots,
        {
            **named_fields(ENTRYPOINTS.model),
            "task_graph": recorded_field("taskGraph"),
            "artifact_graph": recorded_field("artifactGraph"),
        },
    ),
    PLUGIN_FILES: (
        plugin_file_snapshots,
        {
            "filename": recorded_field("filename"),
            "description": recorded_field("description"),
            "contents": recorded_field("contents"),
            "tag": resource_field(PLUGIN_FILES.model, "tags__name"),
        },
    ),
    JOBS: (
        job_snapshots,
        {
            "description": recorded_field("description"),
            "status": recorded_field("status"),
            "timeout": resource_field(JOBS.model, "timeout"),
            "tag": resource_field(JOBS.model, "tags__name"),
        },
    ),
    ARTIFACTS: (
        artifact_snapshots,
        {
            "artifactUri": resource_field(ARTIFACTS.model, "uri"),
            "description": recorded_field("description"),
            "tag": resource_field(ARTIFACTS.model, "tags__name"),
        },
    ),
}


def snapshot_views(versioned: Versioned):
    """The list and detail views of one resource type's snapshots."""
    shapes, fields = SNAPSHOTS[versioned]

    def tags_of(resource: Resource) -> list[dict]:
        return [tag_ref(tag) for tag in attached_tags(resource)]

    @extend_schema(parameters=[*PAGING_PARAMETERS, SEARCH_PARAMETER])
    @api_view(["GET"])
    def snapshot_list(request, **ids):
        resource = versioned.find(request, **ids)
        tags = tags_of(resource)
        rows = resource.snapshots().select_related("user").order_by("id")
        shaped: dict[int, dict] = {}

        def prepare(page):
            shaped.update(
                zip([s.pk for s in page], shapes(request.user, resource, page, tags), strict=True)
            )

        return Response(
            paged(
                request,
                search(request, rows, fields),
                route=f"{versioned.route(**ids)}/snapshots",
                shape=lambda snapshot: shaped[snapshot.pk],
                prepare=prepare,
            )
        )

    @api_view(["GET"])
    def snapshot_detail(request, snapshot_id: int, **ids):
        resource = versioned.find(request, **ids)
        snapshot = resource.snapshots().select_related("user").filter(pk=snapshot_id).first()
        if snapshot is None:
            raise NotFoundError(
                f"{resource.resource_type}_snapshot",
                resource_id=resource.pk,
                resource_snapshot_id=snapshot_id,
            )
        (shape,) = shapes(request.user, resource, [snapshot], tags_of(resource))
        return Response(shape)

    return snapshot_list, snapshot_detail


def _routes() -> list[tuple[str, object, str]]:
    routes = []
    for versioned in WITH_SNAPSHOTS:
        snapshot_list, snapshot_detail = snapshot_views(versioned)
        routes += [
            (f"{versioned.prefix}/snapshots", snapshot_list, f"{versioned.name}-snapshots"),
            (
                f"{versioned.prefix}/snapshots/<id:snapshot_id>",
                snapshot_detail,
                f"{versioned.name}-snapshot",
            ),
        ]
    return routes


# (pattern, view, name) of every snapshot route, for urls.py.
ROUTES = _routes()
