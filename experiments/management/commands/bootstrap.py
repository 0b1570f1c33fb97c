"""Make a fresh database ready to use: the `public` group, the builtin
parameter types and (with --demo) a demo account with content to explore.
Safe to run any number of times."""

from django.core.management.base import BaseCommand
from django.db import transaction

from experiments import accounts, definitions
from experiments.models import Entrypoint, Experiment, Plugin, PluginParameterType, Queue, User

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-password"

HELLO_WORLD_GRAPH = """\
hello_step:
  hello_world:
    name: $name
"""

HELLO_WORLD_PLUGIN = """\
import structlog
from dioptra import pyplugs

LOGGER = structlog.get_logger()


@pyplugs.register
def hello_world(name: str) -> str:
    message = f"Hello, {name}! Welcome to Dioptra Lab."
    LOGGER.info(message)
    return message
"""


class Command(BaseCommand):
    help = "Create the public group, builtin types and, with --demo, a demo account and content."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Also create demo content.")

    @transaction.atomic
    def handle(self, *args, demo: bool = False, **options):
        if not demo:
            first = User.objects.order_by("id").first()
            if first is not None:
                accounts.ensure_public_group(creator=first)
            return
        user = User.objects.filter(username=DEMO_USERNAME).first()
        if user is None:
            user = accounts.register_user(
                username=DEMO_USERNAME, email="demo@example.org", password=DEMO_PASSWORD
            )
            user.is_staff = True
            user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
        public = accounts.ensure_public_group(creator=user)
        self._seed_demo_content(user, public.pk)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo account: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}"
            )
        )

    def _seed_demo_content(self, user, group_id: int) -> None:
        queue = Queue.objects.alive().filter(group_id=group_id, name="default").first()
        if queue is None:
            queue = definitions.create_queue(
                user=user,
                group_id=group_id,
                name="default",
                description="The queue the demo worker listens on.",
            )
        plugin = Plugin.objects.alive().filter(group_id=group_id, name="hello_world").first()
        if plugin is None:
            string = PluginParameterType.objects.get(is_builtin=True, name="string")
            plugin = definitions.create_plugin(
                user=user, group_id=group_id, name="hello_world", description="Logs a greeting."
            )
            definitions.create_plugin_file(
                user=user,
                plugin=plugin,
                filename="tasks.py",
                contents=HELLO_WORLD_PLUGIN,
                tasks=[
                    definitions.TaskSpec(
                        "hello_world",
                        inputs=[("name", string.pk, True)],
                        outputs=[("output", string.pk)],
                    )
                ],
            )
            plugin.refresh_from_db()
        entrypoint = (
            Entrypoint.objects.alive().filter(group_id=group_id, name="hello-world").first()
        )
        if entrypoint is None:
            entrypoint = definitions.create_entrypoint(
                user=user,
                group_id=group_id,
                name="hello-world",
                description="Says hello to a name you choose.",
                task_graph=HELLO_WORLD_GRAPH,
                parameters=[definitions.ParameterSpec("name", "string", "world")],
                queue_ids=[queue.pk],
                plugin_ids=[plugin.pk],
            )
        if not Experiment.objects.alive().filter(group_id=group_id, name="demo").exists():
            definitions.create_experiment(
                user=user,
                group_id=group_id,
                name="demo",
                description="A first experiment: open it and run the hello-world entrypoint.",
                entrypoint_ids=[entrypoint.pk],
            )
