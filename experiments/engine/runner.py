"""Run one job's workflow. Executed inside the job's own child process.

The job bundle
==============

The supervisor (:mod:`.process`) writes the bundle as ``bundle.json`` in a
fresh folder; that folder is the job's working directory::

    {
      "job_id": 7,
      "description": {types, parameters, tasks, graph,
                      artifact_outputs, artifact_inputs},        # contract §1.1
      "parameters": {"name": typed value, ...},                  # coerced by the server
      "plugins": [{"name": "hello",
                   "files": [{"filename": "tasks.py", "contents": "..."}]}],
      "artifact_plugins": [{"name": "savers",
                            "files": [{"filename": "npy.py", "contents": "..."}],
                            "tasks": [{"name": "NpyArtifactTask", "filename": "npy.py",
                                       "task_id": 3, "plugin_snapshot_id": 41}]}],
      "artifact_inputs": {"param name": {
          "path": "/abs/path/to/stored/file-or-directory",
          "plugin": {"name": "savers", "files": [...]},
          "task": {"name": "NpyArtifactTask", "filename": "npy.py"}}}
    }

Only ``description`` is required. Every key of an artifact plugin's task entry
other than ``name`` and ``filename`` (ids, typically) is copied into the
``artifact`` event of each artifact that task serializes.

What :func:`run` does
=====================

1. sets ``__JOB_ID``; writes function plugins to ``.dioptra/plugins/<plugin>/<filename>``
   and artifact plugins to ``.dioptra/serialize/<plugin>/<filename>`` (namespace
   packages; sub-directories allowed) and puts both folders on ``sys.path``;
2. imports the artifact handler classes (keyed by class name, later wins);
3. validates the description: errors raise ValidationFailedError, warnings are logged;
4. deserializes the artifact inputs: the stored file is copied to
   ``.dioptra/artifacts/<n>_<name>/`` and its plugin written to
   ``.dioptra/deserialize/_dioptra_input_<n>/``, then
   ``Handler.deserialize(working_dir=..., path=<basename>)`` is called;
5. resolves the global parameters (extras → warning, missing → error);
6. runs the steps in graphlib order, logging ``Running step: <name>``;
7. serializes the artifact outputs with ``Handler.serialize(workdir, name,
   contents, **args)`` and emits an ``artifact`` event for each::

       {"type": "artifact", "name": <artifact name>, "path": <absolute path>,
        "task": <handler class name>, "is_dir": bool, "size": <bytes>,
        "task_id": ..., "plugin_snapshot_id": ...}
"""

import importlib
import logging
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import (
    ArtifactTaskNotFoundError,
    BundleError,
    EngineError,
    MissingGlobalParametersError,
    ValidationFailedError,
)
from .graph import Scope, invocation, output_names, step_order, step_outputs
from .sections import plugin_module
from .validation import validate

LOG = logging.getLogger("dioptra.task_engine.task_engine")
COMPAT_DIR = Path(__file__).resolve().parent / "compat"
PLUGIN_NAME = re.compile(r"^([A-Za-z]|[A-Za-z_][A-Za-z0-9_]+)$")


@dataclass
class Handler:
    name: str
    cls: type
    ids: dict[str, Any] = field(default_factory=dict)


