"""Validation of an experiment description (contract §1.2, §1.7, §1.9).

:func:`validate` returns a list of :class:`Issue`; the description is valid
when none of them is an ERROR. It works in three stages, like Dioptra:

1. structure (``SCHEMA``): the shape of every section, checked by hand. If
   anything is wrong here, nothing else is checked;
2. meaning (``SEMANTIC``): names, task references, invocations, references,
   dependencies, cycles, type definitions;
3. types (``TYPE``), only when there are no errors so far: parameter defaults
   against their declared types, then every step argument against the task
   input it feeds.

:func:`parse_yaml` turns a PyYAML error into a ``SYNTAX`` issue with its line
number and :func:`validate_yaml_text` validates the texts an entrypoint holds.
The helpers that build description sections from plain dicts live in
:mod:`experiments.engine.sections` and are re-exported here.
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import yaml

from .graph import (
    Invocation,
    find_cycle,
    invocation,
    is_reference,
    iter_references,
    parse_reference,
    task_keys,
)
from .sections import (  # noqa: F401 - re-exported for the Django side
    artifact_inputs_section,
    coerce_parameter,
    parameters_section,
    tasks_section,
    types_section,
)
from .types import (
    BUILTIN_TYPE_NAMES,
    STRUCTURE_KEYS,
    Type,
    TypeDefinitionError,
    build_types,
    infer_type,
    is_compatible,
    referenced_type_names,
    union_duplicates,
)

SECTIONS = ("types", "parameters", "tasks", "graph", "artifact_outputs", "artifact_inputs")
SCALAR_TYPES = (str, int, float, bool, type(None))


@dataclass(frozen=True)
class Issue:
    type: str  # "SYNTAX" | "SCHEMA" | "SEMANTIC" | "TYPE"
    severity: str  # "ERROR" | "WARNING"
    message: str
    step: str | None = None

    def __str__(self) -> str:
        return f"{self.type.lower()}.{self.severity.lower()}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape Dioptra's validateEntrypoint answers with (plus the step)."""
        return {
            "type": self.type.lower(),
            "severity": self.severity.lower(),
            "message": self.message,
            "step": self.step,
        }


def is_valid(issues: list[Issue]) -> bool:
    return not any(issue.severity == "ERROR" for issue in issues)


@dataclass(frozen=True)
class TaskInput:
    name: str
    type: str
    required: bool


def task_inputs(task: Mapping[str, Any]) -> list[TaskInput]:
    """A task's declared inputs; only the long form can make an input optional."""
    inputs = []
    for item in task.get("inputs") or []:
        if "name" in item:
            inputs.append(TaskInput(item["name"], item["type"], item.get("required", True)))
        else:
            ((name, type_name),) = item.items()
            inputs.append(TaskInput(name, type_name, True))
    return inputs


def output_declarations(declaration: object) -> list[tuple[str, str]]:
    """(name, type) pairs of a task's or artifact input's outputs."""
    if declaration is None:
        return []
    items = [declaration] if isinstance(declaration, dict) else declaration
    return [next(iter(item.items())) for item in items]  # type: ignore[union-attr]


class _Report:
    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def add(self, kind: str, message: str, step: str | None = None, *, warning=False) -> None:
        self.issues.append(Issue(kind, "WARNING" if warning else "ERROR", message, step))

    def error_count(self) -> int:
        return sum(issue.severity == "ERROR" for issue in self.issues)


def validate(
    description: object, *, artifact_tasks: Mapping[str, Mapping[str, Any] | None] | None = None
) -> list[Issue]:
    """All problems of an experiment description.

    ``artifact_tasks`` maps the artifact handler class names the job may use to
    the JSON-Schema ``properties`` their ``validation()`` returns (or None).
    When it is None the artifact output handler names are not checked; the
    worker always passes it.
    """
    report = _Report()
    _check_structure(description, artifact_tasks, report)
    if report.issues:
        return report.issues
    assert isinstance(description, dict)
    _check_meaning(description, report)
    if report.error_count() == 0:
        _check_types(description, report)
    return report.issues


