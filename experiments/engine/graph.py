"""Steps of a task graph: invocation styles, references, order and outputs.

- :func:`invocation` turns any of the three step styles (positional, keyword,
  mixed; contract §1.3) into one :class:`Invocation`.
- References (§1.4): a string is a reference only as a whole, ``$name`` or
  ``$name.output``; a leading ``$$`` escapes a literal ``$``. Mapping keys are
  never references.
- :func:`step_order` reproduces Dioptra's order exactly by feeding
  :class:`graphlib.TopologicalSorter` in the same sequence (§1.6).
- :class:`Scope` resolves references at run time and :func:`step_outputs`
  stores a step's return value under its declared output names (§1.5).
"""

import graphlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import (
    ArtifactOutputNotFoundError,
    IllegalOutputReferenceError,
    NonIterableTaskOutputError,
    NoStepOutputError,
    OutputNotFoundError,
    ParameterOutputReferenceError,
    StepNotFoundError,
    StepReferenceCycleError,
    UnresolvableReferenceError,
)

STEP_KEYWORDS = ("task", "args", "kwargs", "dependencies")


@dataclass
class Invocation:
    task: str
    args: list[Any] = field(default_factory=list)
    kwargs: dict[str, Any] = field(default_factory=dict)
    dependencies: list[str] = field(default_factory=list)
    style: str = "mixed"  # "positional" | "keyword" | "mixed"


def as_list(value: object) -> list[Any]:
    """A positional argument value: a list stays a list, a scalar becomes ``[scalar]``."""
    return list(value) if isinstance(value, list | tuple) else [value]


def task_keys(step: Mapping[str, Any]) -> list[Any]:
    """The keys of a positional/keyword step that could name its task."""
    return [key for key in step if key != "dependencies"]


def invocation(step: Mapping[str, Any]) -> Invocation:
    """Normalise a step (already schema-checked) to task, args, kwargs, dependencies."""
    dependencies = step.get("dependencies", [])
    dependencies = [dependencies] if isinstance(dependencies, str) else list(dependencies)
    if "task" in step:
        return Invocation(
            task=step["task"],
            args=as_list(step["args"]) if "args" in step else [],
            kwargs=dict(step.get("kwargs") or {}),
            dependencies=dependencies,
            style="mixed",
        )
    (task,) = task_keys(step)
    value = step[task]
    if isinstance(value, dict):
        return Invocation(task=task, kwargs=dict(value), dependencies=dependencies, style="keyword")
    return Invocation(task=task, args=as_list(value), dependencies=dependencies, style="positional")


# ---------------------------------------------------------------------------
# References


def is_reference(value: object) -> bool:
    return (
        isinstance(value, str)
        and value.startswith("$")
        and value != "$"
        and not value.startswith("$$")
    )


def parse_reference(reference: str) -> tuple[str, str | None]:
    """``"$a"`` → ``("a", None)``; ``"$a.b.c"`` → ``("a", "b.c")`` (one level only)."""
    name, dot, output = reference[1:].partition(".")
    return name, (output if dot else None)


def unescape(value: str) -> str:
    return value[1:] if value.startswith("$$") else value


