"""Importing plugin parameter types, plugins and entrypoints described by a
``dioptra.toml`` (Dioptra's resource import).

The upload (a ``.tar.gz`` or a set of files with relative paths) is read into
memory as ``{relative path: bytes}``; the config names everything else by
paths relative to its own folder::

    [[plugin_param_types]]
    name = "image"
    structure = { list = "number" }

    [[plugins]]
    path = "plugins/hello_world"        # every *.py under it is a file of the plugin
    [[plugins.tasks.functions]]
    filename = "tasks.py"
    name = "hello_world"
    input_params = [{ name = "name", type = "string", required = true }]
    output_params = [{ name = "message", type = "string" }]

    [[entrypoints]]
    path = "entrypoints/hello.yaml"     # a YAML file with `graph` (and `artifacts`)
    params = [{ name = "name", type = "string", default_value = "World" }]
    plugins = ["hello_world"]

Everything is created through the definitions, in one transaction: either the
whole import lands or nothing does. On a name that is already taken the
strategy decides: ``fail`` (409), ``update`` the existing resource, or
``overwrite`` it (delete, then create anew).
"""

import hashlib
import io
import json
import posixpath
import tarfile
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction

from . import definitions
from .errors import DomainError
from .models import Entrypoint, Plugin, PluginFile, PluginParameterType, PluginTask

STRATEGIES = ("fail", "update", "overwrite")
DEFAULT_CONFIG_PATH = "dioptra.toml"
MAX_IMPORT_BYTES = 50 * 2**20  # unpacked; a larger upload is refused, not read
MAX_IMPORT_FILES = 5000


class ImportFailedError(DomainError):
    """The upload or its config cannot be imported; ``detail.reason`` says why."""

    def __init__(self, message: str, *, reason: str | None = None):
        super().__init__(
            message if reason is None else f"{message} Reason: {reason}",
            detail={} if reason is None else {"reason": reason},
        )


# Reading the upload -------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSource:
    files: dict[str, bytes]  # relative POSIX path -> contents
    digest: str  # sha256 of what was uploaded


def clean_relative_path(path: str) -> str:
    """A normalised relative POSIX path that stays inside the upload."""
    cleaned = posixpath.normpath(path.replace("\\", "/"))
    if (
        not path
        or "\x00" in path
        or cleaned.startswith("/")
        or cleaned in {".", ".."}
        or cleaned.startswith("../")
    ):
        raise ImportFailedError(
            "Failed to read the uploaded files.",
            reason=f"{path!r} is not a relative path inside the upload.",
        )
    return cleaned


def _check_size(sizes: Iterable[int]) -> None:
    sizes = list(sizes)
    if len(sizes) > MAX_IMPORT_FILES or sum(sizes) > MAX_IMPORT_BYTES:
        raise ImportFailedError(
            "Failed to read the upload.",
            reason=f"An import holds at most {MAX_IMPORT_FILES} files and "
            f"{MAX_IMPORT_BYTES // 2**20} MiB.",
        )


def source_from_archive(data: bytes) -> ImportSource:
    """The regular files of a tar archive (gzip, bzip2, xz or plain)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:*") as archive:
            members = [m for m in archive.getmembers() if m.isfile()]
            _check_size(m.size for m in members)
            files = {clean_relative_path(m.name): archive.extractfile(m).read() for m in members}
    except (tarfile.TarError, EOFError, OSError, ValueError) as error:
        raise ImportFailedError(
            "Failed to read the uploaded archive.", reason=f"Not a readable tar archive: {error}"
        ) from None
    return ImportSource(files=files, digest=hashlib.sha256(data).hexdigest())


def source_from_files(files: Iterable[tuple[str, bytes]]) -> ImportSource:
    """Files uploaded one by one, each named by its relative path. The digest
    covers their contents in path order, as Dioptra's does."""
    by_path: dict[str, bytes] = {}
    for path, data in files:
        path = clean_relative_path(path)
        if path in by_path:
            raise ImportFailedError(
                "Failed to read the uploaded files.", reason=f"{path!r} was uploaded twice."
            )
        by_path[path] = data
    _check_size(len(data) for data in by_path.values())
    digest = hashlib.sha256()
    for path in sorted(by_path):
        digest.update(by_path[path])
    return ImportSource(files=by_path, digest=digest.hexdigest())


