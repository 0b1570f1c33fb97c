"""Models: named series of versions, each version pointing at an artifact.

A model keeps its own snapshots (name, description). Versions are numbered
1, 2, ... within their model; adding or describing one changes no snapshot of
the model, as in Dioptra.
"""

from django.db import transaction

from ..errors import NotFoundError
from ..models import Artifact, MLModel, ModelVersion
from .common import create_named, require_edit, update_named


def create_model(*, user, group_id: int, name: str, description: str | None = None) -> MLModel:
    return create_named(MLModel, user=user, group_id=group_id, name=name, description=description)


@transaction.atomic
def update_model(*, user, model: MLModel, name: str, description: str | None) -> MLModel:
    return update_named(model, user=user, name=name, description=description)


@transaction.atomic
def add_model_version(
    *, user, model: MLModel, artifact_id: int, description: str | None = None
) -> ModelVersion:
    """The model's next version (its number one more than the last), made from
    an artifact the user may read."""
    require_edit(user, model)
    artifact = Artifact.objects.visible_to(user).filter(pk=artifact_id).first()
    if artifact is None:
        raise NotFoundError("artifact", field="artifact", artifact_id=artifact_id)
    # Lock the model row so two versions added at once get different numbers.
    MLModel.objects.select_for_update().filter(pk=model.pk).values_list("pk").get()
    last = model.versions.order_by("-version_number").values_list("version_number").first()
    return ModelVersion.objects.create(
        model=model,
        version_number=(last[0] if last else 0) + 1,
        description=description,
        artifact=artifact,
    )


@transaction.atomic
def update_model_version(*, user, version: ModelVersion, description: str | None) -> ModelVersion:
    require_edit(user, version.model)
    version.description = description
    version.save(update_fields=["description"])
    return version
