"""factory_boy factories that build only what a test names.

Resources are created through the domain functions' rules where it matters
(snapshots), so a factory-made resource looks like one a user made.
"""

import factory
from django.utils import timezone

from experiments.models import (
    Artifact,
    Entrypoint,
    EntrypointParameter,
    Experiment,
    Group,
    GroupMembership,
    Job,
    MLModel,
    Plugin,
    PluginFile,
    PluginParameterType,
    Queue,
    Tag,
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


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    group = factory.SubFactory(GroupFactory)
    creator = factory.LazyAttribute(lambda t: t.group.creator)
    name = factory.Sequence(lambda n: f"tag-{n}")


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


class PluginFileFactory(ResourceFactory):
    """A file of a new plugin, in the plugin's group (a test naming ``plugin``
    names the group too)."""

    class Meta:
        model = PluginFile

    plugin = factory.SubFactory(PluginFactory, group=factory.SelfAttribute("..group"))
    filename = factory.Sequence(lambda n: f"tasks_{n}.py")
    contents = ""


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


class MLModelFactory(ResourceFactory):
    class Meta:
        model = MLModel

    name = factory.Sequence(lambda n: f"model-{n}")
    description = "A model."


class JobFactory(factory.django.DjangoModelFactory):
    """A queued job of a new experiment, entrypoint and queue, all in one group."""

    class Meta:
        model = Job

    experiment = factory.SubFactory(ExperimentFactory)
    group = factory.LazyAttribute(lambda j: j.experiment.group)
    creator = factory.LazyAttribute(lambda j: j.experiment.creator)
    entrypoint = factory.SubFactory(EntrypointFactory, group=factory.SelfAttribute("..group"))
    queue = factory.SubFactory(QueueFactory, group=factory.SelfAttribute("..group"))


class ArtifactFactory(ResourceFactory):
    """An artifact saved by a new job of its group (a test naming ``job`` names
    its group too); no stored file unless a test adds one."""

    class Meta:
        model = Artifact

    job = factory.SubFactory(JobFactory, experiment__group=factory.SelfAttribute("...group"))
    uri = factory.Sequence(lambda n: f"file:///runs/{n}/model.keras")
