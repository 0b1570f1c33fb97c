"""Artifacts: what jobs saved, their descriptions, file listings and contents."""

import mimetypes
import posixpath
from urllib.parse import quote

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
from experiments.errors import InvalidInputError
from experiments.models import Artifact
from experiments.search import tag_field, text_field

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


@api_view(["GET"])
def artifact_collection(request):
    rows = search(request, artifact_rows(request.user), ARTIFACT_SEARCH)
    rows = sort(request, in_requested_group(request, rows), ARTIFACT_SORTS)
    return Response(paged(request, rows, route="artifacts", shape=artifact_shape))


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


def contents_response(artifact: Artifact, *, path: str | None, file_type: str | None):
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
