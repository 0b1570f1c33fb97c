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
        _link_entrypoints(experiment, entrypoints)
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
    _link_entrypoints(experiment, entrypoints, replace=True)
    experiment.record_snapshot(user=user, entrypoint_ids=[e.pk for e in entrypoints])
    return experiment


@transaction.atomic
def set_experiment_entrypoints(
    *, user, experiment: Experiment, entrypoint_ids: Iterable[int]
) -> None:
    require_edit(user, experiment)
    entrypoints = visible_by_ids(Entrypoint, user, entrypoint_ids, field="ids")
    _link_entrypoints(experiment, entrypoints, replace=True)
    experiment.record_snapshot(user=user, entrypoint_ids=[e.pk for e in entrypoints])


def _link_entrypoints(experiment: Experiment, entrypoints: list, *, replace: bool = False) -> None:
    """Attach ``entrypoints`` in the given order (the link rows' ids keep it;
    Django's ``add``/``set`` insert in set order), replacing any attached."""
    links = Experiment.entrypoints.through.objects
    if replace:
        links.filter(experiment=experiment).delete()
    links.bulk_create(
        Experiment.entrypoints.through(experiment=experiment, entrypoint=e) for e in entrypoints
    )
    # As add/set do: a prefetched list of the old entrypoints is stale now.
    getattr(experiment, "_prefetched_objects_cache", {}).pop("entrypoints", None)
