"""Drafts: a new resource, or changes to an existing one, not yet committed."""

from django.db.models import QuerySet

from experiments.models import Draft

from .common import group_ref, timestamp, user_ref


def draft_rows(user) -> QuerySet[Draft]:
    """The user's own drafts, with what ``draft_shape`` reads."""
    return Draft.objects.owned_by(user).select_related("group", "user").with_other_draft_counts()


def draft_shape(draft: Draft) -> dict:
    """Needs ``draft_rows`` (its ``num_other_drafts``)."""
    is_change = draft.resource_id is not None
    return {
        "id": draft.pk,
        "group": group_ref(draft.group),
        "user": user_ref(draft.user),
        "createdOn": timestamp(draft.created_on),
        "lastModifiedOn": timestamp(draft.last_modified_on),
        "resourceType": draft.resource_type,
        "payload": draft.payload,
        "resource": draft.resource_id,
        "resourceSnapshot": draft.base_snapshot_id if is_change else None,
        "metadata": {"num_other_drafts": draft.num_other_drafts} if is_change else {},
    }