def run(bundle: Mapping[str, Any], workdir: Path, emit: Callable[[dict[str, Any]], None]) -> None:
    workdir = Path(workdir).resolve()
    dot_dioptra = workdir / ".dioptra"
    os.environ["__JOB_ID"] = str(bundle.get("job_id", ""))
    description = bundle["description"]

    plugins_dir = dot_dioptra / "plugins"
    serialize_dir = dot_dioptra / "serialize"
    write_plugins(bundle.get("plugins", []), plugins_dir)
    write_plugins(bundle.get("artifact_plugins", []), serialize_dir)
    add_import_roots([plugins_dir, serialize_dir])
    handlers = load_artifact_handlers(bundle.get("artifact_plugins", []))

    issues = validate(
        description,
        artifact_tasks={name: h.cls.validation() for name, h in handlers.items()},  # type: ignore[attr-defined]
    )
    for issue in issues:
        if issue.severity == "WARNING":
            LOG.warning("%s", issue)
    errors = [issue for issue in issues if issue.severity == "ERROR"]
    if errors:
        raise ValidationFailedError(errors)

    scope = Scope()
    load_artifact_inputs(
        description.get("artifact_inputs") or {},
        bundle.get("artifact_inputs") or {},
        dot_dioptra,
        scope,
    )
    scope.parameters = resolve_parameters(
        description.get("parameters") or {}, bundle.get("parameters") or {}
    )
    run_steps(description, scope)
    save_artifacts(description.get("artifact_outputs") or {}, handlers, scope, workdir, emit)


# ---------------------------------------------------------------------------
# Plugins on disk and on sys.path


def write_plugins(plugins: Iterable[Mapping[str, Any]], root: Path) -> None:
    """Write each plugin as ``root/<plugin>/<filename>`` (no ``__init__.py`` needed)."""
    for plugin in plugins:
        name = plugin["name"]
        if not PLUGIN_NAME.match(name):
            raise BundleError(f"invalid plugin name: {name!r}")
        for file in plugin.get("files", []):
            relative = PurePosixPath(file["filename"])
            if (
                relative.is_absolute()
                or not relative.parts
                or any(part in ("", ".", "..") for part in relative.parts)
            ):
                raise BundleError(f"invalid plugin file name in {name}: {file['filename']!r}")
            path = root / name / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(file["contents"], encoding="utf-8")
    importlib.invalidate_caches()


def add_import_roots(roots: list[Path]) -> None:
    """Put folders on sys.path right after the compat shim (so ``dioptra`` stays ours)."""
    entries = [str(root) for root in roots if str(root) not in sys.path]
    compat = str(COMPAT_DIR)
    position = sys.path.index(compat) + 1 if compat in sys.path else 0
    sys.path[position:position] = entries
    importlib.invalidate_caches()


def load_artifact_handlers(artifact_plugins: Iterable[Mapping[str, Any]]) -> dict[str, Handler]:
    handlers: dict[str, Handler] = {}
    for plugin in artifact_plugins:
        for task in plugin.get("tasks", []):
            module_name = plugin_module(plugin["name"], task["filename"])
            cls = import_handler(module_name, task["name"])
            ids = {k: v for k, v in task.items() if k not in ("name", "filename")}
            handlers[cls.__name__] = Handler(cls.__name__, cls, ids)
    return handlers


def import_handler(module_name: str, class_name: str) -> type:
    from dioptra.sdk.api.artifact import ArtifactTaskInterface

    module = importlib.import_module(module_name)
    cls = getattr(module, class_name, None)
    if cls is None:
        raise ArtifactTaskNotFoundError(
            f'Artifact task "{class_name}" not found in module {module_name}'
        )
    if not (isinstance(cls, type) and issubclass(cls, ArtifactTaskInterface)):
        raise ArtifactTaskNotFoundError(
            f'Artifact task "{class_name}" in module {module_name} is not a subclass of '
            "dioptra.sdk.api.artifact.ArtifactTaskInterface"
        )
    return cls


# ---------------------------------------------------------------------------
# Inputs


