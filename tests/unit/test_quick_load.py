"""Rows loaded without Model.__init__ hold what Django's own loading gives."""

from django.db import models
from django.db.models.signals import post_init

from experiments.models import Experiment, Group
from tests.factories import ExperimentFactory


def _held(instance):
    values = {k: v for k, v in vars(instance).items() if k != "_state"}
    return values, instance.get_deferred_fields(), instance._state.adding, instance._state.db


def test_a_quick_load_holds_what_djangos_load_holds(db):
    experiment = ExperimentFactory(description="first")
    for names in (
        [f.attname for f in Experiment._meta.concrete_fields],  # every field
        ["id", "group_id", "name"],  # the rest deferred
    ):
        values = [getattr(experiment, name) for name in names]

        quick = Experiment.from_db("default", names, values)
        usual = models.Model.from_db.__func__(Experiment, "default", names, values)

        assert _held(quick) == _held(usual)
    assert quick.description == "first"  # a deferred field still loads when read
    assert quick.group.name == experiment.group.name


def test_a_model_with_init_receivers_loads_the_usual_way(db):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.name)

    post_init.connect(receiver, sender=Group)
    try:
        Group.from_db("default", ["id", "name"], [7, "watched"])
    finally:
        post_init.disconnect(receiver, sender=Group)

    assert seen == ["watched"]