# Reading the config ------------------------------------------------------------------


def _text(source: ImportSource, path: str, what: str) -> str:
    if path not in source.files:
        raise ImportFailedError(f"Failed to read the {what} {path!r}.", reason="File not found.")
    try:
        return source.files[path].decode("utf-8")
    except UnicodeDecodeError:
        raise ImportFailedError(
            f"Failed to read the {what} {path!r}.", reason="The file is not UTF-8 text."
        ) from None


def _entries(config: dict, key: str) -> list[dict]:
    value = config.get(key, [])
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise ImportFailedError(
            "Failed to validate the config.", reason=f"'{key}' must be an array of tables."
        )
    return value


def _field(entry: dict, key: str, kinds, where: str, *, required: bool = False, default=None):
    if key not in entry:
        if required:
            raise ImportFailedError(
                "Failed to validate the config.", reason=f"{where}: '{key}' is required."
            )
        return default
    value = entry[key]
    if not isinstance(value, kinds) or (kinds is not bool and isinstance(value, bool)):
        names = kinds.__name__ if isinstance(kinds, type) else "/".join(k.__name__ for k in kinds)
        raise ImportFailedError(
            "Failed to validate the config.", reason=f"{where}: '{key}' must be a {names}."
        )
    return value


def _only_keys(entry: dict, allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise ImportFailedError(
            "Failed to validate the config.",
            reason=f"{where}: unknown key {unknown[0]!r} (allowed: {', '.join(sorted(allowed))}).",
        )


def _refuse_duplicates(names: list[str], what: str) -> None:
    repeated = sorted(name for name, count in Counter(names).items() if count > 1)
    if repeated:
        raise ImportFailedError(
            f"The config has duplicate {what} names: {', '.join(map(repr, repeated))}.",
            reason=f"duplicate {what} name {repeated[0]!r}",
        )


def _stem(path: str) -> str:
    return posixpath.splitext(posixpath.basename(path.rstrip("/")))[0]


@dataclass
class TypeSpec:
    name: str
    description: str | None
    structure: Any


@dataclass
class TaskParam:
    name: str
    type_name: str
    required: bool = False


@dataclass
class TaskEntry:
    filename: str
    name: str
    kind: str
    inputs: list[TaskParam]
    outputs: list[TaskParam]


@dataclass
class PluginSpec:
    name: str
    folder: str  # relative to the upload's root
    description: str | None
    tasks: list[TaskEntry]
    files: dict[str, str] = field(default_factory=dict)  # filename in plugin -> source


@dataclass
class EntrypointSpec:
    name: str
    description: str | None
    task_graph: str
    artifact_graph: str
    parameters: list[definitions.ParameterSpec]
    artifact_parameters: list[tuple[str, list[TaskParam]]]
    plugins: list[str]
    artifact_plugins: list[str]


@dataclass
class ImportConfig:
    types: list[TypeSpec]
    plugins: list[PluginSpec]
    entrypoints: list[EntrypointSpec]


def _params(entry: dict, key: str, where: str, *, with_required: bool) -> list[TaskParam]:
    params = []
    for index, item in enumerate(_field(entry, key, list, where, required=True)):
        spot = f"{where} {key}[{index}]"
        if not isinstance(item, dict):
            raise ImportFailedError(
                "Failed to validate the config.", reason=f"{spot}: not a table."
            )
        _only_keys(item, {"name", "type", "required"} if with_required else {"name", "type"}, spot)
        params.append(
            TaskParam(
                name=_field(item, "name", str, spot, required=True),
                type_name=_field(item, "type", str, spot, required=True),
                required=_field(item, "required", bool, spot, default=False),
            )
        )
    return params


def _default_text(value) -> str | None:
    """A TOML default as the string an entrypoint parameter keeps."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def _graph_texts(text: str, path: str) -> tuple[str, str]:
    """The task graph and artifact graph of an entrypoint file: a mapping with
    ``graph`` (and ``artifacts``), or, as older exports have it, a bare task graph."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ImportFailedError(
            f"Failed to read the entrypoint file {path!r}.", reason=f"Invalid YAML: {error}"
        ) from None
    if not isinstance(document, dict) or "graph" not in document:
        return text, ""

    def dump(value) -> str:
        return "" if value is None else yaml.safe_dump(value, sort_keys=False)

    return dump(document["graph"]), dump(document.get("artifacts"))


