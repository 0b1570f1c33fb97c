"""Build the sections of an experiment description from plain dicts (contract §1.1, §3.1).

The Django side reads its models into the plain shapes documented on each
function and assembles the description::

    {
        "types": types_section(types),
        "parameters": parameters_section(parameters),
        "tasks": tasks_section(plugins),
        "graph": yaml.safe_load(entrypoint.task_graph),
        "artifact_outputs": yaml.safe_load(entrypoint.artifact_graph) or {},
        "artifact_inputs": artifact_inputs_section(artifact_parameters),
    }

Every function here is pure and knows nothing of Django.
"""

import json
from collections.abc import Iterable, Mapping
from typing import Any

from .types import BUILTIN_TYPE_NAMES

# Entrypoint parameter type → engine type; list and mapping get none (inferred from the default).
ENGINE_TYPES = {
    "string": "string",
    "path": "string",  # Dioptra 1.0 names, rewritten to string since Sept 2024
    "uri": "string",
    "boolean": "boolean",
    "float": "number",
    "integer": "integer",
    "list": None,
    "mapping": None,
}


class ParameterCoercionError(ValueError):
    def __init__(self, name: str | None, parameter_type: str, text: str, reason: str):
        self.name = name
        self.parameter_type = parameter_type
        self.text = text
        where = f'parameter "{name}": ' if name else ""
        super().__init__(f"{where}{reason}")


def coerce_parameter(parameter_type: str, text: str | None, *, name: str | None = None) -> Any:
    """A parameter's string value turned into its typed value (§3.1); None stays None."""
    if text is None:
        return None
    if parameter_type not in ENGINE_TYPES:
        raise ParameterCoercionError(
            name, parameter_type, text, f"unknown parameter type {parameter_type!r}"
        )
    if parameter_type in ("string", "path", "uri"):
        return text
    if parameter_type == "boolean":
        if text.strip().lower() in ("true", "false"):
            return text.strip().lower() == "true"
        raise ParameterCoercionError(
            name, parameter_type, text, f"{text!r} is not a boolean (use true or false)"
        )
    if parameter_type == "float":
        try:
            return float(text)
        except ValueError:
            raise ParameterCoercionError(
                name, parameter_type, text, f"{text!r} is not a float"
            ) from None
    if parameter_type == "integer":
        try:
            return int(text)
        except ValueError:
            raise ParameterCoercionError(
                name, parameter_type, text, f"{text!r} is not an integer"
            ) from None
    expected = list if parameter_type == "list" else dict
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if not isinstance(value, expected):
        what = "a JSON list" if expected is list else "a JSON object"
        raise ParameterCoercionError(name, parameter_type, text, f"{text!r} is not {what}")
    return value


def parameters_section(parameters: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The ``parameters`` section from ``[{name, parameterType, defaultValue}]``.

    A parameter becomes ``{"default": coerced}`` when it has a default (else
    ``{}``), plus ``"type"`` for string, boolean, float and integer only, as
    Dioptra does. Raises ParameterCoercionError for a default that does not
    coerce.
    """
    section: dict[str, dict[str, Any]] = {}
    for parameter in parameters:
        name = parameter["name"]
        parameter_type = parameter["parameterType"]
        default = parameter.get("defaultValue")
        entry: dict[str, Any] = {}
        if default is not None:
            entry["default"] = coerce_parameter(parameter_type, default, name=name)
        engine_type = ENGINE_TYPES.get(parameter_type)
        if engine_type is not None:
            entry["type"] = engine_type
        section[name] = entry
    return section


def tasks_section(plugins: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """The ``tasks`` section from the function tasks of the attached plugins.

    Input shape (function tasks only; leave artifact tasks out)::

        [{"name": "hello",
          "files": [{"filename": "tasks.py",
                     "tasks": [{"name": "hello_world",
                                "inputs": [{"name": "x", "type": "integer",
                                            "required": True}],
                                "outputs": [{"name": "output", "type": "string"}]}]}]}]

    Inputs are written in the long form, outputs as one mapping when there is
    one and as a list when there are several. A task name registered by two
    plugins keeps the later plugin's entry.
    """
    section: dict[str, dict[str, Any]] = {}
    for plugin in plugins:
        for file in plugin.get("files", []):
            module = plugin_module(plugin["name"], file["filename"])
            for task in file.get("tasks", []):
                entry: dict[str, Any] = {"plugin": f"{module}.{task['name']}"}
                inputs = [
                    {"name": i["name"], "type": i["type"], "required": i.get("required", True)}
                    for i in task.get("inputs", [])
                ]
                if inputs:
                    entry["inputs"] = inputs
                outputs = [{o["name"]: o["type"]} for o in task.get("outputs", [])]
                if len(outputs) == 1:
                    entry["outputs"] = outputs[0]
                elif outputs:
                    entry["outputs"] = outputs
                section[task["name"]] = entry
    return section


def plugin_module(plugin: str, filename: str) -> str:
    """``("p", "a/b.py")`` → ``"p.a.b"``; ``("p", "__init__.py")`` → ``"p"``."""
    path = filename[: -len(".py")] if filename.endswith(".py") else filename
    parts = [plugin, *path.split("/")]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def types_section(types: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The ``types`` section from ``[{name, structure}]``; builtins are left out."""
    return {t["name"]: t.get("structure") for t in types if t["name"] not in BUILTIN_TYPE_NAMES}


def artifact_inputs_section(
    artifact_parameters: Iterable[Mapping[str, Any]],
) -> dict[str, Any]:
    """The ``artifact_inputs`` section from ``[{name, outputs: [{name, type}]}]``."""
    section: dict[str, Any] = {}
    for parameter in artifact_parameters:
        outputs = [{o["name"]: o["type"]} for o in parameter.get("outputs", [])]
        section[parameter["name"]] = outputs[0] if len(outputs) == 1 else outputs
    return section
