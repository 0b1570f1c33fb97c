"""The domain rules every interface shares: permissions, names, snapshots."""

import threading

import pytest
from django.db import connection

from experiments import accounts, definitions
from experiments.errors import (
    InvalidInputError,
    NameTakenError,
    NotAllowedError,
    NotFoundError,
    UserNotInGroupError,
)
from experiments.models import Experiment, GroupMembership, PluginParameterType, Snapshot
from tests.factories import EntrypointFactory, ExperimentFactory, GroupFactory, UserFactory


def test_visible_to_shows_only_groups_the_user_may_read(team, reader, outsider):
    mine = ExperimentFactory(group=team)
    ExperimentFactory(group=GroupFactory())

    assert list(Experiment.objects.visible_to(reader)) == [mine]
    assert list(Experiment.objects.visible_to(outsider)) == []


def test_editable_by_needs_write(team, reader, writer):
    experiment = ExperimentFactory(group=team)

    assert list(Experiment.objects.editable_by(reader)) == []
    assert list(Experiment.objects.editable_by(writer)) == [experiment]
    assert not experiment.can_edit(reader)
    assert experiment.can_edit(writer)


def test_deleted_resources_are_invisible_and_free_their_name(team, writer):
    experiment = definitions.create_experiment(user=writer, group_id=team.pk, name="sweep")
    definitions.delete_resource(user=writer, resource=experiment)

    assert not Experiment.objects.visible_to(writer).exists()
    again = definitions.create_experiment(user=writer, group_id=team.pk, name="sweep")
    assert again.pk != experiment.pk


def test_create_records_a_snapshot_and_update_a_newer_one(team, writer):
    experiment = definitions.create_experiment(user=writer, group_id=team.pk, name="first")
    first_snapshot = experiment.snapshot_id

    definitions.update_experiment(
        user=writer, experiment=experiment, name="renamed", description="now described"
    )

    assert experiment.snapshot_id > first_snapshot
    history = list(experiment.snapshots().values_list("data", flat=True))
    assert [data["name"] for data in history] == ["first", "renamed"]
    assert history[0]["description"] == ""


def test_duplicate_name_in_group_is_a_clear_conflict(team, writer):
    definitions.create_experiment(user=writer, group_id=team.pk, name="taken")

    with pytest.raises(NameTakenError) as caught:
        definitions.create_experiment(user=writer, group_id=team.pk, name="taken")

    assert caught.value.status == 409
    assert "'taken' is already taken" in caught.value.message


def test_same_name_in_another_group_is_fine(team, writer):
    other = GroupFactory()
    GroupMembership.objects.create(group=other, user=writer, read=True, write=True)

    definitions.create_experiment(user=writer, group_id=team.pk, name="shared-name")
    definitions.create_experiment(user=writer, group_id=other.pk, name="shared-name")


def test_lost_race_for_a_name_becomes_a_conflict_not_a_crash(team, writer, monkeypatch):
    """Another request may take the name between our check and our insert:
    the database constraint catches it and the user gets the same message."""
    ExperimentFactory(group=team, name="raced")
    real_check = definitions.experiments.ensure_name_free
    calls = []

    def check_that_misses_the_first_time(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            real_check(*args, **kwargs)

    monkeypatch.setattr(
        definitions.experiments, "ensure_name_free", check_that_misses_the_first_time
    )

    with pytest.raises(NameTakenError):
        definitions.create_experiment(user=writer, group_id=team.pk, name="raced")


@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_of_one_name_leave_one_experiment():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    user = accounts.register_user(username="racer", email="r@example.org", password="pw-12345")
    group_id = user.memberships.get().group_id
    barrier = threading.Barrier(2)
    outcomes = []

    def create():
        barrier.wait()
        try:
            definitions.create_experiment(user=user, group_id=group_id, name="once")
            outcomes.append("created")
        except NameTakenError:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=create) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["conflict", "created"]
    assert Experiment.objects.filter(name="once").count() == 1


