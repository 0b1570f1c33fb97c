"""Drafts: unsaved work on a resource, private to the user who started it.

A draft either describes a resource that does not exist yet (``resource_id``
empty; ``group`` will own it) or changes to an existing one (``resource_id``
set; ``base_snapshot`` is the snapshot the changes start from). A new plugin
file belongs to its plugin before it exists, so its draft's ``base_snapshot``
is the plugin snapshot it was started from.

The payload is kept as the API checked it (Dioptra's camelCase fields).
Committing runs the resource's own create or update function, given by its
``DraftKind``, so the same rules and errors apply; a change draft whose
resource has moved on since its base is refused until the user puts it again
on the newer snapshot.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from .definitions import require_edit, writable_group
from .errors import DomainError, NotFoundError
from .models import Draft, Resource, Snapshot

ALL, EXISTING, NEW = "all", "existing", "new"
DRAFT_TYPES = (ALL, EXISTING, NEW)


class DraftDoesNotExistError(DomainError):
    status = 404

    def __init__(self, **lookup):
        described = "".join(f", {k} having value ({v})" for k, v in lookup.items())
        super().__init__(f"The requested draft{described} does not exist.")


class DraftAlreadyExistsError(DomainError):
    def __init__(self, resource: Resource):
        super().__init__(
            f"A draft for a [{resource.resource_type}] with id: {resource.pk} already exists."
        )


class InvalidDraftBaseResourceSnapshotError(DomainError):
    field = "resourceSnapshot"

    def __init__(self, message: str, *, base_id: int | None, provided_id: int):
        super().__init__(
            message,
            detail={
                "base_resource_snapshot_id": base_id,
                "provided_resource_snapshot_id": provided_id,
            },
        )


class DraftResourceModificationsCommitError(DomainError):
    """The resource changed since the draft's base snapshot."""

    def __init__(self, draft: Draft, resource: Resource):
        base, current = draft.base_snapshot, resource.snapshot
        super().__init__(
            f"Draft modifications for a [{draft.resource_type}] with id: {resource.pk} "
            "could not be committed: it has changed since the draft was started. "
            "Put the draft again on the current snapshot, then commit it.",
            detail={
                "reason": f"The {draft.resource_type} has been modified since this draft "
                "was created.",
                "draft": draft.payload,
                "base_snapshot_id": draft.base_snapshot_id,
                "curr_snapshot_id": resource.snapshot_id,
                "base_snapshot": _snapshot_detail(base),
                "curr_snapshot": _snapshot_detail(current),
            },
        )


def _snapshot_detail(snapshot: Snapshot | None) -> dict | None:
    if snapshot is None:
        return None
    return {
        "id": snapshot.resource_id,
        "snapshot": snapshot.pk,
        "snapshotCreatedOn": snapshot.created_on.isoformat(),
        **snapshot.data,
    }


@dataclass(frozen=True)
class DraftKind:
    """How drafts of one resource type become resources.

    ``create(user=, group_id=, parent=, payload=)`` and ``update(user=,
    resource=, payload=)`` call the resource's definitions functions.
    ``parent_field`` names the resource a new one is created in (a plugin
    file's ``plugin``), if any.
    """

    resource_type: str
    model: type[Resource]
    create: Callable[..., Resource]
    update: Callable[..., Resource]
    parent_field: str | None = None

    @property
    def parent_model(self) -> type[Resource] | None:
        if self.parent_field is None:
            return None
        return self.model._meta.get_field(self.parent_field).related_model

    def committed_ids(self, resource: Resource) -> list[int]:
        """The ids a commit answers: the parent's first, then the resource's."""
        if self.parent_field is None:
            return [resource.pk]
        return [getattr(resource, f"{self.parent_field}_id"), resource.pk]


# Reading ---------------------------------------------------------------------------


def drafts_of(
    drafts: QuerySet[Draft],
    kind: DraftKind,
    *,
    parent: Resource | None = None,
    draft_type: str = ALL,
) -> QuerySet[Draft]:
    """The drafts of this kind among ``drafts`` (already the user's own): new
    ones, changes, or both; under ``parent`` only those of its children."""
    drafts = drafts.filter(resource_type=kind.resource_type)
    if parent is not None:
        children = kind.model.objects.filter(**{kind.parent_field: parent}).values("pk")
        drafts = drafts.filter(
            Q(
                resource_id__isnull=True,
                base_snapshot__resource_type=parent.resource_type,
                base_snapshot__resource_id=parent.pk,
            )
            | Q(resource_id__in=children)
        )
    if draft_type == NEW:
        return drafts.of_new_resources()
    if draft_type == EXISTING:
        return drafts.of_changes()
    return drafts


def own_draft(drafts: QuerySet[Draft], user, *, pk: int) -> Draft:
    """The user's draft with this id among ``drafts``; 404 otherwise."""
    draft = drafts.owned_by(user).filter(pk=pk).first()
    if draft is None:
        raise DraftDoesNotExistError(id=pk)
    return draft


