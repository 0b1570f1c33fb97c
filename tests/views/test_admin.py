"""Operators use the Django admin for every model."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.urls import reverse

from experiments.models import Experiment
from tests.conftest import logged_in
from tests.factories import ExperimentFactory, GroupFactory, MembershipFactory, UserFactory


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    "model",
    [m for m in admin.site._registry if m._meta.app_label == "experiments"],
    ids=lambda m: m.__name__,
)
def test_every_model_has_a_working_admin_list(operator, model):
    ExperimentFactory()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")

    assert logged_in(operator).get(url).status_code == 200


def test_staff_see_only_resources_of_groups_they_read(db):
    staff = UserFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_experiment", "change_experiment"])
    )
    mine = MembershipFactory(user=staff, read=True, write=False).group
    readable = ExperimentFactory(group=mine, name="readable")
    ExperimentFactory(group=GroupFactory(), name="someone-elses")
    client = logged_in(staff)

    page = client.get(reverse("admin:experiments_experiment_changelist"))
    assert "readable" in page.content.decode()
    assert "someone-elses" not in page.content.decode()
    change = client.get(reverse("admin:experiments_experiment_change", args=[readable.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()  # read-only: no save button
    assert Experiment.objects.count() == 2
