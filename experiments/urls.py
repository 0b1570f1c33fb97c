from django.contrib.auth import views as auth_views
from django.urls import path

from .views import (
    accounts,
    entrypoints,
    experiments,
    groups,
    jobs,
    parameter_types,
    plugins,
    queues,
)

urlpatterns = [
    path("", accounts.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="accounts/login.html", redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", accounts.account_register, name="register"),
    path("account/", accounts.account_detail, name="account_detail"),
    path("account/tokens/", accounts.api_token_create, name="api_token_create"),
    path("account/tokens/<int:pk>/revoke/", accounts.api_token_revoke, name="api_token_revoke"),
    path("groups/", groups.group_list, name="group_list"),
    path("groups/<int:pk>/", groups.group_detail, name="group_detail"),
    path("groups/<int:pk>/members/add/", groups.member_add, name="member_add"),
    path("groups/<int:pk>/members/<int:member_pk>/edit/", groups.member_edit, name="member_edit"),
    path(
        "groups/<int:pk>/members/<int:member_pk>/remove/",
        groups.member_remove,
        name="member_remove",
    ),
    path("queues/", queues.queue_list, name="queue_list"),
    path("queues/new/", queues.queue_create, name="queue_create"),
    path("queues/<int:pk>/", queues.queue_detail, name="queue_detail"),
    path("queues/<int:pk>/edit/", queues.queue_edit, name="queue_edit"),
    path("queues/<int:pk>/delete/", queues.queue_delete, name="queue_delete"),
    path("entrypoints/", entrypoints.entrypoint_list, name="entrypoint_list"),
    path("entrypoints/new/", entrypoints.entrypoint_create, name="entrypoint_create"),
    path("entrypoints/<int:pk>/", entrypoints.entrypoint_detail, name="entrypoint_detail"),
    path("entrypoints/<int:pk>/edit/", entrypoints.entrypoint_edit, name="entrypoint_edit"),
    path("entrypoints/<int:pk>/delete/", entrypoints.entrypoint_delete, name="entrypoint_delete"),
    path("entrypoints/validate/", entrypoints.entrypoint_validate, name="entrypoint_validate"),
    path(
        "entrypoints/<int:pk>/validate/",
        entrypoints.entrypoint_edit_validate,
        name="entrypoint_edit_validate",
    ),
    path(
        "entrypoints/<int:pk>/sync-plugins/",
        entrypoints.entrypoint_sync_plugins,
        name="entrypoint_sync_plugins",
    ),
    path("plugins/", plugins.plugin_list, name="plugin_list"),
    path("plugins/new/", plugins.plugin_create, name="plugin_create"),
    path("plugins/<int:pk>/", plugins.plugin_detail, name="plugin_detail"),
    path("plugins/<int:pk>/edit/", plugins.plugin_edit, name="plugin_edit"),
    path("plugins/<int:pk>/delete/", plugins.plugin_delete, name="plugin_delete"),
    path("plugins/<int:pk>/files/new/", plugins.plugin_file_create, name="plugin_file_create"),
    path(
        "plugins/<int:pk>/files/detect-tasks/",
        plugins.plugin_file_detect_tasks,
        name="plugin_file_detect_tasks",
    ),
    path(
        "plugins/<int:pk>/files/<int:file_pk>/",
        plugins.plugin_file_detail,
        name="plugin_file_detail",
    ),
    path(
        "plugins/<int:pk>/files/<int:file_pk>/edit/",
        plugins.plugin_file_edit,
        name="plugin_file_edit",
    ),
    path(
        "plugins/<int:pk>/files/<int:file_pk>/delete/",
        plugins.plugin_file_delete,
        name="plugin_file_delete",
    ),
    path("types/", parameter_types.parameter_type_list, name="parameter_type_list"),
    path("types/new/", parameter_types.parameter_type_create, name="parameter_type_create"),
    path("types/<int:pk>/", parameter_types.parameter_type_detail, name="parameter_type_detail"),
    path("types/<int:pk>/edit/", parameter_types.parameter_type_edit, name="parameter_type_edit"),
    path(
        "types/<int:pk>/delete/",
        parameter_types.parameter_type_delete,
        name="parameter_type_delete",
    ),
    path("experiments/", experiments.experiment_list, name="experiment_list"),
    path("experiments/new/", experiments.experiment_create, name="experiment_create"),
    path("experiments/<int:pk>/", experiments.experiment_detail, name="experiment_detail"),
    path("experiments/<int:pk>/edit/", experiments.experiment_edit, name="experiment_edit"),
    path("experiments/<int:pk>/delete/", experiments.experiment_delete, name="experiment_delete"),
    path(
        "experiments/<int:pk>/jobs/new/", jobs.experiment_job_submit, name="experiment_job_submit"
    ),
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:pk>/cancel/", jobs.job_cancel, name="job_cancel"),
    path("artifacts/<int:pk>/download/", jobs.artifact_download, name="artifact_download"),
]
