"""Artifacts: what jobs saved, their descriptions, file listings and contents."""

import mimetypes
import posixpath
from urllib.parse import quote

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import FileResponse, HttpResponse
from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.artifacts import (
    ARCHIVE_TYPES,
    artifact_files,
    clean_member_path,
    directory_archive,
    modify_artifact,
    stored_name,
)
from experiments.errors import InvalidInputError, NotFoundError
from experiments.models import Artifact, Job, PluginTask, PluginTaskParameter
from experiments.registered_artifacts import clean_artifact_uri, register_artifact
from experiments.search import tag_field, text_field

from .errors import ApiError, FieldErrors
from .listing import in_requested_group, search, sort
from .lookups import get_or_404
from .paging import paged
from .parsing import Field, integer, nullable, parse_body, text
from .shapes.artifacts import artifact_contents_url, artifact_rows, artifact_shape

ARTIFACT_SEARCH = {
    "artifactUri": text_field("uri"),
    "description": text_field("description"),
    "tag": tag_field(Artifact),
}
ARTIFACT_SORTS = {
    "uri": "uri",
    "createdOn": "created_on",
    "lastModifiedOn": "last_modified_on",
    "description": "description",
    "job": "job_id",
}
CHANGED_ARTIFACT = {
    "description": Field(nullable(text)),
    "pluginSnapshotId": Field(nullable(integer)),
    "taskId": Field(nullable(integer)),
}


def artifact_uri(value) -> str:
    try:
        return clean_artifact_uri(text(value))
    except InvalidInputError as error:
        raise ValueError(error.message) from None


NEW_ARTIFACT = {
    "group": Field(integer, required=True),
    "job": Field(integer, required=True),
    "artifactUri": Field(artifact_uri, required=True),
    **CHANGED_ARTIFACT,
}


class ArtifactNotStoredError(ApiError):
    """An artifact registered by its URI only: this server holds no bytes of it."""

    status = 404
    error = "EntityDoesNotExistError"


def require_stored(artifact: Artifact) -> None:
    if not artifact.file:
        raise ArtifactNotStoredError(
            f"Artifact {artifact.pk} was registered by its URI ({artifact.uri}) only; this "
            "server stores no contents for it. Fetch it from that URI.",
            detail={"entity_type": "artifact contents", "id": artifact.pk},
        )


def output_types_filter(request) -> list[int] | None:
    """``outputParams=3,3,5``: parameter type ids, in the order of the task's outputs."""
    raw = request.query_params.get("outputParams", "").strip()
    if not raw:
        return None
    try:
        return [int(part) for part in raw.split(",")]
    except ValueError:
        raise FieldErrors(
            {"outputParams": ["Must be parameter type ids separated by commas, e.g. 3,5."]}
        ) from None


def with_output_types(rows: QuerySet[Artifact], type_ids: list[int]) -> QuerySet[Artifact]:
    """Artifacts whose artifact task's outputs have exactly these types, in this order."""
    output = PluginTaskParameter.Direction.OUTPUT
    tasks = PluginTask.objects.annotate(
        output_count=Count("parameters", filter=Q(parameters__direction=output))
    ).filter(output_count=len(type_ids))
    for position, type_id in enumerate(type_ids):
        tasks = tasks.filter(
            Exists(
                PluginTaskParameter.objects.filter(
                    task=OuterRef("pk"),
                    direction=output,
                    position=position,
                    parameter_type_id=type_id,
                )
            )
        )
    return rows.filter(task__in=tasks.values("pk"))


@api_view(["GET", "POST"])
def artifact_collection(request):
    if request.method == "POST":
        return artifact_create(request)
    rows = search(request, artifact_rows(request.user), ARTIFACT_SEARCH)
    type_ids = output_types_filter(request)
    if type_ids is not None:
        rows = with_output_types(rows, type_ids)
    rows = sort(request, in_requested_group(request, rows), ARTIFACT_SORTS)
    return Response(paged(request, rows, route="artifacts", shape=artifact_shape))