def iter_references(value: object) -> Iterator[str]:
    """Every reference string in a value, walking lists and mapping values."""
    if is_reference(value):
        yield value  # type: ignore[misc]
    elif isinstance(value, list | tuple):
        for item in value:
            yield from iter_references(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from iter_references(item)


def referenced_steps(inv: Invocation, steps: Mapping[str, Any]) -> list[str]:
    """Steps a step's arguments refer to, in order of appearance (with repeats)."""
    names = []
    for reference in iter_references([inv.args, inv.kwargs]):
        name, _ = parse_reference(reference)
        if name in steps:
            names.append(name)
    return names


def step_order(graph: Mapping[str, Any], parameters: Mapping[str, Any] = ()) -> list[str]:
    """The order steps run in: Dioptra's ``graphlib`` static order.

    References to global parameters add no edge. Raises StepNotFoundError for
    a dependency on an unknown step and StepReferenceCycleError for a cycle.
    """
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name, step in graph.items():
        inv = invocation(step)
        sorter.add(name)
        for reference in iter_references([inv.args, inv.kwargs]):
            target, output = parse_reference(reference)
            if output is None and target in parameters:
                continue
            if target in graph:
                sorter.add(name, target)
        for dependency in inv.dependencies:
            if dependency not in graph:
                raise StepNotFoundError(dependency, step=name)
            sorter.add(name, dependency)
    try:
        return list(sorter.static_order())
    except graphlib.CycleError as exc:
        raise StepReferenceCycleError(list(exc.args[1])) from None


def find_cycle(graph: Mapping[str, Any], parameters: Mapping[str, Any] = ()) -> list[str] | None:
    try:
        step_order(graph, parameters)
    except StepReferenceCycleError as exc:
        return exc.cycle
    return None


# ---------------------------------------------------------------------------
# Outputs


def output_names(declaration: object) -> list[str]:
    """Names of a task's declared outputs (single mapping or list form)."""
    if declaration is None:
        return []
    if isinstance(declaration, dict):
        return [next(iter(declaration))] if declaration else []
    return [next(iter(item)) for item in declaration]


def step_outputs(
    step: str, declaration: object, result: object, log: logging.Logger
) -> dict[str, Any]:
    """Store a task's return value under its declared output names (§1.5)."""
    if declaration is None:
        return {}
    if isinstance(declaration, dict):
        return {output_names(declaration)[0]: result}
    names = output_names(declaration)
    try:
        values = iter(result)  # type: ignore[call-overload]
    except TypeError:
        raise NonIterableTaskOutputError(result) from None
    try:
        count = len(result)  # type: ignore[arg-type]
    except TypeError:
        count = None
    if count is not None and count != len(names):
        log.warning(
            'Different numbers of outputs and output definitions for step "%s": %d != %d',
            step,
            count,
            len(names),
        )
    return dict(zip(names, values, strict=False))


# ---------------------------------------------------------------------------
# Resolution at run time


@dataclass
class Scope:
    """Everything a reference can point to while a job runs."""

    parameters: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    step_declarations: dict[str, list[str]] = field(default_factory=dict)
    artifacts: dict[str, dict[str, Any]] = field(default_factory=dict)
    artifact_declarations: dict[str, list[str]] = field(default_factory=dict)

    def lookup(self, reference: str) -> Any:
        name, output = parse_reference(reference)
        if output is None:
            if name in self.parameters:
                return self.parameters[name]
            if name in self.steps:
                return self._single(name, self.steps[name], self.step_declarations[name])
            if name in self.artifacts:
                return self._single(name, self.artifacts[name], self.artifact_declarations[name])
            raise UnresolvableReferenceError(reference)
        if name in self.steps:
            if output not in self.steps[name]:
                raise OutputNotFoundError(name, output)
            return self.steps[name][output]
        if name in self.artifacts:
            if output not in self.artifacts[name]:
                raise ArtifactOutputNotFoundError(name, output)
            return self.artifacts[name][output]
        if name in self.parameters:
            raise ParameterOutputReferenceError(reference)
        raise UnresolvableReferenceError(reference)

    @staticmethod
    def _single(name: str, values: dict[str, Any], declared: list[str]) -> Any:
        if not declared:
            raise NoStepOutputError(name)
        if len(declared) > 1:
            raise IllegalOutputReferenceError(name)
        if declared[0] not in values:
            raise OutputNotFoundError(name, declared[0])
        return values[declared[0]]

    def resolve(self, value: Any) -> Any:
        """A copy of a value with every reference replaced and ``$$`` escapes undone."""
        if isinstance(value, str):
            return self.lookup(value) if is_reference(value) else unescape(value)
        if isinstance(value, list):
            return [self.resolve(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.resolve(item) for item in value)
        if isinstance(value, dict):
            return {key: self.resolve(item) for key, item in value.items()}
        return value
