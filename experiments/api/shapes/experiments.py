from django.db.models import Prefetch, QuerySet

from experiments.models import Entrypoint, Experiment

from .common import Link, linked, refs_from, resource_fields, with_resource_fields

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


ENTRYPOINTS = Link(Experiment.entrypoints.through, "experiment", "entrypoint", "entrypoints", True)


def experiment_rows(user) -> QuerySet[Experiment]:
    """Experiments the user may read, with all ``experiment_shape`` reads."""
    rows = with_resource_fields(Experiment.objects.visible_to(user), user)
    return rows.only(*EXPERIMENT_COLUMNS).annotate(entrypoint_links=linked(ENTRYPOINTS))


def prepare_new_experiment(experiment: Experiment) -> None:
    """What ``experiment_shape`` reads of an experiment just created without
    entrypoints, from memory: it has no tags, entrypoints or drafts yet."""
    experiment.tag_links, experiment.entrypoint_links, experiment.has_draft = [], [], False


def experiment_shape(experiment: Experiment) -> dict:
    """Needs ``experiment_rows`` (or ``prepare_new_experiment``)."""
    return {
        **resource_fields(experiment),
        "name": experiment.name,
        "description": experiment.description,
        "entrypoints": refs_from(experiment.entrypoint_links, "entrypoints"),
    }
