from .artifacts import Artifact, MLModel, ModelVersion
from .drafts import Draft
from .entrypoints import (
    Entrypoint,
    EntrypointArtifactOutput,
    EntrypointArtifactParameter,
    EntrypointParameter,
    EntrypointPlugin,
    ParameterType,
    coerce_parameter_value,
)
from .experiments import Experiment
from .jobs import Job, JobLog, JobMetric
from .plugins import (
    BUILTIN_PARAMETER_TYPES,
    Plugin,
    PluginFile,
    PluginParameterType,
    PluginTask,
    PluginTaskParameter,
)
from .queues import Queue
from .resources import NAME_MAX_LENGTH, Resource, Snapshot, Tag
from .tokens import ApiToken
from .users import PUBLIC_GROUP_NAME, Group, GroupMembership, User

__all__ = [
    "BUILTIN_PARAMETER_TYPES",
    "NAME_MAX_LENGTH",
    "PUBLIC_GROUP_NAME",
    "ApiToken",
    "Artifact",
    "Draft",
    "Entrypoint",
    "EntrypointArtifactOutput",
    "EntrypointArtifactParameter",
    "EntrypointParameter",
    "EntrypointPlugin",
    "Experiment",
    "Group",
    "GroupMembership",
    "Job",
    "JobLog",
    "JobMetric",
    "MLModel",
    "ModelVersion",
    "ParameterType",
    "Plugin",
    "PluginFile",
    "PluginParameterType",
    "PluginTask",
    "PluginTaskParameter",
    "Queue",
    "Resource",
    "Snapshot",
    "Tag",
    "User",
    "coerce_parameter_value",
]
