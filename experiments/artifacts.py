"""Artifacts: changing what describes them, and reading what they hold.

A job's worker stores each artifact once (:func:`experiments.tasks.store_artifact`):
a file as it is, a directory as a ``.tar.gz`` of it. Reading a directory
artifact lists or extracts the members of that archive.
"""

import io
import posixpath
import tarfile
import zipfile
from dataclasses import dataclass

from django.db import transaction

from .definitions import require_edit
from .errors import InvalidInputError, NotFoundError
from .models import Artifact, Plugin, PluginTask, Snapshot

ARCHIVE_TYPES = {"tar_gz": ("application/gzip", ".tar.gz"), "zip": ("application/zip", ".zip")}


@transaction.atomic
def modify_artifact(
    *,
    user,
    artifact: Artifact,
    description: str | None,
    plugin_snapshot_id: int | None,
    task_id: int | None,
) -> Artifact:
    """Replace the description and the artifact task that loads the artifact
    (both None: the artifact can only be downloaded). A new snapshot."""
    require_edit(user, artifact)
    if (plugin_snapshot_id is None) != (task_id is None):
        raise InvalidInputError(
            "Give both pluginSnapshotId and taskId, or neither.",
            field="taskId" if task_id is None else "pluginSnapshotId",
        )
    task = None
    if plugin_snapshot_id is not None:
        snapshot = Snapshot.objects.filter(pk=plugin_snapshot_id, resource_type="plugin").first()
        if (
            snapshot is None
            or not Plugin.objects.visible_to(user).filter(pk=snapshot.resource_id).exists()
        ):
            raise NotFoundError("plugin snapshot", field="pluginSnapshotId", id=plugin_snapshot_id)
        file_ids = [f["id"] for f in snapshot.data.get("files", [])]
        task = PluginTask.objects.filter(pk=task_id, file_id__in=file_ids).first()
        if task is None or task.kind != PluginTask.Kind.ARTIFACT:
            raise InvalidInputError(
                f"Plugin snapshot {plugin_snapshot_id} has no artifact task with id {task_id}.",
                field="taskId",
            )
    artifact.description = description
    artifact.task = task
    artifact.plugin_snapshot_id = plugin_snapshot_id
    artifact.save(update_fields=["description", "task", "plugin_snapshot"])
    artifact.record_snapshot(user=user)
    return artifact


@dataclass(frozen=True)
class ArtifactFile:
    relative_path: str
    is_dir: bool
    size: int | None


def stored_name(artifact: Artifact) -> str:
    """The artifact's file name in storage; 404 when nothing was stored."""
    if not artifact.file:
        raise NotFoundError("artifact contents", id=artifact.pk)
    return artifact.file.name


def artifact_files(artifact: Artifact) -> list[ArtifactFile]:
    """A file artifact is one file; a directory artifact lists its members."""
    name = stored_name(artifact)
    if not artifact.is_dir:
        return [ArtifactFile(posixpath.basename(name), False, artifact.file_size)]
    with artifact.file.open("rb") as handle, tarfile.open(fileobj=handle, mode="r:gz") as tar:
        return [
            ArtifactFile(path, member.isdir(), None if member.isdir() else member.size)
            for member in tar.getmembers()
            if (path := _inside(member.name))
        ]


def _inside(member_name: str) -> str:
    """A member's path below the archive's top directory ("" for the top itself)."""
    parts = member_name.strip("/").split("/", 1)
    return parts[1] if len(parts) == 2 else ""


def clean_member_path(path: str) -> str:
    normal = posixpath.normpath(path.strip())
    if path.startswith("/") or normal.startswith("..") or "\x00" in path or normal == ".":
        raise InvalidInputError(
            f"The path {path!r} is not a path inside the artifact.", field="path"
        )
    return normal


def directory_archive(artifact: Artifact, *, path: str | None, file_type: str) -> tuple[bytes, str]:
    """(bytes, name) of a directory artifact, or of one member (a file's own
    bytes, a subdirectory as an archive of ``file_type``)."""
    with artifact.file.open("rb") as handle, tarfile.open(fileobj=handle, mode="r:gz") as tar:
        members = [(m, _inside(m.name)) for m in tar.getmembers()]
        if path is not None:
            found = next((m for m, inside in members if inside == path), None)
            if found is not None and found.isfile():
                return tar.extractfile(found).read(), posixpath.basename(path)
            # A folder, whether or not the archive has an entry of its own for it.
            members = [(m, inside) for m, inside in members if inside.startswith(path + "/")]
            if not members:
                raise NotFoundError("artifact file", id=artifact.pk, path=path)
            top = posixpath.basename(path)
        else:
            top = posixpath.basename(artifact.file.name).removesuffix(".tar.gz")
            if file_type == "tar_gz":
                handle.seek(0)
                return handle.read(), posixpath.basename(artifact.file.name)
        return _archive(tar, members, top, path, file_type), top + ARCHIVE_TYPES[file_type][1]


def _archive(tar, members, top: str, path: str | None, file_type: str) -> bytes:
    buffer = io.BytesIO()
    prefix = path + "/" if path else ""
    if file_type == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for member, inside in members:
                if member.isfile() and inside:
                    archive.writestr(
                        f"{top}/{inside.removeprefix(prefix)}", tar.extractfile(member).read()
                    )
    else:
        with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
            for member, inside in members:
                if member.isfile() and inside:
                    copy = tarfile.TarInfo(f"{top}/{inside.removeprefix(prefix)}")
                    copy.size = member.size
                    copy.mtime = member.mtime
                    archive.addfile(copy, tar.extractfile(member))
    return buffer.getvalue()
