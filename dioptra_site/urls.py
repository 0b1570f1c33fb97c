from django.contrib import admin
from django.urls import include, path

from .health import health

urlpatterns = [
    path("api/v1/", include("experiments.api.urls")),  # first: the busiest
    path("admin/", admin.site.urls),
    path("health", health, name="health"),
    path("health/", health),
    path("", include("experiments.urls")),
]