def resolve_parameters(declared: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The job's values, else the declared defaults; extras dropped with a warning."""
    extra = [name for name in given if name not in declared]
    if extra:
        LOG.warning("Some global parameters were unused: %s", ", ".join(extra))
    values: dict[str, Any] = {}
    missing = []
    for name, parameter in declared.items():
        if name in given:
            values[name] = given[name]
        elif not isinstance(parameter, dict):
            values[name] = parameter
        elif "default" in parameter:
            values[name] = parameter["default"]
        else:
            missing.append(name)
    if missing:
        raise MissingGlobalParametersError(missing)
    return values


def load_artifact_inputs(
    declared: Mapping[str, Any],
    given: Mapping[str, Any],
    dot_dioptra: Path,
    scope: Scope,
) -> None:
    for index, (name, declaration) in enumerate(declared.items()):
        if name not in given:
            raise BundleError(f"No artifact was given for the artifact parameter {name}")
        entry = given[name]
        source = Path(entry["path"])
        if not source.exists():
            raise BundleError(f"The artifact file for {name} does not exist: {source}")
        safe_name = re.sub(r"\W", "_", name)
        artifact_dir = dot_dioptra / "artifacts" / f"{index}_{safe_name}"
        artifact_dir.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, artifact_dir / source.name)
        else:
            shutil.copy2(source, artifact_dir / source.name)

        package = f"_dioptra_input_{index}"
        plugin = {**entry["plugin"], "name": package}
        deserialize_dir = dot_dioptra / "deserialize"
        write_plugins([plugin], deserialize_dir)
        add_import_roots([deserialize_dir])
        cls = import_handler(
            plugin_module(package, entry["task"]["filename"]), entry["task"]["name"]
        )

        LOG.info("Loading artifact parameter: %s", name)
        value = cls.deserialize(working_dir=artifact_dir, path=source.name)  # type: ignore[attr-defined]
        names = output_names(declaration)
        if len(names) == 1:
            outputs = {names[0]: value}
        else:
            outputs = step_outputs(name, list(declaration), value, LOG)
        scope.artifacts[name] = outputs
        scope.artifact_declarations[name] = names


# ---------------------------------------------------------------------------
# Steps and outputs


def run_steps(description: Mapping[str, Any], scope: Scope) -> None:
    from dioptra import pyplugs

    tasks = description["tasks"]
    graph = description["graph"]
    for name in step_order(graph, scope.parameters):
        inv = invocation(graph[name])
        task = tasks[inv.task]
        LOG.info("Running step: %s", name)
        try:
            args = scope.resolve(inv.args)
            kwargs = scope.resolve(inv.kwargs)
        except EngineError as exc:
            raise exc.in_step(name) from None
        LOG.debug("args: %r", args)
        LOG.debug("kwargs: %r", kwargs)
        try:
            function = pyplugs.get_task(task["plugin"])
            result = function(*args, **kwargs)
        except BaseException as exc:
            exc.add_note(f'In step "{name}" (task {inv.task}, plugin {task["plugin"]})')
            raise
        try:
            outputs = step_outputs(name, task.get("outputs"), result, LOG)
        except EngineError as exc:
            raise exc.in_step(name) from None
        LOG.debug("outputs: %r", outputs)
        scope.steps[name] = outputs
        scope.step_declarations[name] = output_names(task.get("outputs"))


def save_artifacts(
    artifact_outputs: Mapping[str, Any],
    handlers: Mapping[str, Handler],
    scope: Scope,
    workdir: Path,
    emit: Callable[[dict[str, Any]], None],
) -> None:
    for name, entry in artifact_outputs.items():
        handler = handlers[entry["task"]["name"]]
        contents = scope.resolve(entry["contents"])
        LOG.info("Saving artifact: %s (%s)", name, handler.name)
        try:
            returned = handler.cls.serialize(  # type: ignore[attr-defined]
                workdir, name, contents, **(entry["task"].get("args") or {})
            )
        except BaseException as exc:
            exc.add_note(f'While saving artifact "{name}" with {handler.name}')
            raise
        path = Path(returned)
        if not path.is_absolute():
            path = workdir / path
        if not path.exists():
            raise EngineError(
                f'Artifact task {handler.name} returned a path that does not exist for "{name}": '
                f"{returned}"
            )
        emit(
            {
                "type": "artifact",
                "name": name,
                "path": str(path),
                "task": handler.name,
                "is_dir": path.is_dir(),
                "size": _size(path),
                **handler.ids,
            }
        )


def _size(path: Path) -> int:
    if path.is_dir():
        return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return path.stat().st_size
