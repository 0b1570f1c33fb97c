"""Version history: the card on each resource page that lists its snapshots,
and the page showing what one snapshot held and what has changed since."""

import json
from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from ..models import Snapshot
from ..models.resources import Resource
from ..tagging import TAGGABLE_MODELS
from .shared import visible_or_404
from .tags import RESOURCE_PAGES

SNAPSHOTS_SHOWN = 20

# Resource types whose history has a page. A job's snapshots only follow its status.
HISTORY_MODELS: dict[str, type[Resource]] = {
    name: model for name, model in TAGGABLE_MODELS.items() if name != "job"
}

# A string longer than this, or with a line break, is shown as a block, and
# "Changed since" names it without repeating both values.
SHORT_TEXT = 80


@dataclass
class History:
    """What `_snapshot_history.html` shows: the newest snapshots (with their
    users), how many there are, and which one is the resource's latest."""

    resource_type: str
    resource_id: int
    snapshots: list[Snapshot]
    snapshot_count: int
    current_id: int | None


def history_context(resource: Resource) -> dict:
    """The context `_snapshot_history.html` needs: one query, two when the
    resource has more snapshots than the card shows."""
    newest = resource.snapshots().select_related("user").order_by("-id")
    snapshots = list(newest[:SNAPSHOTS_SHOWN])
    count = len(snapshots) if len(snapshots) < SNAPSHOTS_SHOWN else newest.count()
    history = History(
        resource_type=resource.resource_type,
        resource_id=resource.pk,
        snapshots=snapshots,
        snapshot_count=count,
        current_id=resource.snapshot_id,
    )
    return {"history": history}


def _is_short(value: Any) -> bool:
    if isinstance(value, str):
        return len(value) <= SHORT_TEXT and "\n" not in value
    return not isinstance(value, (dict, list))


@dataclass
class ShownField:
    """One top-level field of a snapshot: ``kind`` is "scalar" (a line of the
    definition list), "text" (a long string) or "json" (a list or a dict,
    pretty-printed)."""

    name: str
    kind: str
    value: Any


def shown_fields(data: dict) -> list[ShownField]:
    fields = []
    for name, value in data.items():
        if isinstance(value, (dict, list)):
            pretty = json.dumps(value, indent=2, ensure_ascii=False)
            fields.append(ShownField(name, "json", pretty))
        elif _is_short(value):
            fields.append(ShownField(name, "scalar", value))
        else:
            fields.append(ShownField(name, "text", value))
    return fields


@dataclass
class Change:
    """A top-level field that differs between a snapshot and the latest one;
    ``shown`` when both values are short enough to print side by side."""

    name: str
    old: Any
    new: Any
    shown: bool


def changes_since(old: dict, new: dict) -> list[Change]:
    names = list(old) + [name for name in new if name not in old]
    return [
        Change(
            name=name,
            old=old.get(name),
            new=new.get(name),
            shown=_is_short(old.get(name)) and _is_short(new.get(name)),
        )
        for name in names
        if old.get(name) != new.get(name) or (name in old) != (name in new)
    ]


@require_GET
def snapshot_detail(
    request: HttpRequest, resource_type: str, pk: int, snapshot_pk: int
) -> HttpResponse:
    model = HISTORY_MODELS.get(resource_type)
    if model is None:
        raise Http404("No such resource type.")
    resource = visible_or_404(model, request, pk)
    snapshots = resource.snapshots()
    snapshot = get_object_or_404(snapshots.select_related("user"), pk=snapshot_pk)
    previous_id = snapshots.filter(pk__lt=snapshot.pk).order_by("-id").values_list("id", flat=True)
    next_id = snapshots.filter(pk__gt=snapshot.pk).order_by("id").values_list("id", flat=True)
    context = {
        "resource": resource,
        "kind": model._meta.verbose_name,
        "resource_url": RESOURCE_PAGES[resource_type](resource),
        "snapshot": snapshot,
        "fields": shown_fields(snapshot.data),
        "previous_id": previous_id.first(),
        "next_id": next_id.first(),
    }
    context["is_latest"] = context["next_id"] is None
    if not context["is_latest"]:
        latest = snapshots.select_related("user").order_by("-id").first()
        context["latest"] = latest
        context["changes"] = changes_since(snapshot.data, latest.data)
    return render(request, "history/snapshot_detail.html", context)
