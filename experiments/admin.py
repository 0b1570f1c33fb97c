"""The operators' view of every model. Non-superuser staff see only the
resources of groups they may read, through the same QuerySet methods as the
pages and the API."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from . import models


@admin.register(models.User)
class DioptraUserAdmin(UserAdmin):
    list_display = ("username", "email", "is_staff", "is_active", "last_login")


class MembershipInline(admin.TabularInline):
    model = models.GroupMembership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(models.Group)
class GroupAdmin(admin.ModelAdmin):
    list_display = ("name", "creator", "created_on")
    search_fields = ["name"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).readable_by(request.user)

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.can_manage(request.user):
            return False
        return super().has_change_permission(request, obj)


class ResourceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "group", "creator", "created_on", "last_modified_on", "deleted_on")
    list_filter = ["group"]
    list_select_related = ["group", "creator"]
    readonly_fields = ["snapshot", "created_on", "last_modified_on"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(group__in=models.Group.objects.readable_by(request.user))

    def has_change_permission(self, request, obj=None):
        if obj is not None and not obj.can_edit(request.user):
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission


class NamedResourceAdmin(ResourceAdmin):
    list_display = ("name", "group", "creator", "created_on", "last_modified_on", "deleted_on")
    search_fields = ["name", "description"]


class EntrypointParameterInline(admin.TabularInline):
    model = models.EntrypointParameter
    extra = 0


class EntrypointPluginInline(admin.TabularInline):
    model = models.EntrypointPlugin
    extra = 0
    raw_id_fields = ["plugin_snapshot"]


@admin.register(models.Entrypoint)
class EntrypointAdmin(NamedResourceAdmin):
    inlines = [EntrypointParameterInline, EntrypointPluginInline]
    filter_horizontal = ["queues", "tags"]


@admin.register(models.Experiment)
class ExperimentAdmin(NamedResourceAdmin):
    filter_horizontal = ["entrypoints", "tags"]


class PluginFileInline(admin.StackedInline):
    model = models.PluginFile
    extra = 0
    fields = ["filename", "description", "contents", "deleted_on"]


@admin.register(models.Plugin)
class PluginAdmin(NamedResourceAdmin):
    inlines = [PluginFileInline]


class PluginTaskParameterInline(admin.TabularInline):
    model = models.PluginTaskParameter
    extra = 0


@admin.register(models.PluginTask)
class PluginTaskAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "file")
    inlines = [PluginTaskParameterInline]


for model in (models.Queue, models.PluginParameterType, models.MLModel):
    admin.site.register(model, NamedResourceAdmin)


@admin.register(models.Job)
class JobAdmin(ResourceAdmin):
    list_display = ("id", "experiment", "entrypoint", "queue", "status", "created_on")
    list_filter = ["status", "group"]
    list_select_related = ["experiment", "entrypoint", "queue"]
    raw_id_fields = ["entrypoint_snapshot", "experiment", "entrypoint", "queue"]


@admin.register(models.Artifact)
class ArtifactAdmin(ResourceAdmin):
    list_display = ("id", "uri", "job", "group", "created_on")
    raw_id_fields = ["job", "task", "plugin_snapshot"]


@admin.register(models.PluginFile)
class PluginFileAdmin(ResourceAdmin):
    raw_id_fields = ["plugin"]


@admin.register(models.JobLog)
class JobLogAdmin(admin.ModelAdmin):
    list_display = ("job", "severity", "logger_name", "message", "created_on")
    list_filter = ["severity"]
    raw_id_fields = ["job"]


@admin.register(models.JobMetric)
class JobMetricAdmin(admin.ModelAdmin):
    list_display = ("job", "name", "step", "value", "timestamp")
    raw_id_fields = ["job"]


@admin.register(models.Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ("id", "resource_type", "resource_id", "user", "created_on")
    list_filter = ["resource_type"]
    readonly_fields = ["resource_type", "resource_id", "user", "created_on", "data"]


for model in (models.Tag, models.ModelVersion, models.Draft):
    admin.site.register(model)


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Operators can see and revoke tokens; the secret itself is never stored."""

    list_display = ("name", "prefix", "user", "created_on", "last_used_on", "revoked_on")
    list_filter = ["revoked_on"]
    fields = ["name", "user", "prefix", "created_on", "last_used_on", "revoked_on"]
    readonly_fields = ["user", "prefix", "created_on", "last_used_on"]

    def has_add_permission(self, request):
        return False  # tokens are issued on the account page, where the secret is shown once
