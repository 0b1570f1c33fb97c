"""factory_boy factories that build only what a test names.

Resources are created through the domain functions' rules where it matters
(snapshots), so a factory-made resource looks like one a user made.
"""

import factory
from django.utils import timezone

from experiments.models import (
    Entrypoint,
    EntrypointParameter,
    Experiment,
    Group,
    GroupMembership,
    Plugin,
    PluginParameterType,
    Queue,
    User,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    name = factory.Sequence(lambda n: f"group{n}")
    creator = factory.SubFactory(UserFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(GroupFactory)
    user = factory.SubFactory(UserFactory)
    read = True
    write = False


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        skip_postgeneration_save = True

    group = factory.SubFactory(GroupFactory)
    creator = factory.LazyAttribute(lambda r: r.group.creator)

    @factory.post_generation
    def snapshot(obj, create, extracted, **kwargs):
        if create:
            obj.record_snapshot(user=obj.creator)


class QueueFactory(ResourceFactory):
    class Meta:
        model = Queue

    name = factory.Sequence(lambda n: f"queue-{n}")
    description = "A queue."


class PluginParameterTypeFactory(ResourceFactory):
    class Meta:
        model = PluginParameterType

    name = factory.Sequence(lambda n: f"type_{n}")


class PluginFactory(ResourceFactory):
    class Meta:
        model = Plugin

    name = factory.Sequence(lambda n: f"plugin_{n}")


class EntrypointFactory(ResourceFactory):
    class Meta:
        model = Entrypoint

    name = factory.Sequence(lambda n: f"entrypoint-{n}")
    description = "An entrypoint."
    task_graph = "step:\n  hello_world:\n    name: $name\n"


class EntrypointParameterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EntrypointParameter

    entrypoint = factory.SubFactory(EntrypointFactory)
    position = factory.Sequence(lambda n: n)
    name = factory.Sequence(lambda n: f"param_{n}")
    parameter_type = "string"
    default_value = "x"


class ExperimentFactory(ResourceFactory):
    class Meta:
        model = Experiment

    name = factory.Sequence(lambda n: f"experiment-{n}")
    description = ""
    created_on = factory.LazyFunction(timezone.now)
