"""From entrypoints to what the engine runs.

Builds Dioptra's experiment description (engine contract §1.1) and the
frozen definition a job keeps, both from snapshots: an entrypoint snapshot
pins plugin snapshots, a plugin snapshot pins its files' snapshots, and a
file snapshot holds the source text and task registrations. So a job built
from a snapshot runs exactly that code, whatever happens to the plugins later.

Validation (page, API, ``validateEntrypoint``) uses the same builder on the
values being saved, so what is checked is what will run.
"""

from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Q

from .engine.sections import (
    ParameterCoercionError,
    artifact_inputs_section,
    parameters_section,
    tasks_section,
    types_section,
)
from .engine.validation import Issue, parse_yaml, validate
from .models import PluginParameterType, Snapshot


def plugin_snapshots(snapshot_ids: Iterable[int]) -> list[dict[str, Any]]:
    """The plugins pinned at these snapshots, in the given order, with their files::

        [{"id", "snapshotId", "name",
          "files": [{"id", "snapshotId", "filename", "contents",
                     "tasks": [{"name", "kind", "inputParams", "outputParams"}]}]}]

    Two queries, however many plugins and files.
    """
    snapshot_ids = list(snapshot_ids)
    if not snapshot_ids:
        return []
    plugins = Snapshot.objects.filter(pk__in=snapshot_ids, resource_type="plugin").in_bulk()
    file_ids = [
        f["snapshotId"]
        for plugin in plugins.values()
        for f in plugin.data.get("files", [])
        if f.get("snapshotId") is not None
    ]
    files = Snapshot.objects.filter(pk__in=file_ids, resource_type="plugin_file").in_bulk()
    result = []
    for snapshot_id in snapshot_ids:
        plugin = plugins.get(snapshot_id)
        if plugin is None:
            continue
        result.append(
            {
                "id": plugin.resource_id,
                "snapshotId": plugin.pk,
                "name": plugin.data["name"],
                "files": [
                    {"id": f["id"], "snapshotId": f["snapshotId"], **files[f["snapshotId"]].data}
                    for f in plugin.data.get("files", [])
                    if f.get("snapshotId") in files
                ],
            }
        )
    return result


def _types_and_group_types(
    type_ids: set[int], *, group_id: int
) -> tuple[dict[int, PluginParameterType], list[PluginParameterType]]:
    """The types with these ids, and the group's own alive types, in one query."""
    group_own = Q(group_id=group_id, is_builtin=False, deleted_on__isnull=True)
    rows = list(PluginParameterType.objects.filter(Q(pk__in=type_ids) | group_own))
    types = {t.pk: t for t in rows if t.pk in type_ids}
    group_types = [
        t for t in rows if t.group_id == group_id and not t.is_builtin and t.deleted_on is None
    ]
    return types, group_types


def _registered_type_ids(plugins: Sequence[Mapping[str, Any]]) -> set[int]:
    return {
        param["parameterType"]
        for plugin in plugins
        for file in plugin["files"]
        for task in file.get("tasks", [])
        for param in (*task.get("inputParams", []), *task.get("outputParams", []))
    }


def _engine_plugins(plugins: Sequence[Mapping[str, Any]], types: Mapping[int, Any]) -> list:
    """Function tasks in the plain shape :func:`tasks_section` reads."""
    return [
        {
            "name": plugin["name"],
            "files": [
                {
                    "filename": file["filename"],
                    "tasks": [
                        {
                            "name": task["name"],
                            "inputs": [
                                {
                                    "name": p["name"],
                                    "type": types[p["parameterType"]].name,
                                    "required": p.get("required", True),
                                }
                                for p in task.get("inputParams", [])
                            ],
                            "outputs": [
                                {"name": p["name"], "type": types[p["parameterType"]].name}
                                for p in task.get("outputParams", [])
                            ],
                        }
                        for task in file.get("tasks", [])
                        if task.get("kind", "function") == "function"
                    ],
                }
                for file in plugin["files"]
            ],
        }
        for plugin in plugins
    ]


