"""Tags: labels a group keeps, and attaching them to resources.

A tag belongs to a group. Members who may read the group see the tag; members
who may write to it create, rename and delete it. Attaching and detaching
tags changes the resource, so it needs the right to change the resource, and
the tags must be visible to the user. As in Dioptra, tags belong to the
resource, not to one of its snapshots: attaching makes no new snapshot.

A resource's tags keep the order they were attached in: the order of the rows
of its tag table (``Model.tags.through``), whose ids only grow.
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import CharField, Count, F, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .definitions import clean_name, require_edit, writable_group
from .errors import InvalidInputError, NameTakenError, NotAllowedError, NotFoundError
from .models import (
    Artifact,
    Entrypoint,
    Experiment,
    Group,
    Job,
    MLModel,
    Plugin,
    PluginFile,
    PluginParameterType,
    Queue,
    Resource,
    Tag,
)

# Every resource type that can carry tags, by Dioptra's internal type name.
TAGGABLE_MODELS: dict[str, type[Resource]] = {
    model.resource_type: model
    for model in (
        Queue,
        Experiment,
        Entrypoint,
        Plugin,
        PluginFile,
        PluginParameterType,
        Job,
        Artifact,
        MLModel,
    )
}


# Tags themselves --------------------------------------------------------------------


def _ensure_tag_name_free(*, group: Group, name: str, exclude_pk: int | None = None) -> None:
    existing = Tag.objects.filter(group=group, name=name).exclude(pk=exclude_pk).first()
    if existing is not None:
        raise NameTakenError("tag", name=name, group_id=group.pk, existing_id=existing.pk)


def _save_tag(tag: Tag) -> None:
    """Save, turning a lost race for the name into the same error as the check."""
    try:
        with transaction.atomic():
            tag.save()
    except IntegrityError:
        _ensure_tag_name_free(group=tag.group, name=tag.name, exclude_pk=tag.pk)
        raise


def require_tag_edit(user, tag: Tag) -> None:
    if not tag.can_edit(user):
        raise NotAllowedError("You may read this tag but not change it.")


@transaction.atomic
def create_tag(*, user, group_id: int, name: str) -> Tag:
    group = writable_group(user, group_id)
    name = clean_name(name)
    _ensure_tag_name_free(group=group, name=name)
    tag = Tag(group=group, creator=user, name=name)
    _save_tag(tag)
    return tag


@transaction.atomic
def rename_tag(*, user, tag: Tag, name: str) -> Tag:
    require_tag_edit(user, tag)
    tag.name = clean_name(name)
    _ensure_tag_name_free(group=tag.group, name=tag.name, exclude_pk=tag.pk)
    tag.last_modified_on = timezone.now()
    _save_tag(tag)
    return tag


@transaction.atomic
def delete_tag(*, user, tag: Tag) -> None:
    """Deletes the tag for good, detaching it from every resource."""
    require_tag_edit(user, tag)
    tag.delete()  # its links to resources go with it


def _readable_links(user, resource_type: str | None = None):
    """``(type name, owner field, link rows)`` of each taggable type (or only
    ``resource_type``), the link rows limited to resources in groups the user
    may read (deleted ones included, as in Dioptra)."""
    types = [resource_type] if resource_type is not None else sorted(TAGGABLE_MODELS)
    readable = Group.objects.readable_by(user)
    for name in types:
        model = TAGGABLE_MODELS[name]
        owner = model._meta.model_name
        links = model.tags.through.objects.filter(**{f"{owner}__group__in": readable})
        yield name, owner, links


def tagged_resources(*, user, tag: Tag, resource_type: str | None = None) -> QuerySet:
    """``(resource_type, resource_id)`` of the resources carrying the tag, in
    groups the user may read (deleted ones included, as in Dioptra), ordered by
    type and id. One query however many types."""
    parts = [
        links.filter(tag=tag)
        .annotate(
            resource_type=Value(name, output_field=CharField()),
            resource_id=F(f"{owner}_id"),
        )
        .values_list("resource_type", "resource_id")
        for name, owner, links in _readable_links(user, resource_type)
    ]
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("resource_type", "resource_id")


def load_tagged_resources(rows: Iterable[tuple[str, int]]) -> list[Resource]:
    """The resources named by ``tagged_resources`` rows, in the rows' order,
    with their groups: one query per resource type among them."""
    rows = list(rows)
    ids_by_type: dict[str, list[int]] = {}
    for resource_type, resource_id in rows:
        ids_by_type.setdefault(resource_type, []).append(resource_id)
    found = {}
    for resource_type, ids in ids_by_type.items():
        model = TAGGABLE_MODELS[resource_type]
        related = ["group", "plugin"] if model is PluginFile else ["group"]
        for resource in model.objects.select_related(*related).filter(pk__in=ids):
            found[(resource_type, resource.pk)] = resource
    return [found[row] for row in rows if row in found]


def with_resource_counts(tags: QuerySet[Tag], *, user) -> QuerySet[Tag]:
    """Annotates ``resource_count``: how many resources carry each tag, counted
    as ``tagged_resources`` lists them. Subqueries, so no extra query per row."""
    counts = [
        Coalesce(
            Subquery(
                links.filter(tag=OuterRef("pk"))
                .values("tag")
                .annotate(count=Count("*"))
                .values("count"),
                output_field=IntegerField(),
            ),
            0,
        )
        for _name, _owner, links in _readable_links(user)
    ]
    return tags.annotate(resource_count=sum(counts[1:], counts[0]))


# Tags of one resource -------------------------------------------------------------


def _links(resource: Resource) -> QuerySet:
    """The rows linking the resource to its tags, in attachment order."""
    through = type(resource).tags.through
    return through.objects.filter(**{type(resource)._meta.model_name: resource}).order_by("id")


def attached_tags(resource: Resource) -> list[Tag]:
    """The resource's tags in the order they were attached, with their groups."""
    return [link.tag for link in _links(resource).select_related("tag__group")]