# ---------------------------------------------------------------------------
# Stage 1: structure


def _kind(value: object) -> str:
    return {
        dict: "a mapping",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        type(None): "null",
    }.get(type(value), f"a {type(value).__name__}")


def _check_structure(
    description: object,
    artifact_tasks: Mapping[str, Mapping[str, Any] | None] | None,
    report: _Report,
) -> None:
    def schema(message: str, step: str | None = None) -> None:
        report.add("SCHEMA", message, step)

    if not isinstance(description, dict):
        schema(f"the experiment description must be a mapping, not {_kind(description)}")
        return
    for key in description:
        if key not in SECTIONS:
            schema(f'unexpected top-level key "{key}"; allowed: {", ".join(SECTIONS)}')
    for key in ("tasks", "graph"):
        if key not in description:
            schema(f'the "{key}" section is required')
    for key in SECTIONS:
        if key in description and not isinstance(description[key], dict):
            schema(f'the "{key}" section must be a mapping, not {_kind(description[key])}')
        elif key in ("tasks", "graph") and key in description and not description[key]:
            schema(f'the "{key}" section needs at least one entry')
    if report.issues:
        return

    for name, definition in (description.get("types") or {}).items():
        _check_type_definition(definition, f'type "{name}"', schema, top=True)
    for name, parameter in (description.get("parameters") or {}).items():
        _check_parameter(name, parameter, schema)
    for name, task in description["tasks"].items():
        _check_task(name, task, schema)
    for name, step in description["graph"].items():
        _check_step(name, step, schema)
    for name, output in (description.get("artifact_outputs") or {}).items():
        _check_artifact_output(name, output, artifact_tasks, schema)
    for name, declaration in (description.get("artifact_inputs") or {}).items():
        _check_output_declaration(declaration, f'artifact input "{name}"', schema)


def _check_type_definition(node: object, where: str, schema, *, top: bool) -> None:
    if isinstance(node, str):
        if top:
            schema(f"{where}: a type definition cannot be just a name ({node!r}); use is_a")
        return
    if top and (node is None or node == {}):
        return
    if not isinstance(node, dict):
        schema(f"{where}: not a type definition: {node!r}")
        return
    if top and list(node) == ["is_a"]:
        if not isinstance(node["is_a"], str):
            schema(f"{where}: is_a must name a type")
        return
    if len(node) != 1 or next(iter(node)) not in STRUCTURE_KEYS:
        allowed = ("is_a, " if top else "") + ", ".join(STRUCTURE_KEYS)
        schema(f"{where}: a type definition needs exactly one of {allowed}; found {list(node)}")
        return
    kind, value = next(iter(node.items()))
    inner = f"{where} {kind}"
    if kind == "list":
        _check_type_definition(value, inner, schema, top=False)
    elif kind in ("tuple", "union"):
        if not isinstance(value, list) or (kind == "union" and not value):
            schema(f"{inner}: must be a list of types")
            return
        for item in value:
            _check_type_definition(item, inner, schema, top=False)
    elif isinstance(value, list):
        if len(value) != 2:
            schema(f"{inner}: a key/value mapping needs exactly two types [key, value]")
            return
        for item in value:
            _check_type_definition(item, inner, schema, top=False)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_type_definition(item, f'{inner} key "{key}"', schema, top=False)
    else:
        schema(f"{inner}: must be [key type, value type] or a mapping of keys to types")


def _check_parameter(name: object, parameter: object, schema) -> None:
    where = f'parameter "{name}"'
    if isinstance(parameter, dict):
        if not parameter:
            schema(f'{where}: needs a "type" or a "default"')
        for key in parameter:
            if key not in ("type", "default"):
                schema(f'{where}: unexpected key "{key}"; allowed: type, default')
        if "type" in parameter and not isinstance(parameter["type"], str):
            schema(f"{where}: type must be a type name, not {_kind(parameter['type'])}")
    elif not isinstance(parameter, SCALAR_TYPES + (list,)):
        schema(f"{where}: a default must be a string, number, boolean, null or list")


