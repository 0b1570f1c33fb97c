"""Make a fresh database ready to use: the `public` group, the builtin
parameter types and (with --demo) a demo account with content to explore:
three entrypoints in the `demo` experiment on the `default` queue, ready to
run (hello world; numpy sampling and transforms saving an .npy artifact; an
FGSM attack on a digits classifier logging accuracies and saving a PNG).
Safe to run any number of times: what exists is left as it is."""

from django.core.management.base import BaseCommand
from django.db import transaction

from experiments import accounts, definitions
from experiments.definitions import ParameterSpec, TaskSpec
from experiments.demo import source
from experiments.models import (
    Entrypoint,
    Experiment,
    Plugin,
    PluginParameterType,
    PluginTask,
    Queue,
    User,
)

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-password"

HELLO_WORLD_GRAPH = """\
hello_step:
  hello_world:
    name: $name
"""

SAMPLING_GRAPH = """\
draw:
  sample_normal:
    seed: $seed
    mean: $mean
    std: $std
    size: $size
scaled:
  scale:
    array: $draw
    factor: $factor
shifted:
  shift:
    array: $scaled
    offset: 1.0
clipped:
  clip:
    array: $shifted
    low: -3.0
    high: 3.0
summary:
  summarize:
    array: $clipped
"""

SAMPLING_ARTIFACTS = """\
sample:
  contents: $clipped
  task:
    name: NumpyArrayArtifactTask
"""

ADVERSARIAL_GRAPH = """\
data:
  load_digits:
    test_fraction: $test_fraction
    seed: $seed
model:
  train_classifier:
    x: $data.x_train
    y: $data.y_train
    max_iter: $max_iter
clean:
  accuracy:
    model: $model
    x: $data.x_test
    y: $data.y_test
    metric: clean_accuracy
attack:
  fgsm_attack:
    model: $model
    x: $data.x_test
    y: $data.y_test
    epsilon: $epsilon
attacked:
  accuracy:
    model: $model
    x: $attack
    y: $data.y_test
    metric: adversarial_accuracy
examples:
  examples_png:
    model: $model
    clean: $data.x_test
    adversarial: $attack
    labels: $data.y_test
    count: $example_count
"""