def _visible_tags(user, tag_ids: Iterable[int]) -> list[Tag]:
    """The tags with these ids, once each, in the given order; all must be visible."""
    ids = list(dict.fromkeys(tag_ids))
    for value in ids:
        if isinstance(value, bool) or not isinstance(value, int):
            raise InvalidInputError(f"{value!r} is not a valid id.", field="ids")
    found = Tag.objects.visible_to(user).in_bulk(ids)
    for value in ids:
        if value not in found:
            raise NotFoundError("tag", field="ids", id=value)
    return [found[value] for value in ids]


def _link(resource: Resource, tags: Iterable[Tag]) -> None:
    through = type(resource).tags.through
    owner = type(resource)._meta.model_name
    through.objects.bulk_create([through(**{owner: resource, "tag": tag}) for tag in tags])


@transaction.atomic
def append_tags(*, user, resource: Resource, tag_ids: Iterable[int]) -> list[Tag]:
    """Attaches the tags not attached yet, after the others; returns all of them."""
    require_edit(user, resource)
    tags = _visible_tags(user, tag_ids)
    attached = set(_links(resource).values_list("tag_id", flat=True))
    _link(resource, [tag for tag in tags if tag.pk not in attached])
    return attached_tags(resource)


@transaction.atomic
def replace_tags(*, user, resource: Resource, tag_ids: Iterable[int]) -> list[Tag]:
    """Makes these tags, in this order, the resource's tags."""
    require_edit(user, resource)
    tags = _visible_tags(user, tag_ids)
    _links(resource).delete()
    _link(resource, tags)
    return attached_tags(resource)


@transaction.atomic
def detach_all_tags(*, user, resource: Resource) -> list[int]:
    """Removes every tag; returns the ids removed, in attachment order."""
    require_edit(user, resource)
    removed = list(_links(resource).values_list("tag_id", flat=True))
    _links(resource).delete()
    return removed


@transaction.atomic
def detach_tag(*, user, resource: Resource, tag_id: int) -> None:
    require_edit(user, resource)
    deleted, _ = _links(resource).filter(tag_id=tag_id).delete()
    if not deleted:
        raise NotFoundError("tag", field="tag", id=tag_id)