def _check_task(name: object, task: object, schema) -> None:
    where = f'task plugin "{name}"'
    if not isinstance(task, dict):
        schema(f"{where}: must be a mapping with a plugin id, not {_kind(task)}")
        return
    for key in task:
        if key not in ("plugin", "inputs", "outputs"):
            schema(f'{where}: unexpected key "{key}"; allowed: plugin, inputs, outputs')
    plugin = task.get("plugin")
    if not isinstance(plugin, str) or len(plugin) < 3:
        schema(f'{where}: "plugin" must be a plugin id like package.module.function')
    inputs = task.get("inputs", [])
    if not isinstance(inputs, list):
        schema(f"{where} inputs: must be a list, not {_kind(inputs)}")
    else:
        for item in inputs:
            _check_task_input(item, f"{where} inputs", schema)
    if "outputs" in task:
        _check_output_declaration(task["outputs"], f"{where} outputs", schema)


def _check_task_input(item: object, where: str, schema) -> None:
    if not isinstance(item, dict):
        schema(f"{where}: an input must be a mapping, not {_kind(item)}")
    elif "name" in item:
        for key in item:
            if key not in ("name", "type", "required"):
                schema(f'{where}: unexpected key "{key}" (long form: name, type, required)')
        if not isinstance(item["name"], str):
            schema(f"{where}: input name must be a string")
        if not isinstance(item.get("type"), str):
            schema(f'{where}: input "{item["name"]}" needs a type name')
        if "required" in item and not isinstance(item["required"], bool):
            schema(f'{where}: input "{item["name"]}": required must be true or false')
    elif len(item) != 1:
        schema(f"{where}: a short-form input is one {{name: type}} pair; found {list(item)}")
    elif not isinstance(next(iter(item.values())), str):
        schema(f'{where}: input "{next(iter(item))}" needs a type name')


def _check_output_declaration(declaration: object, where: str, schema) -> None:
    items = declaration if isinstance(declaration, list) else [declaration]
    if isinstance(declaration, list) and not declaration:
        schema(f"{where}: needs at least one output")
    for item in items:
        if not isinstance(item, dict) or len(item) != 1:
            schema(f"{where}: an output is one {{name: type}} pair, not {item!r}")
        elif not isinstance(next(iter(item.values())), str):
            schema(f'{where}: output "{next(iter(item))}" needs a type name')


def _check_step(name: str, step: object, schema) -> None:
    where = f'step "{name}"'
    if not isinstance(step, dict):
        schema(f"{where}: a step must be a mapping naming its task, not {_kind(step)}", name)
        return
    dependencies = step.get("dependencies", [])
    if not (
        isinstance(dependencies, str)
        or (isinstance(dependencies, list) and all(isinstance(d, str) for d in dependencies))
    ):
        schema(f"{where}: dependencies must be a step name or a list of step names", name)
    if "task" not in step:
        return
    for key in step:
        if key not in ("task", "args", "kwargs", "dependencies"):
            schema(
                f'{where}: unexpected key "{key}"; allowed: task, args, kwargs, dependencies', name
            )
    if not isinstance(step["task"], str):
        schema(f"{where}: task must be a task name, not {_kind(step['task'])}", name)
    if isinstance(step.get("args"), dict):
        schema(f"{where}: args must be a list or a single value, not a mapping", name)
    if "kwargs" in step and not isinstance(step["kwargs"], dict):
        schema(f"{where}: kwargs must be a mapping, not {_kind(step['kwargs'])}", name)


