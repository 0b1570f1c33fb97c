"""Static analysis of plugin source for "Import function tasks" (contract §2.5).

:func:`analyze_signatures` reads Python code without running it and suggests a
task registration for each top-level ``def`` decorated with
``dioptra.pyplugs.register`` (however the module imported it)::

    [{"name": "sample",
      "inputs": [{"name": "seed", "type": "integer", "required": True}],
      "outputs": [{"name": "output", "type": "np_ndarray"}],
      "missing_types": [{"name": "np_ndarray", "description": "np.ndarray"}]}]

Type names are derived from annotations (``np.ndarray`` → ``np_ndarray``,
``Optional[str]`` → ``optional_str``); an absent or underivable annotation gets
a generated name ``type1``, ``type2``, … (the same annotation text reuses its
name). ``missing_types`` lists the suggested names that are not builtin types.
"""

import ast
import re
from typing import Any

from .types import BUILTIN_TYPE_NAMES

REGISTER = "dioptra.pyplugs.register"
_RENAMES = {"str": "string", "int": "integer", "float": "number", "bool": "boolean", "none": "null"}


class InvalidPythonError(ValueError):
    def __init__(self, message: str, line: int | None = None):
        self.line = line
        where = f" on line {line}" if line else ""
        super().__init__(f"Invalid Python code{where}: {message}")


def analyze_signatures(python_code: str) -> list[dict[str, Any]]:
    try:
        module = ast.parse(python_code)
    except SyntaxError as exc:
        raise InvalidPythonError(exc.msg, exc.lineno) from None
    except ValueError as exc:  # e.g. null bytes
        raise InvalidPythonError(str(exc)) from None

    functions = _registered_functions(module)
    annotations = [
        annotation
        for function in functions
        for annotation in [*(a for _, a, _ in _parameters(function)), function.returns]
    ]
    derived = {_derive(a) for a in annotations if a is not None} - {None}
    namer = _GeneratedNames(derived)  # type: ignore[arg-type]

    tasks = []
    for function in functions:
        missing: dict[str, str | None] = {}
        inputs = [
            {"name": name, "type": _suggest(annotation, namer, missing), "required": required}
            for name, annotation, required in _parameters(function)
        ]
        returns = function.returns
        outputs = []
        if returns is not None and not (
            isinstance(returns, ast.Constant) and returns.value is None
        ):
            outputs = [{"name": "output", "type": _suggest(returns, namer, missing)}]
        tasks.append(
            {
                "name": function.name,
                "inputs": inputs,
                "outputs": outputs,
                "missing_types": [
                    {"name": name, "description": text} for name, text in missing.items()
                ],
            }
        )
    return tasks


def _suggest(
    annotation: ast.expr | None, namer: "_GeneratedNames", missing: dict[str, str | None]
) -> str:
    """The type name for an annotation; records it in ``missing`` unless builtin."""
    name = _derive(annotation) if annotation is not None else None
    text = _source(annotation)
    if name is None:
        name = namer.name_for(text)
    if name not in BUILTIN_TYPE_NAMES and name not in missing:
        missing[name] = text
    return name


def _source(annotation: ast.expr | None) -> str | None:
    if annotation is None:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        return annotation.value
    return ast.unparse(annotation)


def _registered_functions(module: ast.Module) -> list[ast.FunctionDef]:
    """Top-level defs with a register decorator, tracking imports as they appear."""
    symbols: dict[str, str] = {}
    found = []
    for statement in module.body:
        if isinstance(statement, ast.Import):
            for alias in statement.names:
                if alias.asname:
                    symbols[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    symbols[top] = top
        elif isinstance(statement, ast.ImportFrom):
            if statement.level or statement.module is None:
                continue
            for alias in statement.names:
                if alias.name != "*":
                    symbols[alias.asname or alias.name] = f"{statement.module}.{alias.name}"
        elif isinstance(statement, ast.FunctionDef) and any(
            _qualified(d, symbols) == REGISTER for d in statement.decorator_list
        ):
            found.append(statement)
    return found


def _qualified(decorator: ast.expr, symbols: dict[str, str]) -> str | None:
    node = decorator.func if isinstance(decorator, ast.Call) else decorator
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or node.id not in symbols:
        return None
    return ".".join([symbols[node.id], *reversed(parts)])


def _parameters(function: ast.FunctionDef) -> list[tuple[str, ast.expr | None, bool]]:
    """(name, annotation, required) of positional-only, regular and keyword-only params."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    first_default = len(positional) - len(arguments.defaults)
    result = [
        (arg.arg, arg.annotation, index < first_default) for index, arg in enumerate(positional)
    ]
    result += [
        (arg.arg, arg.annotation, default is None)
        for arg, default in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    ]
    return result


def _derive(annotation: ast.expr) -> str | None:
    """A type name from an annotation, or None when none can be derived."""
    if isinstance(annotation, ast.Constant) and annotation.value is None:
        return "null"
    derivable = (
        isinstance(annotation, ast.Name | ast.Attribute | ast.Subscript)
        or (isinstance(annotation, ast.Constant) and isinstance(annotation.value, str))
        or (isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr))
    )
    if not derivable:
        return None
    text = re.sub(r"\s+", "", ast.unparse(annotation).lower())
    text = re.sub(r"\W+", "_", text)
    text = re.sub(r"_+", "_", text).strip("_")
    text = _RENAMES.get(text, text)
    if not text or not text[0].isalpha() or not text.isascii():
        return None
    return text


class _GeneratedNames:
    def __init__(self, taken: set[str]):
        self.taken = set(taken)
        self.by_text: dict[str | None, str] = {}
        self.counter = 0

    def name_for(self, text: str | None) -> str:
        if text not in self.by_text:
            while True:
                self.counter += 1
                name = f"type{self.counter}"
                if name not in self.taken:
                    break
            self.taken.add(name)
            self.by_text[text] = name
        return self.by_text[text]