def read_config(source: ImportSource, config_path: str) -> ImportConfig:
    config_path = clean_relative_path(config_path)
    try:
        config = tomllib.loads(_text(source, config_path, "config"))
    except tomllib.TOMLDecodeError as error:
        raise ImportFailedError(
            f"Failed to load the resource import config {config_path!r}.",
            reason=f"Could not decode config: {error}",
        ) from None
    _only_keys(config, {"plugin_param_types", "plugins", "entrypoints"}, "the config")
    base = posixpath.dirname(config_path)

    def inside(path: str) -> str:
        return clean_relative_path(posixpath.join(base, path))

    types = []
    for index, entry in enumerate(_entries(config, "plugin_param_types")):
        where = f"plugin_param_types[{index}]"
        _only_keys(entry, {"name", "description", "structure"}, where)
        types.append(
            TypeSpec(
                name=_field(entry, "name", str, where, required=True),
                description=_field(entry, "description", str, where),
                structure=_field(entry, "structure", dict, where),
            )
        )

    plugins = []
    for index, entry in enumerate(_entries(config, "plugins")):
        where = f"plugins[{index}]"
        _only_keys(entry, {"path", "description", "tasks"}, where)
        path = _field(entry, "path", str, where, required=True)
        tasks_table = _field(entry, "tasks", dict, where, default={})
        _only_keys(tasks_table, {"functions", "artifacts"}, f"{where} tasks")
        tasks = []
        for kind, key in (
            (PluginTask.Kind.FUNCTION, "functions"),
            (PluginTask.Kind.ARTIFACT, "artifacts"),
        ):
            for number, task in enumerate(_entries(tasks_table, key)):
                spot = f"{where} tasks.{key}[{number}]"
                allowed = {"filename", "name", "description", "output_params"}
                _only_keys(
                    task, allowed | ({"input_params"} if key == "functions" else set()), spot
                )
                tasks.append(
                    TaskEntry(
                        filename=_field(task, "filename", str, spot, required=True),
                        name=_field(task, "name", str, spot, required=True),
                        kind=kind,
                        inputs=_params(task, "input_params", spot, with_required=True)
                        if key == "functions"
                        else [],
                        outputs=_params(task, "output_params", spot, with_required=False),
                    )
                )
        folder = inside(path)
        plugin = PluginSpec(
            name=_stem(path),
            folder=folder,
            description=_field(entry, "description", str, where),
            tasks=tasks,
        )
        prefix = f"{folder}/"
        for file_path in sorted(source.files):
            name = file_path.removeprefix(prefix)
            hidden = posixpath.basename(name).startswith(".")
            if file_path.startswith(prefix) and name.endswith(".py") and not hidden:
                plugin.files[name] = _text(source, file_path, "plugin file")
        if not plugin.files:
            raise ImportFailedError(
                f"Failed to read the plugin {plugin.name!r}.",
                reason=f"No Python files found under {path!r}.",
            )
        for task in tasks:
            if task.filename not in plugin.files:
                raise ImportFailedError(
                    f"Failed to register the task {task.name!r} of plugin {plugin.name!r}.",
                    reason=f"The plugin has no file {task.filename!r}.",
                )
        plugins.append(plugin)

    entrypoints = []
    for index, entry in enumerate(_entries(config, "entrypoints")):
        where = f"entrypoints[{index}]"
        _only_keys(
            entry,
            {
                "path",
                "name",
                "description",
                "params",
                "artifact_params",
                "plugins",
                "artifact_plugins",
            },
            where,
        )
        path = _field(entry, "path", str, where, required=True)
        task_graph, artifact_graph = _graph_texts(
            _text(source, inside(path), "entrypoint file"), path
        )
        parameters = []
        for number, param in enumerate(_field(entry, "params", list, where, default=[])):
            spot = f"{where} params[{number}]"
            if not isinstance(param, dict):
                raise ImportFailedError(
                    "Failed to validate the config.", reason=f"{spot}: not a table."
                )
            _only_keys(param, {"name", "type", "default_value"}, spot)
            parameters.append(
                definitions.ParameterSpec(
                    name=_field(param, "name", str, spot, required=True),
                    parameter_type=_field(param, "type", str, spot, required=True),
                    default_value=_default_text(param.get("default_value")),
                )
            )
        artifact_parameters = []
        for number, param in enumerate(_field(entry, "artifact_params", list, where, default=[])):
            spot = f"{where} artifact_params[{number}]"
            if not isinstance(param, dict):
                raise ImportFailedError(
                    "Failed to validate the config.", reason=f"{spot}: not a table."
                )
            _only_keys(param, {"name", "output_params"}, spot)
            artifact_parameters.append(
                (
                    _field(param, "name", str, spot, required=True),
                    _params(param, "output_params", spot, with_required=False),
                )
            )
        names = {}
        for key in ("plugins", "artifact_plugins"):
            names[key] = _field(entry, key, list, where, default=[])
            if not all(isinstance(name, str) for name in names[key]):
                raise ImportFailedError(
                    "Failed to validate the config.", reason=f"{where}: '{key}' must list names."
                )
        entrypoints.append(
            EntrypointSpec(
                name=_field(entry, "name", str, where, default=_stem(path)),
                description=_field(entry, "description", str, where),
                task_graph=task_graph,
                artifact_graph=artifact_graph,
                parameters=parameters,
                artifact_parameters=artifact_parameters,
                plugins=names["plugins"],
                artifact_plugins=names["artifact_plugins"],
            )
        )

    _refuse_duplicates([t.name for t in types], "plugin parameter type")
    _refuse_duplicates([p.name for p in plugins], "plugin")
    _refuse_duplicates([e.name for e in entrypoints], "entrypoint")
    return ImportConfig(types=types, plugins=plugins, entrypoints=entrypoints)