def _check_artifact_output(
    name: object,
    output: object,
    artifact_tasks: Mapping[str, Mapping[str, Any] | None] | None,
    schema,
) -> None:
    where = f'artifact output "{name}"'
    if not isinstance(output, dict):
        schema(f"{where}: must be a mapping with contents and task, not {_kind(output)}")
        return
    for key in output:
        if key not in ("contents", "task"):
            schema(f'{where}: unexpected key "{key}"; allowed: contents, task')
    if not isinstance(output.get("contents"), str):
        schema(f"{where}: contents must be a string (usually a reference like $step.output)")
    task = output.get("task")
    if not isinstance(task, dict):
        schema(f"{where}: task must be a mapping with a name and optional args")
        return
    for key in task:
        if key not in ("name", "args"):
            schema(f'{where} task: unexpected key "{key}"; allowed: name, args')
    task_name = task.get("name")
    if not isinstance(task_name, str):
        schema(f"{where} task: name must be an artifact task class name")
        return
    args = task.get("args", {})
    if not isinstance(args, dict):
        schema(f"{where} task: args must be a mapping of argument names to values")
        return
    if artifact_tasks is None:
        return
    if task_name not in artifact_tasks:
        known = ", ".join(repr(n) for n in sorted(artifact_tasks))
        schema(f"{where} task name: '{task_name}' is not one of [{known}]")
        return
    properties = artifact_tasks[task_name] or {}
    for arg, value in args.items():
        if isinstance(properties.get(arg), dict):
            for problem in _json_schema_problems(value, properties[arg]):
                schema(f'{where} task args "{arg}": {problem}')


_JSON_TYPES = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "array": lambda v: isinstance(v, list),
    "object": lambda v: isinstance(v, dict),
}


def _json_schema_problems(value: object, schema: Mapping[str, Any]) -> list[str]:
    """The JSON-Schema keywords artifact handlers use: type, enum, const."""
    problems = []
    if "type" in schema:
        wanted = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_JSON_TYPES.get(t, lambda v: True)(value) for t in wanted):
            problems.append(f"{value!r} is not of type {', '.join(map(repr, wanted))}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{value!r} is not one of {schema['enum']!r}")
    if "const" in schema and value != schema["const"]:
        problems.append(f"{value!r} was expected to be {schema['const']!r}")
    return problems


# ---------------------------------------------------------------------------
# Stage 2: meaning


