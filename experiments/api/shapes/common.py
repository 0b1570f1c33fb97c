"""Refs, timestamps and the keys every versioned resource shares."""

from datetime import UTC, datetime

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from experiments.models import (
    Draft,
    Entrypoint,
    Experiment,
    Group,
    MLModel,
    Plugin,
    PluginParameterType,
    Queue,
    Resource,
    Tag,
    User,
)

API_ROOT = "/api/v1"

# The API route of each resource type: where its Refs point.
ROUTES: dict[type, str] = {
    Queue: "queues",
    Experiment: "experiments",
    Entrypoint: "entrypoints",
    Plugin: "plugins",
    PluginParameterType: "pluginParameterTypes",
    MLModel: "models",
}


def timestamp(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with its offset, as Dioptra writes it."""
    return None if moment is None else moment.astimezone(UTC).isoformat()


def user_ref(user: User) -> dict:
    return {"id": user.pk, "username": user.username, "url": f"{API_ROOT}/users/{user.pk}"}


def group_ref(group: Group) -> dict:
    return {"id": group.pk, "name": group.name, "url": f"{API_ROOT}/groups/{group.pk}"}


def tag_ref(tag: Tag) -> dict:
    return {
        "id": tag.pk,
        "name": tag.name,
        "group": group_ref(tag.group),
        "url": f"{API_ROOT}/tags/{tag.pk}",
    }


def resource_url(resource: Resource) -> str:
    return f"{API_ROOT}/{ROUTES[type(resource)]}/{resource.pk}"


def resource_ref(resource: Resource) -> dict:
    """QueueRef, EntrypointRef, ExperimentRef, PluginRef, PluginParameterTypeRef."""
    return {
        "id": resource.pk,
        "name": resource.name,
        "group": group_ref(resource.group),
        "url": resource_url(resource),
    }


def with_resource_fields(queryset: QuerySet, user) -> QuerySet:
    """Loads what ``resource_fields`` reads: group, latest snapshot and its
    author, tags, and whether the user has a draft of each row."""
    drafts = Draft.objects.filter(
        user_id=user.pk, resource_type=queryset.model.resource_type, resource_id=OuterRef("pk")
    )
    return (
        queryset.select_related("group", "creator", "snapshot__user")
        .defer("snapshot__data")  # a definition can be large; the shape never reads it
        .prefetch_related(tags_in_attachment_order(queryset.model))
        .annotate(has_draft=Exists(drafts))
    )


def tags_in_attachment_order(model) -> Prefetch:
    """A resource's tags in the order they were attached: the order of the rows
    of its auto-created tag table, which has no query name to order by."""
    table = model.tags.through._meta.db_table
    tags = Tag.objects.select_related("group").extra(order_by=[f"{table}.id"])
    return Prefetch("tags", queryset=tags)


def resource_fields(resource: Resource) -> dict:
    """The keys every versioned resource shows, for its latest snapshot."""
    snapshot = resource.snapshot
    return {
        "id": resource.pk,
        "snapshot": snapshot.pk if snapshot else None,
        "group": group_ref(resource.group),
        "user": user_ref(snapshot.user if snapshot else resource.creator),
        "createdOn": timestamp(resource.created_on),
        "snapshotCreatedOn": timestamp(snapshot.created_on if snapshot else resource.created_on),
        "lastModifiedOn": timestamp(resource.last_modified_on),
        "latestSnapshot": True,
        "hasDraft": bool(getattr(resource, "has_draft", False)),
        "tags": [tag_ref(tag) for tag in resource.tags.all()],
    }
