"""Plugins with registered tasks, made through the domain functions so they
have snapshots, for the entrypoint and plugin page tests."""

from experiments import accounts, definitions
from experiments.definitions import TaskSpec
from experiments.models import GroupMembership, Plugin, PluginParameterType
from tests.factories import UserFactory

TRAINER_CODE = """\
from dioptra import pyplugs


@pyplugs.register
def train_model(epochs: int) -> object:
    return {"epochs": epochs}


@pyplugs.register
def hello_world(name: str) -> str:
    return f"Hello, {name}"
"""


def builtin_types(*users) -> dict[str, PluginParameterType]:
    """The builtin types (of the `public` group, as in a real installation),
    readable by these users."""
    public = accounts.ensure_public_group(creator=UserFactory())
    for user in users:
        GroupMembership.objects.get_or_create(
            group=public, user=user, defaults={"read": True, "write": True}
        )
    return {t.name: t for t in PluginParameterType.objects.filter(is_builtin=True)}


def trainer_plugin(user, group, *, name: str = "trainer") -> Plugin:
    """A plugin with tasks train_model(epochs: integer) -> model: any and
    hello_world(name: string) -> output: string."""
    types = builtin_types(user)
    plugin = definitions.create_plugin(user=user, group_id=group.pk, name=name)
    definitions.create_plugin_file(
        user=user,
        plugin=plugin,
        filename="tasks.py",
        contents=TRAINER_CODE,
        tasks=[
            TaskSpec(
                "train_model",
                inputs=[("epochs", types["integer"].pk, True)],
                outputs=[("model", types["any"].pk)],
            ),
            TaskSpec(
                "hello_world",
                inputs=[("name", types["string"].pk, True)],
                outputs=[("output", types["string"].pk)],
            ),
        ],
    )
    plugin.refresh_from_db()
    return plugin