def _check_meaning(description: dict[str, Any], report: _Report) -> None:
    def semantic(message: str, step: str | None = None) -> None:
        report.add("SEMANTIC", message, step)

    types = description.get("types") or {}
    parameters = description.get("parameters") or {}
    tasks = description["tasks"]
    graph = description["graph"]
    artifact_outputs = description.get("artifact_outputs") or {}
    artifact_inputs = description.get("artifact_inputs") or {}
    known_types = set(BUILTIN_TYPE_NAMES) | {n for n in types if isinstance(n, str)}

    # Names.
    named_sections = [
        (types, "type"),
        (parameters, "parameter"),
        (tasks, "task plugin"),
        (graph, "step"),
        (artifact_outputs, "artifact output"),
        (artifact_inputs, "artifact input"),
    ]
    for section, what in named_sections:
        for key in section:
            step = key if what == "step" and isinstance(key, str) else None
            if not isinstance(key, str):
                semantic(f"{what} names must be strings: {key!r}")
            elif not key.strip():
                semantic(f"{what} names must not be empty or blank: {key!r}", step)
            elif what in ("parameter", "step") and "." in key:
                semantic(f'{what} names must not contain ".": {key}', step)
    for name in types:
        if name in BUILTIN_TYPE_NAMES:
            semantic(f'builtin type "{name}" may not be redefined')

    # Tasks: input/output names and types, plugin ids.
    for name, task in tasks.items():
        where = f'task plugin "{name}"'
        inputs = task_inputs(task)
        outputs = output_declarations(task.get("outputs"))
        for what, pairs in (
            ("input", [(i.name, i.type) for i in inputs]),
            ("output", outputs),
        ):
            seen: set[str] = set()
            for item_name, type_name in pairs:
                if item_name in seen:
                    semantic(f'{where}: duplicate {what} name "{item_name}"')
                seen.add(item_name)
                if type_name not in known_types:
                    semantic(f'{where}: {what} "{item_name}": undefined type "{type_name}"')
        components = task["plugin"].split(".")
        if len(components) < 2 or not all(components):
            semantic(
                f'{where}: invalid plugin id "{task["plugin"]}"; it needs at least two '
                "non-empty dotted components (plugin.module.function)"
            )

    # Steps: structure, then name collisions.
    structure_ok = True
    for name, step in graph.items():
        if "task" not in step and len(task_keys(step)) != 1:
            structure_ok = False
            found = ", ".join(map(str, task_keys(step))) or "none"
            semantic(
                f'in step "{name}": a positional or keyword step must have exactly one key '
                f'besides "dependencies" (the task name); found: {found}',
                name,
            )
    collisions = [n for n in parameters if n in graph]
    for name in collisions:
        semantic(f'a parameter and a step may not share a name: "{name}"', name)

    invocations: dict[str, Invocation] = {}
    if structure_ok:
        invocations = {name: invocation(step) for name, step in graph.items()}
        for name, inv in invocations.items():
            for key in inv.kwargs:
                if not isinstance(key, str):
                    semantic(f'in step "{name}": keyword argument names must be strings: {key!r}')
        tasks_ok = True
        for name, inv in invocations.items():
            if inv.task not in tasks:
                tasks_ok = False
                semantic(f'in step "{name}": unrecognized task plugin: {inv.task}', name)
        if tasks_ok:
            for name, inv in invocations.items():
                for problem in _invocation_problems(inv, tasks[inv.task]):
                    semantic(f'in step "{name}": {problem}', name)

    if structure_ok and not collisions:
        references_ok = True
        scope = _StaticScope(parameters, graph, invocations, tasks, artifact_inputs)
        for name, inv in invocations.items():
            for reference in iter_references([inv.args, inv.kwargs]):
                problem = scope.problem(reference)
                if problem:
                    references_ok = False
                    semantic(f'in step "{name}": {problem}', name)
            for dependency in inv.dependencies:
                if dependency not in graph:
                    references_ok = False
                    semantic(f'in step "{name}": unknown dependency step: {dependency}', name)
        for name, output in artifact_outputs.items():
            contents = output["contents"]
            problem = scope.problem(contents) if is_reference(contents) else None
            if problem:
                semantic(f'in artifact output "{name}": {problem}')
        if references_ok:
            cycle = find_cycle(graph, parameters)
            if cycle:
                semantic("Step cycle detected: " + " > ".join(cycle), cycle[0])

    # Always: parameter types, artifact input types, type definitions.
    for name, parameter in parameters.items():
        if isinstance(parameter, dict) and "type" in parameter:
            if parameter["type"] not in known_types:
                semantic(f'parameter "{name}": undefined type "{parameter["type"]}"')
        else:
            default = parameter.get("default") if isinstance(parameter, dict) else parameter
            if _infer_plain(default) is None:
                semantic(
                    f'parameter "{name}": unable to obtain a type from its default {default!r}; '
                    "declare one"
                )
    for name, declaration in artifact_inputs.items():
        for output, type_name in output_declarations(declaration):
            if type_name not in known_types:
                semantic(
                    f'artifact input "{name}": output "{output}": undefined type "{type_name}"'
                )
    _check_type_definitions(types, known_types, semantic)


def _infer_plain(value: object) -> Type | None:
    from .types import builtin_types

    return infer_type(value, builtin_types())


