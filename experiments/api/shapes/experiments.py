from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from experiments.models import Entrypoint, Experiment

from .common import Link, link_refs, resource_fields, tag_link, with_resource_fields

# The experiment's own columns the shape reads (with_resource_fields adds the related ones).
EXPERIMENT_COLUMNS = (
    "name",
    "description",
    "created_on",
    "last_modified_on",
    "group__name",
    "creator__username",
    "snapshot__created_on",
    "snapshot__user__username",
)


def live_entrypoints() -> Prefetch:
    return Prefetch("entrypoints", queryset=Entrypoint.objects.alive().select_related("group"))


def experiment_rows(user) -> QuerySet[Experiment]:
    """Experiments the user may read, with the columns ``experiment_shape`` reads;
    run ``prepare_experiments`` on the fetched rows for their tags and entrypoints."""
    rows = with_resource_fields(Experiment.objects.visible_to(user), user, tags=False)
    return rows.only(*EXPERIMENT_COLUMNS)


ENTRYPOINTS = Link(Experiment.entrypoints.through, "experiment", "entrypoint", "entrypoints", True)


def prepare_experiments(experiments: Iterable[Experiment]) -> None:
    """Tags and live entrypoints of all of them, in one query."""
    experiments = list(experiments)
    if not experiments:
        return
    tags, entrypoints = link_refs([e.pk for e in experiments], tag_link(Experiment), ENTRYPOINTS)
    for experiment in experiments:
        experiment.tag_refs = tags[experiment.pk]
        experiment.entrypoint_refs = entrypoints[experiment.pk]


def prepare_new_experiment(experiment: Experiment, *, with_entrypoints: bool) -> None:
    """What ``experiment_shape`` reads of an experiment just created, from memory:
    it has no tags or drafts yet; its entrypoints are read back only if it has any."""
    experiment.tag_refs, experiment.has_draft = [], False
    experiment.entrypoint_refs = []
    if with_entrypoints:
        (entrypoints,) = link_refs([experiment.pk], ENTRYPOINTS)
        experiment.entrypoint_refs = entrypoints[experiment.pk]


def experiment_shape(experiment: Experiment) -> dict:
    """Needs ``experiment_rows`` and ``prepare_experiments``."""
    return {
        **resource_fields(experiment),
        "name": experiment.name,
        "description": experiment.description,
        "entrypoints": experiment.entrypoint_refs,
    }