ADVERSARIAL_ARTIFACTS = """\
adversarial_examples:
  contents: $examples
  task:
    name: PngArtifactTask
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
        DemoSeeder(user, public.pk).seed()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo account: username {DEMO_USERNAME!r}, password {DEMO_PASSWORD!r}"
            )
        )


class DemoSeeder:
    """Creates each piece of demo content unless one of that name exists."""

    def __init__(self, user, group_id: int):
        self.user = user
        self.group_id = group_id

    def seed(self) -> Experiment:
        queue = self.queue("default", "The queue the demo worker listens on.")
        array = self.parameter_type("NumpyArray", "A numpy array.").pk
        builtin = {t.name: t.pk for t in PluginParameterType.objects.filter(is_builtin=True)}
        string, integer, number, anything = (
            builtin["string"],
            builtin["integer"],
            builtin["number"],
            builtin["any"],
        )
        hello = self.plugin(
            "hello_world",
            "Logs a greeting.",
            "tasks.py",
            source("hello_world.py"),
            [
                TaskSpec(
                    "hello_world", inputs=[("name", string, True)], outputs=[("output", string)]
                )
            ],
        )
        sampling = self.plugin(
            "sampling",
            "Draws a normal sample with numpy and transforms it.",
            "sampling.py",
            source("sampling.py"),
            [
                TaskSpec(
                    "sample_normal",
                    inputs=[
                        ("seed", integer, True),
                        ("mean", number, True),
                        ("std", number, True),
                        ("size", integer, True),
                    ],
                    outputs=[("output", array)],
                ),
                TaskSpec(
                    "scale",
                    inputs=[("array", array, True), ("factor", number, True)],
                    outputs=[("output", array)],
                ),
                TaskSpec(
                    "shift",
                    inputs=[("array", array, True), ("offset", number, True)],
                    outputs=[("output", array)],
                ),
                TaskSpec(
                    "clip",
                    inputs=[("array", array, True), ("low", number, True), ("high", number, True)],
                    outputs=[("output", array)],
                ),
                TaskSpec(
                    "summarize", inputs=[("array", array, True)], outputs=[("stats", anything)]
                ),
            ],
        )
        adversarial = self.plugin(
            "adversarial",
            "Trains a digits classifier and attacks it with FGSM.",
            "fgsm.py",
            source("adversarial.py"),
            [
                TaskSpec(
                    "load_digits",
                    inputs=[("test_fraction", number, True), ("seed", integer, True)],
                    outputs=[
                        ("x_train", array),
                        ("y_train", array),
                        ("x_test", array),
                        ("y_test", array),
                    ],
                ),
                TaskSpec(
                    "train_classifier",
                    inputs=[("x", array, True), ("y", array, True), ("max_iter", integer, True)],
                    outputs=[("model", anything)],
                ),
                TaskSpec(
                    "accuracy",
                    inputs=[
                        ("model", anything, True),
                        ("x", array, True),
                        ("y", array, True),
                        ("metric", string, True),
                    ],
                    outputs=[("value", number)],
                ),
                TaskSpec(
                    "fgsm_attack",
                    inputs=[
                        ("model", anything, True),
                        ("x", array, True),
                        ("y", array, True),
                        ("epsilon", number, True),
                    ],
                    outputs=[("adversarial", array)],
                ),
                TaskSpec(
                    "examples_png",
                    inputs=[
                        ("model", anything, True),
                        ("clean", array, True),
                        ("adversarial", array, True),
                        ("labels", array, True),
                        ("count", integer, True),
                    ],
                    outputs=[("png", anything)],
                ),
            ],
        )
        savers = self.plugin(
            "demo_artifacts",
            "Artifact handlers: numpy arrays as .npy, images as .png.",
            "savers.py",
            source("artifacts.py"),
            [
                TaskSpec(
                    "NumpyArrayArtifactTask",
                    kind=PluginTask.Kind.ARTIFACT,
                    outputs=[("array", array)],
                ),
                TaskSpec(
                    "PngArtifactTask", kind=PluginTask.Kind.ARTIFACT, outputs=[("png", anything)]
                ),
            ],
        )
        entrypoints = [
            self.entrypoint(
                "hello-world",
                "Says hello to a name you choose.",
                HELLO_WORLD_GRAPH,
                [ParameterSpec("name", "string", "world")],
                queue,
                [hello],
            ),
            self.entrypoint(
                "sample-and-transform",
                "Draws a normal sample with numpy, scales, shifts and clips it, logs its "
                "statistics as metrics and saves it as an .npy artifact.",
                SAMPLING_GRAPH,
                [
                    ParameterSpec("seed", "integer", "0"),
                    ParameterSpec("mean", "float", "0.0"),
                    ParameterSpec("std", "float", "1.0"),
                    ParameterSpec("size", "integer", "1000"),
                    ParameterSpec("factor", "float", "2.0"),
                ],
                queue,
                [sampling],
                artifact_graph=SAMPLING_ARTIFACTS,
                artifact_plugins=[savers],
            ),
            self.entrypoint(
                "adversarial-digits",
                "Trains a logistic regression on scikit-learn's digits, attacks it with the fast "
                "gradient sign method at strength epsilon, logs clean and adversarial accuracy "
                "and saves a PNG of perturbed examples.",
                ADVERSARIAL_GRAPH,
                [
                    ParameterSpec("epsilon", "float", "0.1"),
                    ParameterSpec("test_fraction", "float", "0.25"),
                    ParameterSpec("seed", "integer", "0"),
                    ParameterSpec("max_iter", "integer", "500"),
                    ParameterSpec("example_count", "integer", "8"),
                ],
                queue,
                [adversarial],
                artifact_graph=ADVERSARIAL_ARTIFACTS,
                artifact_plugins=[savers],
            ),
        ]
        return self.experiment(
            "demo",
            "A first experiment: open it and run one of its entrypoints on the default queue.",
            entrypoints,
        )

    def _existing(self, model, name: str):
        return model.objects.alive().filter(group_id=self.group_id, name=name).first()

    def queue(self, name: str, description: str) -> Queue:
        return self._existing(Queue, name) or definitions.create_queue(
            user=self.user, group_id=self.group_id, name=name, description=description
        )

    def parameter_type(self, name: str, description: str) -> PluginParameterType:
        return self._existing(PluginParameterType, name) or definitions.create_parameter_type(
            user=self.user, group_id=self.group_id, name=name, description=description
        )

    def plugin(self, name, description, filename, contents, tasks) -> Plugin:
        plugin = self._existing(Plugin, name)
        if plugin is None:
            plugin = definitions.create_plugin(
                user=self.user, group_id=self.group_id, name=name, description=description
            )
            definitions.create_plugin_file(
                user=self.user, plugin=plugin, filename=filename, contents=contents, tasks=tasks
            )
            plugin.refresh_from_db()
        return plugin

    def entrypoint(
        self,
        name,
        description,
        graph,
        parameters,
        queue,
        plugins,
        *,
        artifact_graph="",
        artifact_plugins=(),
    ) -> Entrypoint:
        return self._existing(Entrypoint, name) or definitions.create_entrypoint(
            user=self.user,
            group_id=self.group_id,
            name=name,
            description=description,
            task_graph=graph,
            artifact_graph=artifact_graph,
            parameters=parameters,
            queue_ids=[queue.pk],
            plugin_ids=[p.pk for p in plugins],
            artifact_plugin_ids=[p.pk for p in artifact_plugins],
        )

    def experiment(self, name: str, description: str, entrypoints) -> Experiment:
        experiment = self._existing(Experiment, name)
        if experiment is None:
            return definitions.create_experiment(
                user=self.user,
                group_id=self.group_id,
                name=name,
                description=description,
                entrypoint_ids=[e.pk for e in entrypoints],
            )
        attached = set(experiment.entrypoints.values_list("pk", flat=True))
        if not {e.pk for e in entrypoints} <= attached:
            definitions.set_experiment_entrypoints(
                user=self.user,
                experiment=experiment,
                entrypoint_ids=sorted(attached | {e.pk for e in entrypoints}),
            )
        return experiment