def change_draft_of(user, resource: Resource) -> Draft | None:
    """The user's draft of changes to ``resource``, if any (one query)."""
    return Draft.objects.owned_by(user).of_resource(resource).first()


def own_change_draft(drafts: QuerySet[Draft], user, resource: Resource) -> Draft:
    """The user's draft of changes to ``resource``; 404 if they have none."""
    draft = drafts.owned_by(user).of_resource(resource).first()
    if draft is None:
        raise DraftDoesNotExistError(resource_id=resource.pk)
    return draft


# Changing --------------------------------------------------------------------------


@transaction.atomic
def create_draft(
    *,
    user,
    kind: DraftKind,
    payload: dict,
    group_id: int | None = None,
    parent: Resource | None = None,
) -> Draft:
    """A draft of a new resource, owned by ``group_id`` or, inside ``parent``,
    by the parent's group. The user must be allowed to create it there."""
    if parent is not None:
        require_edit(user, parent)
        group, base_snapshot_id = parent.group, parent.snapshot_id
    else:
        group, base_snapshot_id = writable_group(user, group_id), None
    return Draft.objects.create(
        group=group,
        user=user,
        resource_type=kind.resource_type,
        base_snapshot_id=base_snapshot_id,
        payload=payload,
    )


@transaction.atomic
def create_change_draft(*, user, resource: Resource, payload: dict) -> Draft:
    """A draft of changes to ``resource``, based on its latest snapshot; one per user."""
    require_edit(user, resource)
    if Draft.objects.owned_by(user).of_resource(resource).exists():
        raise DraftAlreadyExistsError(resource)
    return Draft.objects.create(
        group=resource.group,
        user=user,
        resource_type=resource.resource_type,
        resource_id=resource.pk,
        base_snapshot_id=resource.snapshot_id,
        payload=payload,
    )


def update_draft(*, draft: Draft, payload: dict) -> Draft:
    draft.payload = payload
    draft.last_modified_on = timezone.now()
    draft.save(update_fields=["payload", "last_modified_on"])
    return draft


def update_change_draft(*, draft: Draft, resource_snapshot_id: int, payload: dict) -> Draft:
    """Replaces the changes and moves the draft onto ``resource_snapshot_id``,
    a snapshot of its resource no older than its current base."""
    base_id = draft.base_snapshot_id
    if base_id is not None and resource_snapshot_id < base_id:
        raise InvalidDraftBaseResourceSnapshotError(
            "The provided resource snapshot must be greater than or equal to "
            "the base resource snapshot.",
            base_id=base_id,
            provided_id=resource_snapshot_id,
        )
    of_resource = Snapshot.objects.filter(
        pk=resource_snapshot_id, resource_type=draft.resource_type, resource_id=draft.resource_id
    )
    if not of_resource.exists():
        raise InvalidDraftBaseResourceSnapshotError(
            f"Snapshot {resource_snapshot_id} is not a snapshot of this "
            f"{draft.resource_type.replace('_', ' ')}.",
            base_id=base_id,
            provided_id=resource_snapshot_id,
        )
    draft.base_snapshot_id = resource_snapshot_id
    draft.payload = payload
    draft.last_modified_on = timezone.now()
    draft.save(update_fields=["base_snapshot", "payload", "last_modified_on"])
    return draft


def delete_draft(*, draft: Draft) -> None:
    draft.delete()


@transaction.atomic
def commit_draft(*, user, draft: Draft, kind: DraftKind) -> list[int]:
    """Creates or changes the resource the draft describes, then deletes the
    draft. Returns the resource's ids (a plugin file's: plugin, file)."""
    if draft.user_id != user.pk:  # drafts are private, even by id
        raise DraftDoesNotExistError(id=draft.pk)
    if draft.resource_id is None:
        parent = None
        if kind.parent_model is not None:
            parent_id = draft.base_snapshot.resource_id if draft.base_snapshot else None
            parent = kind.parent_model.objects.visible_to(user).filter(pk=parent_id).first()
            if parent is None:
                raise NotFoundError(kind.parent_field, id=parent_id)
        resource = kind.create(
            user=user, group_id=draft.group_id, parent=parent, payload=draft.payload
        )
    else:
        resource = (
            kind.model.objects.visible_to(user)
            .select_related("group", "snapshot")
            .filter(pk=draft.resource_id)
            .first()
        )
        if resource is None:
            raise NotFoundError(kind.resource_type, id=draft.resource_id)
        require_edit(user, resource)
        if resource.snapshot_id != draft.base_snapshot_id:
            raise DraftResourceModificationsCommitError(draft, resource)
        resource = kind.update(user=user, resource=resource, payload=draft.payload)
    draft.delete()
    return kind.committed_ids(resource)
