"""Tags as Dioptra shows them (TagRef lives in common.py)."""

from django.db.models import QuerySet

from experiments.models import Tag

from .common import API_ROOT, group_ref, timestamp, user_ref


def tag_rows(user) -> QuerySet[Tag]:
    """Tags the user may read, with what ``tag_shape`` reads."""
    return Tag.objects.visible_to(user).select_related("group", "creator")


def tag_shape(tag: Tag) -> dict:
    return {
        "id": tag.pk,
        "name": tag.name,
        "group": group_ref(tag.group),
        "user": user_ref(tag.creator),
        "createdOn": timestamp(tag.created_on),
        "lastModifiedOn": timestamp(tag.last_modified_on),
    }


def tagged_resource_url(row: tuple[str, int]) -> str:
    """A resource carrying a tag, as Dioptra names it: ``/api/v1/<internal type>/<id>``
    (e.g. ``/api/v1/entry_point/5``, which is not a route)."""
    resource_type, resource_id = row
    return f"{API_ROOT}/{resource_type}/{resource_id}"
