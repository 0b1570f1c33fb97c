"""A live server and our client pointed at it.

Each test gets an empty database (``transactional_db``); users are made the way
a user would make them, by registering through the API.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from dioptra_client import DioptraClient, connect_json_dioptra_client

PASSWORD = "correct-horse-battery"
# Calls the one task of the `hello_world` plugin; entrypoints need `plugins=[its id]`
# and a `name` parameter, or the server refuses the workflow.
TASK_GRAPH = """\
greet:
  hello_world:
    name: $name
"""
NAME_PARAMETER = {"name": "name", "defaultValue": "World", "parameterType": "string"}
HELLO_WORLD_PLUGIN = """\
from dioptra import pyplugs


@pyplugs.register
def hello_world(name: str) -> str:
    return f"Hello, {name}!"
"""


@pytest.fixture
def api_address(live_server, transactional_db) -> str:
    """The live server's address, without the /api/v1 suffix."""
    return live_server.url


@pytest.fixture
def dioptra(api_address) -> Iterator[DioptraClient]:
    """Our client, connected to the live server, not logged in."""
    with connect_json_dioptra_client(api_address) as client:
        yield client


def register(client: DioptraClient, username: str) -> dict[str, Any]:
    """Register ``username`` (password PASSWORD) and return the CurrentUser answer."""
    return client.users.create(username, f"{username}@example.org", PASSWORD)


@pytest.fixture
def alice(dioptra) -> dict[str, Any]:
    """The first registered user (so she created `public`), logged in on `dioptra`."""
    user = register(dioptra, "alice")
    dioptra.auth.login("alice", PASSWORD)
    return user


@pytest.fixture
def public_id(alice) -> int:
    """The id of the `public` group, as shown in alice's registration answer."""
    (group,) = [g for g in alice["groups"] if g["name"] == "public"]
    return group["id"]


def create_hello_world_plugin(username: str) -> int:
    """Give `public` the plugin TASK_GRAPH calls, as ``username``; returns its id.

    Made through the domain because the API does not serve /plugins yet; switch
    to ``client.plugins.create`` when it does.
    """
    from experiments import definitions
    from experiments.models import Group, PluginParameterType, User

    user = User.objects.get(username=username)
    public = Group.objects.get(name="public")
    string = PluginParameterType.objects.get(is_builtin=True, name="string")
    plugin = definitions.create_plugin(user=user, group_id=public.pk, name="hello_world")
    definitions.create_plugin_file(
        user=user,
        plugin=plugin,
        filename="tasks.py",
        contents=HELLO_WORLD_PLUGIN,
        tasks=[
            definitions.TaskSpec(
                "hello_world", inputs=[("name", string.pk, True)], outputs=[("out", string.pk)]
            )
        ],
    )
    return plugin.pk


@pytest.fixture
def plugin_id(alice) -> int:
    """The id of the `hello_world` plugin in `public`."""
    return create_hello_world_plugin(alice["username"])


def create_entrypoint(
    client: DioptraClient, group_id: int, name: str, plugin_id: int, **fields: Any
) -> dict[str, Any]:
    """An entrypoint running TASK_GRAPH, with the `name` parameter unless told otherwise."""
    fields.setdefault("parameters", [NAME_PARAMETER])
    return client.entrypoints.create(group_id, name, TASK_GRAPH, plugins=[plugin_id], **fields)


@pytest.fixture
def queue(dioptra, public_id) -> dict[str, Any]:
    return dioptra.queues.create(public_id, "tensorflow-cpu", description="CPU workers")


@pytest.fixture
def entrypoint(dioptra, public_id, queue, plugin_id) -> dict[str, Any]:
    return create_entrypoint(
        dioptra, public_id, "hello", plugin_id, description="Says hello", queues=[queue["id"]]
    )
