"""Refs, timestamps and the keys every versioned resource shares."""

from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Aggregate, Exists, F, JSONField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, JSONArray

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
    return _user_ref(user.pk, user.username)


def _user_ref(pk: int, username: str) -> dict:
    return {"id": pk, "username": username, "url": f"{API_ROOT}/users/{pk}"}


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
    """Loads what ``resource_fields`` reads: the group, when and by whom the
    latest snapshot was made (columns of the row, not rows of their own), tags
    (see ``linked``), and whether the user has a draft of each row."""
    drafts = Draft.objects.filter(
        user_id=user.pk, resource_type=queryset.model.resource_type, resource_id=OuterRef("pk")
    )
    return queryset.select_related("group").annotate(
        snapshot_on=F("snapshot__created_on"),
        # A resource has a snapshot from its creation on; its creator otherwise.
        author_id=Coalesce("snapshot__user_id", "creator_id"),
        author_name=Coalesce("snapshot__user__username", "creator__username"),
        has_draft=Exists(drafts),
        tag_links=linked(tag_link(queryset.model)),
    )


def as_just_created(resource: Resource, user) -> None:
    """What ``resource_fields`` reads of a resource ``user`` has just created,
    from memory: its one snapshot is theirs, and it has no tags or drafts."""
    resource.snapshot_on = resource.snapshot.created_on
    resource.author_id, resource.author_name = user.pk, user.username
    resource.tag_links, resource.has_draft = [], False


@dataclass(frozen=True)
class Link:
    """An m2m table read as Refs: its rows from ``owner`` to ``target``, whose
    Refs point at ``route``; ``alive`` skips soft-deleted targets."""

    through: type
    owner: str
    target: str
    route: str
    alive: bool = False


def tag_link(model) -> Link:
    return Link(model.tags.through, model.tags.field.m2m_field_name(), "tag", "tags")


class _JSONList(Aggregate):
    """The JSON array of a value over a group's rows."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def linked(link: Link) -> Subquery:
    """What one row links to, as a column of the row's own query (rather than
    a query per list or page): a JSON array of ``[link id, id, name, group id,
    group name]``, which ``refs_from`` turns into Refs."""
    target = link.target
    rows = link.through.objects.filter(**{link.owner: OuterRef("pk")})
    if link.alive:
        rows = rows.filter(**{f"{target}__deleted_on__isnull": True})
    columns = JSONArray(
        "id", target, f"{target}__name", f"{target}__group_id", f"{target}__group__name"
    )
    return Subquery(
        rows.values(link.owner).annotate(found=_JSONList(columns)).values("found"),
        output_field=JSONField(),
    )


def refs_from(links: list | None, route: str) -> list[dict]:
    """The Refs of a ``linked`` column, in the order the links were made."""
    return [
        {
            "id": pk,
            "name": name,
            "group": {"id": group_id, "name": group_name, "url": f"{API_ROOT}/groups/{group_id}"},
            "url": f"{API_ROOT}/{route}/{pk}",
        }
        for _, pk, name, group_id, group_name in sorted(links or ())
    ]


def resource_fields(resource: Resource) -> dict:
    """The keys every versioned resource shows, for its latest snapshot; needs
    ``with_resource_fields``."""
    return {
        "id": resource.pk,
        "snapshot": resource.snapshot_id,
        "group": group_ref(resource.group),
        "user": _user_ref(resource.author_id, resource.author_name),
        "createdOn": timestamp(resource.created_on),
        "snapshotCreatedOn": timestamp(resource.snapshot_on or resource.created_on),
        "lastModifiedOn": timestamp(resource.last_modified_on),
        "latestSnapshot": True,
        "hasDraft": bool(resource.has_draft),
        "tags": refs_from(resource.tag_links, "tags"),
    }
