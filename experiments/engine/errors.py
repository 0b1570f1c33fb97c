"""Exceptions the engine raises while validating or running a job.

The message texts follow Dioptra's task engine, so a job log reads the same as
it would there. An error raised while handling one step carries that step's
name and is shown as ``In step "<name>": <message>``.
"""

from collections.abc import Iterable


class EngineError(Exception):
    """Base class of every engine error."""

    def __init__(self, message: str, *, step: str | None = None):
        super().__init__(message)
        self.message = message
        self.step = step

    def in_step(self, step: str) -> "EngineError":
        if self.step is None:
            self.step = step
        return self

    def __str__(self) -> str:
        if self.step is not None:
            return f'In step "{self.step}": {self.message}'
        return self.message


class ValidationFailedError(EngineError):
    """The description has validation errors; the job cannot run."""

    def __init__(self, issues: Iterable[object]):
        self.issues = list(issues)
        super().__init__("Errors found in Job YAML: " + "; ".join(str(i) for i in self.issues))


class MissingGlobalParametersError(EngineError):
    def __init__(self, names: Iterable[str]):
        self.names = sorted(names)
        super().__init__("Missing values for global parameters: " + ", ".join(self.names))


class UnresolvableReferenceError(EngineError):
    def __init__(self, reference: str):
        self.reference = reference
        super().__init__(f"Unresolvable reference: {reference}")


class ParameterOutputReferenceError(UnresolvableReferenceError):
    def __init__(self, reference: str):
        super().__init__(reference)
        self.message = f"References to parameters may not include an output name: {reference}"


class OutputNotFoundError(EngineError):
    def __init__(self, step: str, output: str):
        self.step_name = step
        self.output = output
        super().__init__(f'Unrecognized output of step "{step}": {output}')


class ArtifactOutputNotFoundError(EngineError):
    def __init__(self, artifact: str, output: str):
        self.artifact = artifact
        self.output = output
        super().__init__(f'Unrecognized output of artifact parameter "{artifact}": {output}')


class IllegalOutputReferenceError(EngineError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(
            "An output name is required when referring to a step with more than one output: " + name
        )


class NoStepOutputError(EngineError):
    def __init__(self, name: str):
        self.name = name
        super().__init__(f"Referenced step produces no output: {name}")


class NonIterableTaskOutputError(EngineError):
    def __init__(self, value: object):
        super().__init__(
            "Task output was defined using a list, but the task invocation did not return "
            f"an iterable value: {value!r}"
        )


class TaskPluginNotFoundError(EngineError):
    def __init__(self, task: str):
        self.task = task
        super().__init__(f"Unrecognized task plugin: {task}")


class MissingTaskPluginNameError(EngineError):
    def __init__(self):
        super().__init__("The step does not name a task plugin")


class IllegalPluginNameError(EngineError):
    def __init__(self, plugin_id: str):
        self.plugin_id = plugin_id
        super().__init__(
            f"Illegal task plugin id (need at least two dotted components): {plugin_id}"
        )


class StepNotFoundError(EngineError):
    def __init__(self, name: str, *, step: str | None = None):
        self.name = name
        super().__init__(f"Step not found: {name}", step=step)


class StepReferenceCycleError(EngineError):
    def __init__(self, cycle: list[str]):
        self.cycle = list(cycle)
        super().__init__("Step cycle detected: " + " > ".join(self.cycle))


class ArtifactTaskNotFoundError(EngineError):
    """An artifact output or input names a handler class the job does not have."""


class BundleError(EngineError):
    """The job bundle itself is malformed (a server-side bug, not a user error)."""
