"""Plugin bundles: the files of pinned plugin snapshots as one archive.

A worker (Dioptra's, or anyone reproducing a job by hand) downloads the code
an entrypoint snapshot runs, or one plugin snapshot's files::

    GET /plugins/{id}/snapshots/{sid}/files/bundle?fileType=tar_gz|zip
    GET /entrypoints/{id}/snapshots/{sid}/plugins/bundle?fileType=...
    GET /entrypoints/{id}/snapshots/{sid}/artifactPlugins/bundle?fileType=...
    GET /entrypoints/{id}/snapshots/{sid}/artifactPlugins     (the pinned plugins, as JSON)

Each archive holds ``<plugin name>/<filename>`` for every file of every plugin
snapshot, exactly as that snapshot recorded it, and ``manifest.json``, which
says what is inside (Dioptra writes ``{}`` there; we write a real one)::

    {"entrypoint": {"id", "snapshotId", "name"},      # entrypoint bundles only
     "plugins": [{"id", "snapshotId", "name",
                  "files": [{"id", "snapshotId", "filename",
                             "tasks": {"functions": [names], "artifacts": [names]}}]}]}

The archives are built in memory from the snapshots (plugin files are source
text, small), so a later edit or deletion of a plugin never changes them.
"""

import io
import json
import tarfile
import time
import zipfile
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.errors import NotFoundError
from experiments.models import Entrypoint, EntrypointPlugin, Plugin, Snapshot
from experiments.workflows import plugin_snapshots

from .errors import FieldErrors
from .lookups import get_or_404
from .shapes.entrypoints import entrypoint_plugin_shape, load_pinned_plugin_files

# fileType -> (content type, suffix), as Dioptra names them.
FILE_TYPES = {"tar_gz": ("application/gzip", ".tar.gz"), "zip": ("application/zip", ".zip")}
MANIFEST = "manifest.json"


def requested_file_type(request) -> str:
    file_type = request.query_params.get("fileType", "tar_gz")
    if file_type not in FILE_TYPES:
        raise FieldErrors({"fileType": [f"Must be one of: {', '.join(FILE_TYPES)}."]})
    return file_type


def _snapshot_of(resource, snapshot_id: int, what: str) -> Snapshot:
    snapshot = resource.snapshots().filter(pk=snapshot_id).first()
    if snapshot is None:
        raise NotFoundError(f"{what} snapshot", id=resource.pk, snapshot_id=snapshot_id)
    return snapshot


def manifest_plugin(plugin: dict[str, Any]) -> dict[str, Any]:
    """What the manifest says of one plugin snapshot (no source text)."""
    return {
        "id": plugin["id"],
        "snapshotId": plugin["snapshotId"],
        "name": plugin["name"],
        "files": [
            {
                "id": file["id"],
                "snapshotId": file["snapshotId"],
                "filename": file["filename"],
                "tasks": {
                    kind + "s": [t["name"] for t in file.get("tasks", []) if _kind(t) == kind]
                    for kind in ("function", "artifact")
                },
            }
            for file in plugin["files"]
        ],
    }


def _kind(task: dict[str, Any]) -> str:
    return task.get("kind", "function")


def bundle_members(
    plugins: Sequence[dict[str, Any]], *, entrypoint: dict | None = None
) -> list[tuple[str, bytes]]:
    """(path in the archive, bytes) of every plugin file, then the manifest."""
    manifest: dict[str, Any] = {} if entrypoint is None else {"entrypoint": entrypoint}
    manifest["plugins"] = [manifest_plugin(p) for p in plugins]
    members = [
        (f"{plugin['name']}/{file['filename']}", file["contents"].encode())
        for plugin in plugins
        for file in plugin["files"]
    ]
    members.append((MANIFEST, json.dumps(manifest, indent=2).encode()))
    return members


def archive(members: Sequence[tuple[str, bytes]], file_type: str) -> bytes:
    buffer = io.BytesIO()
    if file_type == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path, data in members:
                bundle.writestr(path, data)
    else:
        now = int(time.time())
        with tarfile.open(fileobj=buffer, mode="w:gz") as bundle:
            for path, data in members:
                info = tarfile.TarInfo(path)
                info.size = len(data)
                info.mtime = now
                info.mode = 0o644
                bundle.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def bundle_response(members, *, file_type: str, stem: str) -> HttpResponse:
    content_type, suffix = FILE_TYPES[file_type]
    response = HttpResponse(archive(members, file_type), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}{suffix}"'
    return response


@api_view(["GET"])
def plugin_snapshot_bundle(request, pk: int, snapshot_id: int):
    """The files of one plugin snapshot (Dioptra names the download plugins_bundle)."""
    file_type = requested_file_type(request)
    plugin = get_or_404(Plugin.objects.visible_to(request.user), pk, "plugin")
    snapshot = _snapshot_of(plugin, snapshot_id, "plugin")
    members = bundle_members(plugin_snapshots([snapshot.pk]))
    return bundle_response(members, file_type=file_type, stem="plugins_bundle")


def _entrypoint_snapshot(request, pk: int, snapshot_id: int) -> Snapshot:
    entrypoint = get_or_404(Entrypoint.objects.visible_to(request.user), pk, "entrypoint")
    return _snapshot_of(entrypoint, snapshot_id, "entry_point")


def _pinned_bundle(request, pk: int, snapshot_id: int, *, key: str, stem: str) -> HttpResponse:
    file_type = requested_file_type(request)
    snapshot = _entrypoint_snapshot(request, pk, snapshot_id)
    plugins = plugin_snapshots(p["snapshotId"] for p in snapshot.data.get(key, []))
    entrypoint = {"id": pk, "snapshotId": snapshot.pk, "name": snapshot.data.get("name")}
    members = bundle_members(plugins, entrypoint=entrypoint)
    return bundle_response(members, file_type=file_type, stem=stem)


@api_view(["GET"])
def entrypoint_snapshot_plugins_bundle(request, pk: int, snapshot_id: int):
    """The function plugins an entrypoint snapshot pinned."""
    return _pinned_bundle(request, pk, snapshot_id, key="plugins", stem="plugins_bundle")


@api_view(["GET"])
def entrypoint_snapshot_artifact_plugins_bundle(request, pk: int, snapshot_id: int):
    """The artifact plugins (handlers that save and load artifacts) it pinned."""
    return _pinned_bundle(
        request, pk, snapshot_id, key="artifactPlugins", stem="artifact_serialize_bundle"
    )


@api_view(["GET"])
def entrypoint_snapshot_artifact_plugins(request, pk: int, snapshot_id: int):
    """``[EntrypointPlugin]``: the artifact plugins as that snapshot pinned them."""
    snapshot = _entrypoint_snapshot(request, pk, snapshot_id)
    recorded = snapshot.data.get("artifactPlugins", [])
    plugins = Plugin.objects.in_bulk({p["id"] for p in recorded})
    plugin_snapshots_by_id = Snapshot.objects.in_bulk({p["snapshotId"] for p in recorded})
    pinned = [
        EntrypointPlugin(
            plugin=plugins[p["id"]],
            plugin_snapshot=plugin_snapshots_by_id[p["snapshotId"]],
            is_artifact_plugin=True,
        )
        for p in recorded
        if p["id"] in plugins and p["snapshotId"] in plugin_snapshots_by_id
    ]
    load_pinned_plugin_files(pinned)
    return Response([entrypoint_plugin_shape(p) for p in pinned])
