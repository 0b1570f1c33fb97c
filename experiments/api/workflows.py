"""Workflow helpers: validating an entrypoint before it is saved, and
suggesting task registrations from plugin source (Dioptra's /workflows)."""

from collections import defaultdict

from rest_framework.decorators import api_view
from rest_framework.response import Response

from experiments.engine.signatures import InvalidPythonError, analyze_signatures
from experiments.engine.validation import is_valid, validate
from experiments.errors import NotFoundError
from experiments.models import Group, Plugin, PluginParameterType, Snapshot
from experiments.workflows import build_description

from .entrypoints import ARTIFACT_PARAMETER, PARAMETER
from .errors import ApiError
from .parsing import Field, id_list, integer, list_of, nullable, parse_body, text


class PluginSnapshotsNotUniqueError(ApiError):
    error = "QueryParameterValidationError"


class InvalidPythonCodeError(ApiError):
    error = "InvalidPythonError"


VALIDATE_ENTRYPOINT = {
    "group": Field(integer, required=True),
    "taskGraph": Field(text, required=True),
    "artifactGraph": Field(nullable(text), default=""),
    "pluginSnapshots": Field(id_list, default=list),
    "parameters": Field(list_of(PARAMETER), default=list),
    "artifacts": Field(list_of(ARTIFACT_PARAMETER), default=list),
}


def _check_plugin_snapshots(user, snapshot_ids: list[int]) -> None:
    """Each id is a snapshot of a plugin the user may read, one per plugin."""
    plugin_of = dict(
        Snapshot.objects.filter(pk__in=snapshot_ids, resource_type="plugin").values_list(
            "pk", "resource_id"
        )
    )
    visible = set(
        Plugin.objects.visible_to(user)
        .filter(pk__in=set(plugin_of.values()))
        .values_list("pk", flat=True)
    )
    seen: dict[int, list[int]] = defaultdict(list)
    for snapshot_id in dict.fromkeys(snapshot_ids):
        if plugin_of.get(snapshot_id) not in visible:
            raise NotFoundError("plugin snapshot", field="pluginSnapshots", id=snapshot_id)
        seen[plugin_of[snapshot_id]].append(snapshot_id)
    for plugin_id, ids in seen.items():
        if len(ids) > 1:
            raise PluginSnapshotsNotUniqueError(
                f"Two plugin snapshot IDs, {ids[0]} and {ids[1]}, point to the same "
                f"resource ID {plugin_id}. Only one snapshot ID per resource ID is allowed."
            )


def _check_artifact_types(user, artifacts: list[dict]) -> None:
    type_ids = {o["parameterType"] for a in artifacts for o in a["outputParams"]}
    found = set(
        PluginParameterType.objects.visible_to(user)
        .filter(pk__in=type_ids)
        .values_list("pk", flat=True)
    )
    missing = sorted(type_ids - found)
    if missing:
        raise NotFoundError("plugin parameter type", field="artifacts", id=missing[0])


@api_view(["POST"])
def validate_entrypoint(request):
    """Validates a workflow without saving it: ``{schemaValid, schemaIssues}``."""
    body = parse_body(request, VALIDATE_ENTRYPOINT)
    if not Group.objects.readable_by(request.user).filter(pk=body["group"]).exists():
        raise NotFoundError("group", field="group", id=body["group"])
    _check_plugin_snapshots(request.user, body["pluginSnapshots"])
    _check_artifact_types(request.user, body["artifacts"])
    description, issues = build_description(
        group_id=body["group"],
        task_graph=body["taskGraph"],
        artifact_graph=body["artifactGraph"] or "",
        parameters=body["parameters"],
        artifact_parameters=body["artifacts"],
        plugin_snapshot_ids=body["pluginSnapshots"],
    )
    if description is not None:
        issues = validate(description)
    return Response(
        {
            "schemaValid": is_valid(issues),
            "schemaIssues": [
                {
                    "type": issue.type.upper(),
                    "severity": issue.severity.upper(),
                    "message": issue.message,
                }
                for issue in issues
            ],
        }
    )


@api_view(["POST"])
def plugin_task_signature_analysis(request):
    """Suggests task registrations for the registered functions of a Python file."""
    body = parse_body(request, {"pythonCode": Field(text, required=True)})
    try:
        tasks = analyze_signatures(body["pythonCode"])
    except InvalidPythonError as error:
        raise InvalidPythonCodeError(str(error), detail={"line": error.line}) from None
    return Response({"tasks": tasks})
