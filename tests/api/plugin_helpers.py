"""Plugins with registered tasks, made through the definitions (so they have
real snapshots), for the API tests of plugins, entrypoints and workflows."""

import pytest

from experiments import accounts, definitions
from experiments.definitions import TaskSpec
from experiments.models import GroupMembership, Plugin, PluginParameterType
from tests.factories import PluginParameterTypeFactory, UserFactory

VISION_CODE = """\
from dioptra import pyplugs


@pyplugs.register
def hello(name: str) -> str:
    return f"Hello, {name}!"


@pyplugs.register
def load(img):
    return img
"""
# Calls `hello` of the vision plugin with the entrypoint parameter `name`.
TASK_GRAPH = "step:\n  hello:\n    name: $name\n"
NAME_PARAMETER = {"name": "name", "defaultValue": "World", "parameterType": "string"}


def builtin_types(*users) -> dict[str, PluginParameterType]:
    """The builtin types (in `public`, as in a real installation), readable by these users."""
    public = accounts.ensure_public_group(creator=UserFactory())
    for user in users:
        GroupMembership.objects.get_or_create(
            group=public, user=user, defaults={"read": True, "write": True}
        )
    return {t.name: t for t in PluginParameterType.objects.filter(is_builtin=True)}


def vision_plugin(user, group, *, image_type, name: str = "vision") -> Plugin:
    """A plugin whose file tasks.py registers hello(name: string) -> greeting: string
    and load(img: image) -> img: image."""
    string = builtin_types(user)["string"]
    plugin = definitions.create_plugin(user=user, group_id=group.pk, name=name)
    definitions.create_plugin_file(
        user=user,
        plugin=plugin,
        filename="tasks.py",
        contents=VISION_CODE,
        tasks=[
            TaskSpec(
                "hello", inputs=[("name", string.pk, True)], outputs=[("greeting", string.pk)]
            ),
            TaskSpec(
                "load", inputs=[("img", image_type.pk, True)], outputs=[("img", image_type.pk)]
            ),
        ],
    )
    plugin.refresh_from_db()
    return plugin


@pytest.fixture
def image_type(team):
    return PluginParameterTypeFactory(group=team, name="image")


@pytest.fixture
def plugin(writer, team, image_type):
    return vision_plugin(writer, team, image_type=image_type)
