"""Creating, changing and deleting definitions (queues, entrypoints,
experiments) with their permission checks, name rules and snapshots.

Pages and the API both call these functions, so a rule and its message exist
once. Each takes ids for the resources it refers to and resolves them through
the user's visible querysets, so an id the user may not read is "not found".
"""

from .common import clean_name, delete_resource, require_edit, writable_group
from .entrypoints import (
    ArtifactParameterSpec,
    ParameterSpec,
    create_entrypoint,
    pin_entrypoint_plugins,
    set_entrypoint_queues,
    update_entrypoint,
)
from .experiments import create_experiment, set_experiment_entrypoints, update_experiment
from .groups import MEMBER_FLAGS, add_member, change_member, remove_member
from .models import add_model_version, create_model, update_model, update_model_version
from .plugins import (
    TaskSpec,
    create_parameter_type,
    create_plugin,
    create_plugin_file,
    delete_plugin,
    delete_plugin_file,
    update_parameter_type,
    update_plugin,
    update_plugin_file,
)
from .queues import create_queue, update_queue

__all__ = [
    "MEMBER_FLAGS",
    "ArtifactParameterSpec",
    "ParameterSpec",
    "TaskSpec",
    "add_member",
    "add_model_version",
    "change_member",
    "clean_name",
    "create_entrypoint",
    "create_experiment",
    "create_model",
    "create_parameter_type",
    "create_plugin",
    "create_plugin_file",
    "create_queue",
    "delete_plugin",
    "delete_plugin_file",
    "delete_resource",
    "pin_entrypoint_plugins",
    "remove_member",
    "require_edit",
    "set_entrypoint_queues",
    "set_experiment_entrypoints",
    "update_entrypoint",
    "update_experiment",
    "update_model",
    "update_model_version",
    "update_parameter_type",
    "update_plugin",
    "update_plugin_file",
    "update_queue",
    "writable_group",
]