@pytest.mark.parametrize("name", ["", "   ", "x" * 256])
def test_blank_or_overlong_names_are_refused(team, writer, name):
    with pytest.raises(InvalidInputError) as caught:
        definitions.create_queue(user=writer, group_id=team.pk, name=name)
    assert caught.value.field == "name"


def test_reader_may_not_create_or_change(team, reader, writer):
    with pytest.raises(UserNotInGroupError, match="read-only"):
        definitions.create_experiment(user=reader, group_id=team.pk, name="nope")

    experiment = ExperimentFactory(group=team)
    with pytest.raises(NotAllowedError):
        definitions.update_experiment(user=reader, experiment=experiment, name="nope")


def test_outsider_cannot_tell_a_hidden_group_from_a_missing_one(team, outsider):
    with pytest.raises(NotFoundError):
        definitions.create_experiment(user=outsider, group_id=team.pk, name="x")
    with pytest.raises(NotFoundError):
        definitions.create_experiment(user=outsider, group_id=999_999, name="x")


def test_entrypoints_of_hidden_groups_are_not_found(team, writer):
    hidden = EntrypointFactory(group=GroupFactory())

    with pytest.raises(NotFoundError) as caught:
        definitions.create_experiment(
            user=writer, group_id=team.pk, name="x", entrypoint_ids=[hidden.pk]
        )
    assert caught.value.field == "entrypoints"
    assert caught.value.status == 404


def test_entrypoint_defaults_must_fit_their_type(team, writer):
    with pytest.raises(InvalidInputError, match="not an integer"):
        definitions.create_entrypoint(
            user=writer,
            group_id=team.pk,
            name="typed",
            task_graph="",
            parameters=[definitions.ParameterSpec("epochs", "integer", "ten")],
        )


def test_entrypoint_parameter_names_are_unique(team, writer):
    with pytest.raises(InvalidInputError, match="used twice"):
        definitions.create_entrypoint(
            user=writer,
            group_id=team.pk,
            name="dupes",
            task_graph="",
            parameters=[
                definitions.ParameterSpec("a", "string"),
                definitions.ParameterSpec("a", "float", "1.0"),
            ],
        )


def test_first_registered_user_creates_public_with_builtin_types(db):
    first = accounts.register_user(username="first", email="f@example.org", password="pw-12345")
    second = accounts.register_user(username="second", email="s@example.org", password="pw-12345")

    first_membership = first.memberships.get()
    second_membership = second.memberships.get()
    assert first_membership.group.name == "public"
    assert first_membership.owner and first_membership.admin
    assert (second_membership.read, second_membership.write) == (True, True)
    assert not (second_membership.owner or second_membership.admin)
    builtins = PluginParameterType.objects.filter(is_builtin=True)
    assert [t.name for t in builtins] == ["any", "string", "integer", "number", "boolean", "null"]
    assert not builtins[0].can_edit(first)
    assert Snapshot.objects.filter(resource_type="plugin_task_parameter_type").count() == 6


def test_group_managers_add_change_and_remove_members(team, group_admin, writer):
    newcomer = UserFactory()

    membership = definitions.add_member(user=group_admin, group=team, username=newcomer.username)
    assert (membership.read, membership.write) == (True, False)

    definitions.change_member(user=group_admin, membership=membership, write=True)
    membership.refresh_from_db()
    assert membership.write

    with pytest.raises(NotAllowedError):
        definitions.remove_member(user=writer, membership=membership)
    definitions.remove_member(user=group_admin, membership=membership)
    assert not team.memberships.filter(user=newcomer).exists()


def test_the_last_owner_cannot_leave(db):
    owner = UserFactory()
    group = GroupFactory(creator=owner)
    membership = GroupMembership.objects.create(group=group, user=owner, owner=True, write=True)

    with pytest.raises(InvalidInputError, match="at least one owner"):
        definitions.remove_member(user=owner, membership=membership)
    with pytest.raises(InvalidInputError, match="at least one owner"):
        definitions.change_member(user=owner, membership=membership, owner=False)