def build_description(
    *,
    group_id: int,
    task_graph: str,
    artifact_graph: str = "",
    parameters: Sequence[Mapping[str, Any]] = (),
    artifact_parameters: Sequence[Mapping[str, Any]] = (),
    plugin_snapshot_ids: Iterable[int] = (),
    plugins: Sequence[Mapping[str, Any]] | None = None,
) -> tuple[dict[str, Any] | None, list[Issue]]:
    """Dioptra's experiment description, or None and the issues that prevent it.

    ``parameters`` are ``[{name, parameterType, defaultValue}]`` and
    ``artifact_parameters`` ``[{name, outputParams: [{name, parameterType: type id}]}]``,
    as the API and the entrypoint snapshot write them. ``plugins``, when given,
    are the ``plugin_snapshots(plugin_snapshot_ids)`` the caller already read.
    """
    graph, issues = parse_yaml(task_graph, what="task graph")
    artifact_outputs, more = parse_yaml(artifact_graph or "", what="artifact output graph")
    issues += more
    try:
        parameters_part = parameters_section(parameters)
    except ParameterCoercionError as error:
        issues.append(Issue("TYPE", "ERROR", f"default value of {error}"))
    if issues:
        return None, issues

    if plugins is None:
        plugins = plugin_snapshots(plugin_snapshot_ids)
    artifact_type_ids = {
        output["parameterType"]
        for parameter in artifact_parameters
        for output in parameter.get("outputParams", [])
    }
    types, group_types = _types_and_group_types(
        _registered_type_ids(plugins) | artifact_type_ids, group_id=group_id
    )
    # Like Dioptra, the group's own types are known too, so a graph may name
    # a type no attached task uses.
    known = {t.pk: t for t in group_types} | types
    description = {
        "types": types_section({"name": t.name, "structure": t.structure} for t in known.values()),
        "parameters": parameters_part,
        "tasks": tasks_section(_engine_plugins(plugins, types)),
        "graph": graph,
        "artifact_outputs": artifact_outputs if artifact_outputs is not None else {},
        "artifact_inputs": artifact_inputs_section(
            {
                "name": parameter["name"],
                "outputs": [
                    {"name": o["name"], "type": types[o["parameterType"]].name}
                    for o in parameter.get("outputParams", [])
                ],
            }
            for parameter in artifact_parameters
        ),
    }
    return description, []


def entrypoint_description(
    data: Mapping[str, Any], *, group_id: int, plugins: Sequence[Mapping[str, Any]] | None = None
):
    """The description of an entrypoint from its snapshot data (or the same
    shape, ``Entrypoint.snapshot_data()``, of one being saved)."""
    return build_description(
        group_id=group_id,
        task_graph=data["taskGraph"],
        artifact_graph=data.get("artifactGraph", ""),
        parameters=data.get("parameters", []),
        artifact_parameters=data.get("artifactParameters", []),
        plugin_snapshot_ids=[p["snapshotId"] for p in data.get("plugins", [])],
        plugins=plugins,
    )


# Snapshots never change, so the description built from an entrypoint snapshot
# and the plugin snapshots it pins is built once per process (job submits).
_DESCRIPTIONS: OrderedDict[tuple, tuple[list, dict[str, Any]]] = OrderedDict()
DESCRIPTION_CACHE_SIZE = 128


def snapshot_description(
    snapshot: Snapshot, *, group_id: int
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, list[Issue]]:
    """``(plugin_snapshots, description, issues)`` of an entrypoint snapshot,
    remembered by snapshot ids and group (whose own types are known too). The
    creation time guards against an id a rolled-back transaction gave out twice."""
    data = snapshot.data
    plugin_ids = tuple(p["snapshotId"] for p in data.get("plugins", []))
    key = (snapshot.pk, snapshot.created_on, plugin_ids, group_id)
    if key in _DESCRIPTIONS:
        _DESCRIPTIONS.move_to_end(key)
        plugins, description = _DESCRIPTIONS[key]
        return plugins, description, []
    plugins = plugin_snapshots(plugin_ids)
    description, issues = entrypoint_description(data, group_id=group_id, plugins=plugins)
    if description is not None:
        _DESCRIPTIONS[key] = (plugins, description)
        if len(_DESCRIPTIONS) > DESCRIPTION_CACHE_SIZE:
            _DESCRIPTIONS.popitem(last=False)
    return plugins, description, issues


def entrypoint_issues(data: Mapping[str, Any], *, group_id: int) -> list[Issue]:
    description, issues = entrypoint_description(data, group_id=group_id)
    return issues if description is None else validate(description)