def _check_type_definitions(types: Mapping[str, Any], known: set[str], semantic) -> None:
    import graphlib

    undefined = False
    sorter: graphlib.TopologicalSorter[str] = graphlib.TopologicalSorter()
    for name, definition in types.items():
        sorter.add(name)
        for referenced in referenced_type_names(definition):
            if referenced not in known:
                undefined = True
                semantic(f'type "{name}": undefined type "{referenced}"')
            elif referenced in types:
                sorter.add(name, referenced)
    try:
        sorter.prepare()
    except graphlib.CycleError as exc:
        semantic("type definitions form a cycle: " + " > ".join(exc.args[1]))
        return
    if undefined:
        return
    try:
        build_types(types)
    except TypeDefinitionError as exc:
        semantic(str(exc))


def _invocation_problems(inv: Invocation, task: Mapping[str, Any]) -> list[str]:
    inputs = task_inputs(task)
    names = [i.name for i in inputs]
    problems = []
    if len(inv.args) > len(inputs):
        problems.append(
            f"more positional args given than task parameters: {len(inv.args)} > {len(inputs)}"
        )
    positional = names[: len(inv.args)]
    for key in inv.kwargs:
        if key not in names:
            problems.append(f'unrecognized keyword argument "{key}" (task inputs: {names})')
        elif key in positional:
            problems.append(f'input "{key}" is given both positionally and by keyword')
    missing = [i.name for i in inputs[len(inv.args) :] if i.required and i.name not in inv.kwargs]
    if missing:
        problems.append("missing required task inputs: " + ", ".join(missing))
    return problems


class _StaticScope:
    """What references may point to, known before anything runs."""

    def __init__(self, parameters, graph, invocations, tasks, artifact_inputs):
        self.parameters = parameters
        self.graph = graph
        self.invocations = invocations
        self.tasks = tasks
        self.artifact_inputs = artifact_inputs

    def step_outputs(self, step: str) -> list[tuple[str, str]] | None:
        """(name, type) of a step's outputs, or None if its task is unknown."""
        task = self.tasks.get(self.invocations[step].task) if step in self.invocations else None
        return None if task is None else output_declarations(task.get("outputs"))

    def target(self, reference: str) -> tuple[str, str, list[tuple[str, str]] | None]:
        """What a reference names: ("parameter"|"step"|"artifact"|"", name, outputs)."""
        name, output = parse_reference(reference)
        if output is None and name in self.parameters:
            return "parameter", name, None
        if name in self.graph:
            return "step", name, self.step_outputs(name)
        if name in self.artifact_inputs:
            return "artifact", name, output_declarations(self.artifact_inputs[name])
        if name in self.parameters:
            return "parameter", name, None
        return "", name, None

    def problem(self, reference: str) -> str | None:
        kind, name, outputs = self.target(reference)
        _, output = parse_reference(reference)
        what = "step" if kind == "step" else "artifact parameter"
        if kind == "":
            return f"unresolvable reference: {reference}"
        if kind == "parameter":
            if output is not None:
                return f"references to parameters may not include an output name: {reference}"
            return None
        if outputs is None:
            return None
        names = [n for n, _ in outputs]
        if output is None:
            if not names:
                return f"referenced {what} produces no output: {reference}"
            if len(names) > 1:
                return (
                    f"an output name must be given when referring to a {what} with more than "
                    f"one output: {reference} (outputs: {', '.join(names)})"
                )
            return None
        if output not in names:
            return f'unrecognized output of {what} "{name}": {output}'
        return None


# ---------------------------------------------------------------------------
# Stage 3: types


