"""Routes of the REST API, mounted at /api/v1/.

Every route answers with and without a trailing slash (Dioptra's client
omits it; Dioptra's server redirects), so both forms are registered. Ids are
digits only (anything else is 404) and at most 18 of them, so they always fit
the database.
"""

from django.urls import URLResolver, path
from django.urls.resolvers import RoutePattern
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .. import converters  # noqa: F401  (registers <id:…>)
from . import (
    artifacts,
    auth,
    bundles,
    drafts,
    entrypoints,
    experiments,
    groups,
    jobs,
    models,
    parameter_types,
    plugins,
    queues,
    resource_import,
    snapshots,
    tags,
    tokens,
    users,
    workflows,
)


def route(pattern: str, view, name: str) -> list[tuple]:
    return [(pattern, view, name)]


def by_first_segment(routes: list[tuple]) -> list:
    """Each route in both slash forms, those of one first segment gathered in
    one group: resolving a URL then tries each segment once and only that
    segment's routes, rather than every one of ~250 patterns in turn."""
    bare, groups = [], {}
    for pattern, view, name in routes:
        segment, _, rest = pattern.partition("/")
        if rest:
            routes_below = [path(rest, view, name=f"api-{name}"), path(f"{rest}/", view)]
        else:  # "segment" stays on its own; "segment/" goes first in its group
            bare.append(path(segment, view, name=f"api-{name}"))
            routes_below = [path("", view)]
        groups.setdefault(segment, []).extend(routes_below)
    return [
        *(
            SegmentRoutes(RoutePattern(f"{segment}/", is_endpoint=False), patterns)
            for segment, patterns in groups.items()
        ),
        *bare,
    ]


class SegmentRoutes(URLResolver):
    """The routes of one first segment. A path of another segment is not
    theirs: they say so by returning nothing, as a single route does, rather
    than by raising the exception an ``include()`` raises (a request passes
    several groups before its own)."""

    def resolve(self, path):
        if self.pattern.match(path) is None:
            return None
        return super().resolve(path)


