"""Refs, timestamps and the keys every versioned resource shares."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Exists, IntegerField, OuterRef, Prefetch, QuerySet, Value

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
from experiments.prepared import PreparedQuery, padded

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


def with_resource_fields(queryset: QuerySet, user, *, tags: bool = True) -> QuerySet:
    """Loads what ``resource_fields`` reads: group, latest snapshot and its
    author, tags (unless ``tags=False``: the caller runs ``attach_tag_refs``),
    and whether the user has a draft of each row."""
    drafts = Draft.objects.filter(
        user_id=user.pk, resource_type=queryset.model.resource_type, resource_id=OuterRef("pk")
    )
    rows = (
        queryset.select_related("group", "creator", "snapshot__user")
        .defer("snapshot__data")  # a definition can be large; the shape never reads it
        .annotate(has_draft=Exists(drafts))
    )
    return rows.prefetch_related(tags_in_attachment_order(queryset.model)) if tags else rows


def tags_in_attachment_order(model) -> Prefetch:
    """A resource's tags in the order they were attached: the order of the rows
    of its auto-created tag table, which has no query name to order by."""
    table = model.tags.through._meta.db_table
    tags = Tag.objects.select_related("group").extra(order_by=[f"{table}.id"])
    return Prefetch("tags", queryset=tags)


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


def link_refs(owner_ids: list[int], *links: Link) -> list[dict[int, list[dict]]]:
    """For each link, the Refs each owner links to, in the order the links were
    made: ``{owner id: [{id, name, group, url}]}``. One query (a UNION) for all
    links, instead of a prefetch per link that clones a queryset per row."""
    found = _LINK_ROWS(*padded(owner_ids), links=links)
    refs: list[dict[int, list[dict]]] = [{pk: [] for pk in owner_ids} for _ in links]
    for number, _, owner_id, pk, name, group_id, group_name in sorted(found):
        refs[number][owner_id].append(
            {
                "id": pk,
                "name": name,
                "group": {
                    "id": group_id,
                    "name": group_name,
                    "url": f"{API_ROOT}/groups/{group_id}",
                },
                "url": f"{API_ROOT}/{links[number].route}/{pk}",
            }
        )
    return refs


def _link_rows(*owner_ids: int, links: tuple[Link, ...]) -> QuerySet:
    parts = []
    for number, link in enumerate(links):
        rows = link.through.objects.filter(**{f"{link.owner}__in": owner_ids})
        if link.alive:
            rows = rows.filter(**{f"{link.target}__deleted_on__isnull": True})
        target = link.target
        parts.append(
            rows.values_list(
                Value(number, output_field=IntegerField()),
                "id",
                link.owner,
                target,
                f"{target}__name",
                f"{target}__group_id",
                f"{target}__group__name",
            )
        )
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


_LINK_ROWS = PreparedQuery(_link_rows)


def attach_tag_refs(resources: Iterable[Resource]) -> None:
    """Sets ``tag_refs`` (what ``resource_fields`` shows as tags) on each of
    ``resources`` with one query; use with ``with_resource_fields(..., tags=False)``."""
    resources = list(resources)
    if not resources:
        return
    (tags,) = link_refs([r.pk for r in resources], tag_link(type(resources[0])))
    for resource in resources:
        resource.tag_refs = tags[resource.pk]


def resource_fields(resource: Resource) -> dict:
    """The keys every versioned resource shows, for its latest snapshot."""
    snapshot = resource.snapshot
    tags = getattr(resource, "tag_refs", None)
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
        "tags": tags if tags is not None else [tag_ref(tag) for tag in resource.tags.all()],
    }