def _check_types(description: dict[str, Any], report: _Report) -> None:
    types = description.get("types") or {}
    parameters = description.get("parameters") or {}
    tasks = description["tasks"]
    graph = description["graph"]
    artifact_inputs = description.get("artifact_inputs") or {}
    registry = build_types(types)

    parameter_types: dict[str, Type] = {}
    defaults_ok = True
    for name, parameter in parameters.items():
        declared = parameter.get("type") if isinstance(parameter, dict) else None
        has_default = not isinstance(parameter, dict) or "default" in parameter
        default = parameter.get("default") if isinstance(parameter, dict) else parameter
        default_type = infer_type(default, registry) if has_default else None
        if declared is not None:
            parameter_types[name] = registry[declared]
            if has_default and (
                default_type is None or not is_compatible(default_type, registry[declared])
            ):
                defaults_ok = False
                found = default_type.describe() if default_type else "unknown"
                report.add(
                    "TYPE",
                    f'parameter "{name}": default value {_show(default)} is incompatible with '
                    f"its declared type. Found {found}; expected {declared}",
                )
        elif default_type is not None:
            parameter_types[name] = default_type

    if defaults_ok:
        invocations = {name: invocation(step) for name, step in graph.items()}
        scope = _StaticScope(parameters, graph, invocations, tasks, artifact_inputs)

        def reference_type(value: str) -> Type | None:
            if not is_reference(value):
                return None
            kind, name, outputs = scope.target(value)
            if kind == "parameter":
                return parameter_types.get(name)
            _, output = parse_reference(value)
            for output_name, type_name in outputs or []:
                if output is None or output == output_name:
                    return registry[type_name]
            return None

        for name, inv in invocations.items():
            inputs = task_inputs(tasks[inv.task])
            by_name = {i.name: i for i in inputs}
            checks = [
                (f"in positional argument {index}", arg, inputs[index])
                for index, arg in enumerate(inv.args)
                if index < len(inputs)
            ]
            checks += [
                (f'in keyword argument "{key}"', arg, by_name[key])
                for key, arg in inv.kwargs.items()
                if key in by_name
            ]
            for where, arg, task_input in checks:
                expected = registry[task_input.type]
                actual = infer_type(arg, registry, reference_type)
                if actual is None:
                    report.add(
                        "TYPE",
                        f'in step "{name}": {where}: unable to infer a type for {_show(arg)}',
                        name,
                    )
                elif not is_compatible(actual, expected):
                    report.add(
                        "TYPE",
                        f'in step "{name}": {where}: Inferred invocation arg type and task '
                        "plugin input type are incompatible. "
                        f"Found {actual.describe()}; expected {expected.describe()}",
                        name,
                    )

    for name, definition in types.items():
        for duplicate in union_duplicates(definition):
            report.add(
                "TYPE",
                f'type "{name}": union member listed more than once: {duplicate}',
                warning=True,
            )


def _show(value: object) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    return repr(value)


# ---------------------------------------------------------------------------
# YAML texts


def parse_yaml(text: str | None, *, what: str = "task graph") -> tuple[Any, list[Issue]]:
    """``yaml.safe_load`` (YAML 1.1) of an entrypoint text, or a SYNTAX issue."""
    if text is None:
        return None, []
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        where = f" on line {mark.line + 1}" if mark is not None else ""
        return None, [Issue("SYNTAX", "ERROR", f"{what}: invalid YAML{where}: {problem}")]


def validate_yaml_text(
    task_graph: str,
    artifact_graph: str | None = None,
    *,
    types: Mapping[str, Any] | None = None,
    parameters: Mapping[str, Any] | None = None,
    tasks: Mapping[str, Any] | None = None,
    artifact_inputs: Mapping[str, Any] | None = None,
    artifact_tasks: Mapping[str, Mapping[str, Any] | None] | None = None,
) -> list[Issue]:
    """Validate an entrypoint's texts together with the other description sections.

    The sections are the plain dicts the helpers in :mod:`.sections` build. A
    blank artifact graph means no artifact outputs.
    """
    graph, issues = parse_yaml(task_graph, what="task graph")
    artifact_outputs, more = parse_yaml(artifact_graph, what="artifact output graph")
    issues += more
    if issues:
        return issues
    description: dict[str, Any] = {
        "types": dict(types or {}),
        "parameters": dict(parameters or {}),
        "tasks": dict(tasks or {}),
        "graph": graph,
        "artifact_outputs": artifact_outputs if artifact_outputs is not None else {},
        "artifact_inputs": dict(artifact_inputs or {}),
    }
    return validate(description, artifact_tasks=artifact_tasks)
