from django.db.models import Prefetch, QuerySet

from experiments.models import Entrypoint, Experiment

from .common import (
    Link,
    as_just_created,
    linked,
    refs_from,
    resource_fields,
    with_resource_fields,
)

# The experiment's own columns the shape reads (with_resource_fields adds the related ones).
EXPERIMENT_COLUMNS = (
    "name",
    "description",
    "created_on",
    "last_modified_on",
    "snapshot_id",
    "group__name",
)


def live_entrypoints() -> Prefetch:
    return Prefetch("entrypoints", queryset=Entrypoint.objects.alive().select_related("group"))


ENTRYPOINTS = Link(Experiment.entrypoints.through, "experiment", "entrypoint", "entrypoints", True)


def experiment_rows(user) -> QuerySet[Experiment]:
    """Experiments the user may read, with all ``experiment_shape`` reads."""
    rows = with_resource_fields(Experiment.objects.visible_to(user), user)
    return rows.only(*EXPERIMENT_COLUMNS).annotate(entrypoint_links=linked(ENTRYPOINTS))


def prepare_new_experiment(experiment: Experiment, user) -> None:
    """What ``experiment_shape`` reads of an experiment ``user`` has just
    created without entrypoints, from memory."""
    as_just_created(experiment, user)
    experiment.entrypoint_links = []


def experiment_shape(experiment: Experiment) -> dict:
    """Needs ``experiment_rows`` (or ``prepare_new_experiment``)."""
    return {
        **resource_fields(experiment),
        "name": experiment.name,
        "description": experiment.description,
        "entrypoints": refs_from(experiment.entrypoint_links, "entrypoints"),
    }
