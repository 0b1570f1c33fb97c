"""Artifacts registered by their URI (Dioptra's ``POST /artifacts``).

In Dioptra a job's worker uploads an artifact to MLflow and then registers its
URI. Our workers store what a job saves themselves
(:func:`experiments.tasks.store_artifact`); registering through the API only
records that a job produced something at a URI, for example a file the job
wrote to a shared disk or a web server. Such an artifact has no stored
contents: it is listed, described and usable as a record, and downloading its
contents answers 404 saying so.
"""

import posixpath
from urllib.parse import unquote, urlsplit

from django.db import IntegrityError, transaction

from .artifacts import modify_artifact
from .errors import ConflictError, InvalidInputError, NotAllowedError, NotFoundError
from .models import Artifact, Group, Job

URI_SCHEMES = ("file", "http", "https")
URI_MAX_LENGTH = Artifact._meta.get_field("uri").max_length


def clean_artifact_uri(uri: str) -> str:
    """The URI if it is a ``file:`` URI or an http(s) URL with a host, whose
    path is absolute and normalized (no ``.``, ``..`` or empty segments)."""
    problem = _uri_problem(uri)
    if problem:
        raise InvalidInputError(f"Invalid artifact URI {uri!r}: {problem}.", field="artifactUri")
    return uri


def _uri_problem(uri: str) -> str | None:
    if len(uri) > URI_MAX_LENGTH:
        return f"at most {URI_MAX_LENGTH} characters"
    if any(ch.isspace() or ord(ch) < 32 for ch in uri):
        return "it contains spaces or control characters"
    try:
        parts = urlsplit(uri)
        hostname = parts.hostname
    except ValueError as error:
        return str(error)
    scheme = parts.scheme.lower()
    if scheme not in URI_SCHEMES:
        return "the scheme must be file, http or https"
    if scheme != "file" and not hostname:
        return f"an {scheme} URI needs a host"
    path = unquote(parts.path)
    if scheme == "file" and not path.startswith("/"):
        return "a file URI needs an absolute path (file:///...)"
    if path and not path.startswith("/"):
        return "the path must be absolute"
    inner = path.strip("/")
    if inner and any(segment in ("", ".", "..") for segment in inner.split("/")):
        return "the path must be normalized (no '.', '..' or empty segments)"
    if path and posixpath.normpath(path) != path.rstrip("/") and path != "/":
        return "the path must be normalized"
    return None


@transaction.atomic
def register_artifact(
    *,
    user,
    job: Job,
    group_id: int,
    uri: str,
    description: str | None = None,
    plugin_snapshot_id: int | None = None,
    task_id: int | None = None,
) -> Artifact:
    """Record that ``job`` produced an artifact at ``uri`` (no contents stored).

    Only someone who may change the job (a writer of its group) may do this,
    and the artifact belongs to the job's group. The same URI twice for one
    job is a conflict.
    """
    if not job.can_read(user):
        raise NotFoundError("job", field="job", id=job.pk)
    if not Group.objects.readable_by(user).filter(pk=group_id).exists():
        raise NotFoundError("group", field="group", id=group_id)
    if group_id != job.group_id:
        raise InvalidInputError(
            f"An artifact belongs to the group of the job that produced it: job {job.pk} is "
            f"in group {job.group_id}, not {group_id}.",
            field="group",
        )
    if not job.can_edit(user):
        raise NotAllowedError("You may read this job but not add artifacts to it.")
    uri = clean_artifact_uri(uri)
    existing = Artifact.objects.filter(job=job, uri=uri).values_list("pk", flat=True).first()
    if existing is not None:
        raise _uri_taken(job, uri, existing)
    try:
        with transaction.atomic():
            artifact = Artifact.objects.create(
                group_id=job.group_id, creator=user, job=job, uri=uri
            )
    except IntegrityError:  # registered by someone else a moment ago
        existing = Artifact.objects.filter(job=job, uri=uri).values_list("pk", flat=True).first()
        raise _uri_taken(job, uri, existing) from None
    # Checks the artifact task and records the first snapshot.
    return modify_artifact(
        user=user,
        artifact=artifact,
        description=description,
        plugin_snapshot_id=plugin_snapshot_id,
        task_id=task_id,
    )


def _uri_taken(job: Job, uri: str, existing_id: int | None) -> ConflictError:
    return ConflictError(
        f"Job {job.pk} already has an artifact with the URI {uri!r}.",
        field="artifactUri",
        detail={
            "entity_type": "artifact",
            "existing_id": existing_id,
            "entity_attributes": {"uri": uri, "job_id": job.pk},
        },
    )