# Creating the resources ---------------------------------------------------------------


@dataclass
class ImportResult:
    digest: str
    plugin_param_types: dict[str, int]
    plugins: dict[str, int]
    entrypoints: dict[str, int]


def _existing(model, group, name: str):
    return model.objects.alive().filter(group=group, name=name).first()


def _import_types(user, group, specs: list[TypeSpec], strategy: str) -> dict[str, int]:
    ids = {}
    for spec in specs:
        existing = _existing(PluginParameterType, group, spec.name)
        fields = {"name": spec.name, "description": spec.description, "structure": spec.structure}
        if existing is not None and strategy == "update":
            definitions.update_parameter_type(user=user, parameter_type=existing, **fields)
            ids[spec.name] = existing.pk
            continue
        if existing is not None and strategy == "overwrite":
            definitions.delete_resource(user=user, resource=existing)
        ids[spec.name] = definitions.create_parameter_type(
            user=user, group_id=group.pk, **fields
        ).pk
    return ids


class _TypeIds:
    """Type ids by name: the config's own types first, then the group's, then builtins."""

    def __init__(self, user, group, imported: dict[str, int]):
        self.by_name = dict(
            PluginParameterType.objects.visible_to(user)
            .filter(is_builtin=True)
            .values_list("name", "pk")
        )
        self.by_name.update(
            PluginParameterType.objects.alive().filter(group=group).values_list("name", "pk")
        )
        self.by_name.update(imported)

    def __call__(self, name: str, where: str) -> int:
        if name not in self.by_name:
            raise ImportFailedError(
                f"Failed to import {where}.",
                reason=f"The parameter type {name!r} does not exist and is not defined "
                "in the config.",
            )
        return self.by_name[name]


def _task_specs(plugin: PluginSpec, filename: str, type_id: _TypeIds) -> list:
    where = f"the tasks of plugin {plugin.name!r}"
    return [
        definitions.TaskSpec(
            task.name,
            kind=task.kind,
            inputs=[(p.name, type_id(p.type_name, where), p.required) for p in task.inputs],
            outputs=[(p.name, type_id(p.type_name, where)) for p in task.outputs],
        )
        for task in plugin.tasks
        if task.filename == filename
    ]


