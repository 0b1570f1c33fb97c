from django.db.models import Prefetch, QuerySet

from experiments.models import Entrypoint, Experiment

from .common import resource_fields, resource_ref, with_resource_fields


def live_entrypoints() -> Prefetch:
    return Prefetch("entrypoints", queryset=Entrypoint.objects.alive().select_related("group"))


def experiment_rows(user) -> QuerySet[Experiment]:
    return with_resource_fields(Experiment.objects.visible_to(user), user).prefetch_related(
        live_entrypoints()
    )


def experiment_shape(experiment: Experiment) -> dict:
    return {
        **resource_fields(experiment),
        "name": experiment.name,
        "description": experiment.description,
        "entrypoints": [resource_ref(e) for e in experiment.entrypoints.all()],
    }