def artifact_create(request):
    """Register an artifact a job produced, by its URI (no contents are stored)."""
    body = parse_body(request, NEW_ARTIFACT)
    job = get_or_404(Job.objects.visible_to(request.user), body["job"], "job")
    artifact = register_artifact(
        user=request.user,
        job=job,
        group_id=body["group"],
        uri=body["artifactUri"],
        description=body["description"],
        plugin_snapshot_id=body["pluginSnapshotId"],
        task_id=body["taskId"],
    )
    return Response(artifact_shape(artifact_rows(request.user).get(pk=artifact.pk)))


@api_view(["GET", "PUT"])
def artifact_detail(request, pk: int):
    if request.method == "PUT":
        body = parse_body(request, CHANGED_ARTIFACT)
        modify_artifact(
            user=request.user,
            artifact=get_or_404(Artifact.objects.visible_to(request.user), pk, "artifact"),
            description=body["description"],
            plugin_snapshot_id=body["pluginSnapshotId"],
            task_id=body["taskId"],
        )
    return Response(artifact_shape(get_or_404(artifact_rows(request.user), pk, "artifact")))


@api_view(["GET"])
def artifact_files_view(request, pk: int):
    artifact = get_or_404(Artifact.objects.visible_to(request.user), pk, "artifact")
    require_stored(artifact)
    url = artifact_contents_url(artifact)
    return Response(
        [
            {
                "relativePath": file.relative_path,
                "isDir": file.is_dir,
                "fileSize": file.size,
                "fileUrl": f"{url}?path={quote(file.relative_path, safe='')}"
                if artifact.is_dir
                else url,
            }
            for file in artifact_files(artifact)
        ]
    )


@api_view(["GET"])
def artifact_contents(request, pk: int):
    """A file artifact's bytes; a directory as an archive (``fileType``: tar_gz,
    the default, or zip), or one of its files (``path``)."""
    artifact = get_or_404(Artifact.objects.visible_to(request.user), pk, "artifact")
    return contents_response(
        artifact,
        path=request.query_params.get("path"),
        file_type=request.query_params.get("fileType"),
    )


@api_view(["GET"])
def artifact_snapshot_contents(request, pk: int, snapshot_id: int):
    """The contents as of one snapshot. A snapshot changes only the description
    and the task; the bytes a job saved never change, so they are the same."""
    artifact = get_or_404(Artifact.objects.visible_to(request.user), pk, "artifact")
    if not artifact.snapshots().filter(pk=snapshot_id).exists():
        raise NotFoundError("artifact snapshot", id=pk, snapshot_id=snapshot_id)
    return contents_response(
        artifact,
        path=request.query_params.get("path"),
        file_type=request.query_params.get("fileType"),
    )


def contents_response(artifact: Artifact, *, path: str | None, file_type: str | None):
    require_stored(artifact)
    name = stored_name(artifact)
    if file_type is not None and file_type not in ARCHIVE_TYPES:
        raise InvalidInputError(
            f"fileType must be one of {', '.join(ARCHIVE_TYPES)}, not {file_type!r}.",
            field="fileType",
        )
    if not artifact.is_dir:
        if path is not None or file_type is not None:
            raise InvalidInputError(
                f"Artifact {artifact.pk} is a single file: it takes no path or fileType.",
                field="path" if path is not None else "fileType",
            )
        filename = posixpath.basename(name)
        return FileResponse(
            artifact.file.open("rb"), filename=filename, content_type=_content_type(filename)
        )
    member = clean_member_path(path) if path is not None else None
    data, filename = directory_archive(artifact, path=member, file_type=file_type or "tar_gz")
    response = HttpResponse(data, content_type=_content_type(filename))
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


def _content_type(filename: str) -> str:
    if filename.endswith(".tar.gz"):
        return "application/gzip"
    return mimetypes.guess_type(filename)[0] or "application/octet-stream"