urlpatterns = by_first_segment(
    [
        *route("auth/login", auth.auth_login, "login"),
        *route("auth/logout", auth.auth_logout, "logout"),
        *route("users", users.user_collection, "users"),
        *route("users/current", users.user_current, "user-current"),
        *route("users/current/password", users.user_current_password, "user-current-password"),
        *route("users/current/tokens", tokens.token_collection, "tokens"),
        *route("users/current/tokens/<id:pk>", tokens.token_detail, "token"),
        *route("users/<id:pk>", users.user_detail, "user"),
        *route("users/<id:pk>/password", users.user_password, "user-password"),
        *route("groups", groups.group_collection, "groups"),
        *route("groups/<id:pk>", groups.group_detail, "group"),
        *route("groups/<id:pk>/members", groups.group_members, "group-members"),
        *route(
            "groups/<id:pk>/members/<id:user_id>",
            groups.group_member_detail,
            "group-member",
        ),
        # The OpenAPI description of this API, and Swagger UI over it (served offline).
        *route("schema", SpectacularAPIView.as_view(), "schema"),
        *route("docs", SpectacularSwaggerView.as_view(url_name="api-schema"), "docs"),
        *route("queues", queues.queue_collection, "queues"),
        *route("queues/<id:pk>", queues.queue_detail, "queue"),
        *route("entrypoints", entrypoints.entrypoint_collection, "entrypoints"),
        *route("entrypoints/<id:pk>", entrypoints.entrypoint_detail, "entrypoint"),
        *route("entrypoints/<id:pk>/queues", entrypoints.entrypoint_queues, "entrypoint-queues"),
        *route(
            "entrypoints/<id:pk>/queues/<id:queue_id>",
            entrypoints.entrypoint_queue_detail,
            "entrypoint-queue",
        ),
        *route("entrypoints/<id:pk>/plugins", entrypoints.entrypoint_plugins, "entrypoint-plugins"),
        *route(
            "entrypoints/<id:pk>/plugins/<id:plugin_id>",
            entrypoints.entrypoint_plugin_detail,
            "entrypoint-plugin",
        ),
        *route(
            "entrypoints/<id:pk>/artifactPlugins",
            entrypoints.entrypoint_artifact_plugins,
            "entrypoint-artifact-plugins",
        ),
        *route(
            "entrypoints/<id:pk>/artifactPlugins/<id:plugin_id>",
            entrypoints.entrypoint_artifact_plugin_detail,
            "entrypoint-artifact-plugin",
        ),
        *route(
            "entrypoints/<id:pk>/snapshots/<id:snapshot_id>/config",
            entrypoints.entrypoint_snapshot_config,
            "entrypoint-snapshot-config",
        ),
        *route(
            "entrypoints/<id:pk>/snapshots/<id:snapshot_id>/plugins/bundle",
            bundles.entrypoint_snapshot_plugins_bundle,
            "entrypoint-snapshot-plugins-bundle",
        ),
        *route(
            "entrypoints/<id:pk>/snapshots/<id:snapshot_id>/artifactPlugins",
            bundles.entrypoint_snapshot_artifact_plugins,
            "entrypoint-snapshot-artifact-plugins",
        ),
        *route(
            "entrypoints/<id:pk>/snapshots/<id:snapshot_id>/artifactPlugins/bundle",
            bundles.entrypoint_snapshot_artifact_plugins_bundle,
            "entrypoint-snapshot-artifact-plugins-bundle",
        ),
        *route(
            "pluginParameterTypes",
            parameter_types.parameter_type_collection,
            "plugin-parameter-types",
        ),
        *route(
            "pluginParameterTypes/<id:pk>",
            parameter_types.parameter_type_detail,
            "plugin-parameter-type",
        ),
        *route("plugins", plugins.plugin_collection, "plugins"),
        *route("plugins/<id:pk>", plugins.plugin_detail, "plugin"),
        *route("plugins/<id:pk>/files", plugins.plugin_files, "plugin-files"),
        *route(
            "plugins/<id:pk>/files/<id:file_id>",
            plugins.plugin_file_detail,
            "plugin-file",
        ),
        *route(
            "plugins/<id:pk>/snapshots/<id:snapshot_id>/files/bundle",
            bundles.plugin_snapshot_bundle,
            "plugin-snapshot-files-bundle",
        ),
        *route(
            "workflows/validateEntrypoint", workflows.validate_entrypoint, "validate-entrypoint"
        ),
        *route("workflows/resourceImport", resource_import.resource_import, "resource-import"),
        *route(
            "workflows/pluginTaskSignatureAnalysis",
            workflows.plugin_task_signature_analysis,
            "plugin-task-signature-analysis",
        ),
        *route("experiments", experiments.experiment_collection, "experiments"),
        *route("experiments/<id:pk>", experiments.experiment_detail, "experiment"),
        *route(
            "experiments/<id:pk>/entrypoints",
            experiments.experiment_entrypoints,
            "experiment-entrypoints",
        ),
        *route(
            "experiments/<id:pk>/entrypoints/<id:entrypoint_id>",
            experiments.experiment_entrypoint_detail,
            "experiment-entrypoint",
        ),
        # Jobs, their logs and metrics, and the artifacts they saved.
        *route("experiments/<id:pk>/jobs", jobs.experiment_jobs, "experiment-jobs"),
        *route(
            "experiments/<id:pk>/jobs/<id:job_id>",
            jobs.experiment_job_detail,
            "experiment-job",
        ),
        *route(
            "experiments/<id:pk>/jobs/<id:job_id>/status",
            jobs.experiment_job_status,
            "experiment-job-status",
        ),
        *route(
            "experiments/<id:pk>/jobs/<id:job_id>/mlflowRun",
            jobs.experiment_job_mlflow_run,
            "experiment-job-mlflow-run",
        ),
        *route("experiments/<id:pk>/metrics", jobs.experiment_metrics, "experiment-metrics"),
        *route("jobs", jobs.job_collection, "jobs"),
        *route("jobs/<id:pk>", jobs.job_detail, "job"),
        *route("jobs/<id:pk>/status", jobs.job_status, "job-status"),
        *route("jobs/<id:pk>/cancel", jobs.job_cancel, "job-cancel"),
        *route("jobs/<id:pk>/mlflowRun", jobs.job_mlflow_run, "job-mlflow-run"),
        *route("jobs/<id:pk>/parameters", jobs.job_parameters_view, "job-parameters"),
        *route(
            "jobs/<id:pk>/artifactParameters",
            jobs.job_artifact_parameters,
            "job-artifact-parameters",
        ),
        *route("jobs/<id:pk>/log", jobs.job_log, "job-log"),
        *route("jobs/<id:pk>/metrics", jobs.job_metrics, "job-metrics"),
        *route(
            "jobs/<id:pk>/metrics/<str:name>/snapshots",
            jobs.job_metric_snapshots,
            "job-metric-snapshots",
        ),
        *route("models", models.model_collection, "models"),
        *route("models/<id:pk>", models.model_detail, "model"),
        *route("models/<id:pk>/versions", models.model_versions, "model-versions"),
        *route(
            "models/<id:pk>/versions/<id:version_number>",
            models.model_version_detail,
            "model-version",
        ),
        *route("artifacts", artifacts.artifact_collection, "artifacts"),
        *route("artifacts/<id:pk>", artifacts.artifact_detail, "artifact"),
        *route("artifacts/<id:pk>/files", artifacts.artifact_files_view, "artifact-files"),
        *route("artifacts/<id:pk>/contents", artifacts.artifact_contents, "artifact-contents"),
        *route(
            "artifacts/<id:pk>/snapshots/<id:snapshot_id>/contents",
            artifacts.artifact_snapshot_contents,
            "artifact-snapshot-contents",
        ),
        *route("tags", tags.tag_collection, "tags"),
        *route("tags/<id:pk>", tags.tag_detail, "tag"),
        *route("tags/<id:pk>/resources", tags.tag_resources, "tag-resources"),
        # The tags and snapshots of every versioned resource: one generic view set each.
        *[url for spec in (*tags.RESOURCE_ROUTES, *snapshots.ROUTES) for url in route(*spec)],
        # Drafts of every resource type that has them, and committing a draft.
        *[url for spec in drafts.ROUTES for url in route(*spec)],
    ]
)
