"""Experiments and the entrypoints they allow."""

from collections.abc import Iterable

from django.db import transaction

from ..models import (
    Entrypoint,
    Experiment,
)
from .common import (
    clean_name,
    ensure_name_free,
    require_edit,
    save_named,
    taking_name,
    visible_by_ids,
    writable_group,
)


def create_experiment(
    *,
    user,
    group_id: int,
    name: str,
    description: str | None = "",
    entrypoint_ids: Iterable[int] = (),
) -> Experiment:
    group = writable_group(user, group_id)
    name = clean_name(name)
    entrypoints = visible_by_ids(Entrypoint, user, entrypoint_ids, field="entrypoints")
    with taking_name(Experiment, group=group, name=name):
        experiment = Experiment.objects.create(
            group=group, creator=user, name=name, description=description
        )
        if entrypoints:
            experiment.entrypoints.add(*entrypoints)
        experiment.record_snapshot(user=user, entrypoint_ids=[e.pk for e in entrypoints])
    return experiment


@transaction.atomic
def update_experiment(
    *,
    user,
    experiment: Experiment,
    name: str,
    description: str | None = "",
    entrypoint_ids: Iterable[int] = (),
) -> Experiment:
    require_edit(user, experiment)
    experiment.name = clean_name(name)
    experiment.description = description
    ensure_name_free(
        Experiment, group=experiment.group, name=experiment.name, exclude_pk=experiment.pk
    )
    entrypoints = visible_by_ids(Entrypoint, user, entrypoint_ids, field="entrypoints")
    save_named(experiment, update_fields=["name", "description"])
    experiment.entrypoints.set(entrypoints)
    experiment.record_snapshot(user=user)
    return experiment


@transaction.atomic
def set_experiment_entrypoints(
    *, user, experiment: Experiment, entrypoint_ids: Iterable[int]
) -> None:
    require_edit(user, experiment)
    entrypoints = visible_by_ids(Entrypoint, user, entrypoint_ids, field="ids")
    experiment.entrypoints.set(entrypoints)
    experiment.record_snapshot(user=user)
