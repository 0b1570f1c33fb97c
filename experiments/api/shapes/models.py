"""Models and their versions as Dioptra shows them."""

from django.db.models import Prefetch, QuerySet

from experiments.models import MLModel, ModelVersion

from .common import API_ROOT, group_ref, resource_fields, timestamp, with_resource_fields
from .jobs import artifact_ref


def version_rows() -> QuerySet[ModelVersion]:
    """Versions with what ``model_version_shape`` reads of their artifact."""
    return ModelVersion.objects.select_related("artifact__group").order_by("version_number")


def model_rows(user) -> QuerySet[MLModel]:
    """Models the user may read, with their versions in number order."""
    rows = with_resource_fields(MLModel.objects.visible_to(user), user)
    return rows.prefetch_related(Prefetch("versions", queryset=version_rows()))


def model_ref(model: MLModel) -> dict:
    """ModelRef: as in Dioptra, its url lacks the /api/v1/ prefix."""
    return {
        "id": model.pk,
        "name": model.name,
        "group": group_ref(model.group),
        "url": f"models/{model.pk}",
    }


def model_version_ref(version: ModelVersion) -> dict:
    return {
        "versionNumber": version.version_number,
        "url": f"{API_ROOT}/models/{version.model_id}/versions/{version.version_number}",
    }


def model_version_shape(version: ModelVersion, model: MLModel) -> dict:
    """``model`` is the version's model, loaded with its group."""
    return {
        "model": model_ref(model),
        "description": version.description,
        "versionNumber": version.version_number,
        "artifact": artifact_ref(version.artifact),
        "createdOn": timestamp(version.created_on),
    }


def model_shape(model: MLModel) -> dict:
    """Needs ``model_rows``."""
    versions = list(model.versions.all())
    return {
        **resource_fields(model),
        "name": model.name,
        "description": model.description,
        "versions": [model_version_ref(version) for version in versions],
        "latestVersion": model_version_shape(versions[-1], model) if versions else None,
    }
