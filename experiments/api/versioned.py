"""Where each versioned resource lives in the API, for the sub-routes every one
of them shares (``.../tags``, ``.../snapshots``): its URL prefix and how to
find the one a request names, answering 404 when the user may not read it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from experiments.models import (
    Artifact,
    Entrypoint,
    Experiment,
    Job,
    MLModel,
    Plugin,
    PluginFile,
    PluginParameterType,
    Queue,
    Resource,
)

from .lookups import get_or_404


@dataclass(frozen=True)
class Versioned:
    model: type[Resource]
    prefix: str  # the URL of one resource, e.g. "queues/<id:pk>"
    name: str  # the stem of its URL names, e.g. "queue"
    find: Callable[..., Resource]  # (request, **URL ids) -> the alive resource, or 404

    def route(self, **ids: int) -> str:
        """The resource's path under /api/v1, e.g. ``queues/3``."""
        path = self.prefix
        for key, value in ids.items():
            path = path.replace(f"<id:{key}>", str(value))
        return path


def visible(model: type[Resource], what: str, *, defer: tuple = ()) -> Callable[..., Resource]:
    def find(request, pk: int) -> Resource:
        rows = model.objects.visible_to(request.user).select_related("group", "snapshot")
        return get_or_404(rows.defer(*defer), pk, what)

    return find


def visible_plugin_file(request, pk: int, file_id: int) -> PluginFile:
    """A live file of a plugin the user may read."""
    get_or_404(Plugin.objects.visible_to(request.user), pk, "plugin")
    files = PluginFile.objects.visible_to(request.user).filter(plugin_id=pk)
    return get_or_404(files.select_related("group", "snapshot"), file_id, "plugin file")


QUEUES = Versioned(Queue, "queues/<id:pk>", "queue", visible(Queue, "queue"))
EXPERIMENTS = Versioned(
    Experiment, "experiments/<id:pk>", "experiment", visible(Experiment, "experiment")
)
ENTRYPOINTS = Versioned(
    Entrypoint, "entrypoints/<id:pk>", "entrypoint", visible(Entrypoint, "entrypoint")
)
PLUGINS = Versioned(Plugin, "plugins/<id:pk>", "plugin", visible(Plugin, "plugin"))
PLUGIN_FILES = Versioned(
    PluginFile, "plugins/<id:pk>/files/<id:file_id>", "plugin-file", visible_plugin_file
)
PARAMETER_TYPES = Versioned(
    PluginParameterType,
    "pluginParameterTypes/<id:pk>",
    "plugin-parameter-type",
    visible(PluginParameterType, "plugin parameter type"),
)
MODELS = Versioned(MLModel, "models/<id:pk>", "model", visible(MLModel, "model"))
# A job's frozen definition can be large, and neither tags nor snapshots read it.
JOBS = Versioned(Job, "jobs/<id:pk>", "job", visible(Job, "job", defer=("definition",)))
ARTIFACTS = Versioned(Artifact, "artifacts/<id:pk>", "artifact", visible(Artifact, "artifact"))

# Dioptra gives artifacts snapshots but no tags.
TAGGABLE = [QUEUES, EXPERIMENTS, ENTRYPOINTS, PLUGINS, PLUGIN_FILES, PARAMETER_TYPES, MODELS, JOBS]
WITH_SNAPSHOTS = [*TAGGABLE, ARTIFACTS]
