"""Routes of the REST API, mounted at /api/v1/.

Every route answers with and without a trailing slash (Dioptra's client
omits it; Dioptra's server redirects), so both forms are registered. Ids are
digits only (anything else is 404) and at most 18 of them, so they always fit
the database.
"""

from django.urls import path, register_converter

from . import auth, entrypoints, experiments, groups, queues, users


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(IdConverter, "api_id")


def route(pattern: str, view, name: str) -> list:
    return [path(pattern, view, name=f"api-{name}"), path(f"{pattern}/", view)]


urlpatterns = [
    *route("auth/login", auth.auth_login, "login"),
    *route("auth/logout", auth.auth_logout, "logout"),
    *route("users", users.user_collection, "users"),
    *route("users/current", users.user_current, "user-current"),
    *route("users/<api_id:pk>", users.user_detail, "user"),
    *route("groups", groups.group_collection, "groups"),
    *route("groups/<api_id:pk>", groups.group_detail, "group"),
    *route("queues", queues.queue_collection, "queues"),
    *route("queues/<api_id:pk>", queues.queue_detail, "queue"),
    *route("entrypoints", entrypoints.entrypoint_collection, "entrypoints"),
    *route("entrypoints/<api_id:pk>", entrypoints.entrypoint_detail, "entrypoint"),
    *route("entrypoints/<api_id:pk>/queues", entrypoints.entrypoint_queues, "entrypoint-queues"),
    *route(
        "entrypoints/<api_id:pk>/queues/<api_id:queue_id>",
        entrypoints.entrypoint_queue_detail,
        "entrypoint-queue",
    ),
    *route("experiments", experiments.experiment_collection, "experiments"),
    *route("experiments/<api_id:pk>", experiments.experiment_detail, "experiment"),
    *route(
        "experiments/<api_id:pk>/entrypoints",
        experiments.experiment_entrypoints,
        "experiment-entrypoints",
    ),
    *route(
        "experiments/<api_id:pk>/entrypoints/<api_id:entrypoint_id>",
        experiments.experiment_entrypoint_detail,
        "experiment-entrypoint",
    ),
]
