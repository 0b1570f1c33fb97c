from django.contrib.auth import views as auth_views
from django.urls import path

from .views import accounts, entrypoints, experiments, groups, queues

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
    path("experiments/", experiments.experiment_list, name="experiment_list"),
    path("experiments/new/", experiments.experiment_create, name="experiment_create"),
    path("experiments/<int:pk>/", experiments.experiment_detail, name="experiment_detail"),
    path("experiments/<int:pk>/edit/", experiments.experiment_edit, name="experiment_edit"),
    path("experiments/<int:pk>/delete/", experiments.experiment_delete, name="experiment_delete"),
]