def _import_plugins(user, group, specs: list[PluginSpec], strategy: str, type_id) -> dict:
    plugins = {}
    for spec in specs:
        existing = _existing(Plugin, group, spec.name)
        if existing is not None and strategy == "update":
            plugin = definitions.update_plugin(
                user=user, plugin=existing, name=spec.name, description=spec.description
            )
            current = {f.filename: f for f in plugin.files.alive()}
            for filename, file in current.items():
                if filename not in spec.files:
                    definitions.delete_plugin_file(user=user, file=file)
        else:
            if existing is not None and strategy == "overwrite":
                definitions.delete_plugin(user=user, plugin=existing)
            plugin = definitions.create_plugin(
                user=user, group_id=group.pk, name=spec.name, description=spec.description
            )
            current = {}
        for filename, contents in spec.files.items():
            fields = {
                "filename": filename,
                "contents": contents,
                "tasks": _task_specs(spec, filename, type_id),
            }
            file: PluginFile | None = current.get(filename)
            if file is None:
                definitions.create_plugin_file(user=user, plugin=plugin, **fields)
            else:
                definitions.update_plugin_file(
                    user=user, file=file, description=file.description, **fields
                )
        plugin.refresh_from_db(fields=["snapshot"])
        plugins[spec.name] = plugin
    return plugins


def _plugin_ids(user, group, names: list[str], imported: dict[str, Plugin], where: str):
    ids = []
    for name in names:
        plugin = imported.get(name) or _existing(Plugin, group, name)
        if plugin is None:
            raise ImportFailedError(
                f"Failed to import {where}.",
                reason=f"The plugin {name!r} does not exist and is not defined in the config.",
            )
        ids.append(plugin.pk)
    return ids


def _import_entrypoints(user, group, specs, strategy, type_id, plugins) -> dict[str, int]:
    ids = {}
    for spec in specs:
        where = f"the entrypoint {spec.name!r}"
        fields = {
            "name": spec.name,
            "description": spec.description,
            "task_graph": spec.task_graph,
            "artifact_graph": spec.artifact_graph,
            "parameters": spec.parameters,
            "artifact_parameters": [
                definitions.ArtifactParameterSpec(
                    name, [(p.name, type_id(p.type_name, where)) for p in outputs]
                )
                for name, outputs in spec.artifact_parameters
            ],
            "plugin_ids": _plugin_ids(user, group, spec.plugins, plugins, where),
            "artifact_plugin_ids": _plugin_ids(user, group, spec.artifact_plugins, plugins, where),
        }
        existing = _existing(Entrypoint, group, spec.name)
        if existing is not None and strategy == "update":
            queue_ids = list(existing.queues.alive().values_list("pk", flat=True))
            definitions.update_entrypoint(
                user=user, entrypoint=existing, queue_ids=queue_ids, **fields
            )
            ids[spec.name] = existing.pk
            continue
        if existing is not None and strategy == "overwrite":
            definitions.delete_resource(user=user, resource=existing)
        ids[spec.name] = definitions.create_entrypoint(user=user, group_id=group.pk, **fields).pk
    return ids


@transaction.atomic
def import_resources(
    *,
    user,
    group_id: int,
    source: ImportSource,
    config_path: str = DEFAULT_CONFIG_PATH,
    strategy: str = "fail",
) -> ImportResult:
    """Create (or update, or replace) everything the config describes, or nothing."""
    if strategy not in STRATEGIES:
        raise ImportFailedError(
            f"Unknown name conflict strategy {strategy!r}; use one of {', '.join(STRATEGIES)}."
        )
    group = definitions.writable_group(user, group_id)
    config = read_config(source, config_path)
    types = _import_types(user, group, config.types, strategy)
    type_id = _TypeIds(user, group, types)
    plugins = _import_plugins(user, group, config.plugins, strategy, type_id)
    entrypoints = _import_entrypoints(user, group, config.entrypoints, strategy, type_id, plugins)
    return ImportResult(
        digest=source.digest,
        plugin_param_types=types,
        plugins={name: plugin.pk for name, plugin in plugins.items()},
        entrypoints=entrypoints,
    )
