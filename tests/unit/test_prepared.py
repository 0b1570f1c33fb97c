"""Prepared queries: compiled once, rerun with each call's own values."""

import threading

import pytest
from django.db import connection, connections
from django.db.models import F
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from experiments import prepared
from experiments.models import Experiment
from experiments.prepared import (
    Inline,
    PreparedQuery,
    PreparedUserQuery,
    count_rows,
    fetch,
    padded,
    stand_in_user,
)
from experiments.search import Like
from tests.factories import ExperimentFactory, GroupFactory, MembershipFactory, UserFactory

BY_NAME_IN_GROUP = PreparedQuery(
    lambda group_id, pattern: (
        Experiment.objects.filter(group_id=group_id)
        .filter(Like(F("name"), pattern))
        .select_related("group")
        .order_by("name")
    )
)
VISIBLE = PreparedQuery(
    lambda user_id, superuser: Experiment.objects.visible_to(
        stand_in_user(user_id, superuser=superuser)
    ).order_by("id")
)


@pytest.fixture
def two_groups(db):
    first, second = GroupFactory(name="first"), GroupFactory(name="second")
    for group in (first, second):
        for name in ("alpha", "beta", "alpine"):
            ExperimentFactory(group=group, name=name)
    return first, second


def test_each_call_runs_with_its_own_values(two_groups):
    first, second = two_groups
    assert [e.name for e in BY_NAME_IN_GROUP(first.pk, "al%")] == ["alpha", "alpine"]
    assert [e.name for e in BY_NAME_IN_GROUP(second.pk, "b%")] == ["beta"]
    assert {e.group.name for e in BY_NAME_IN_GROUP(second.pk, "%")} == {"second"}
    assert BY_NAME_IN_GROUP(first.pk, "zzz%") == []


def test_a_call_after_the_first_compiles_nothing(two_groups, monkeypatch):
    first, second = two_groups
    BY_NAME_IN_GROUP(first.pk, "a%")
    compiled = []
    original = SQLCompiler.as_sql
    monkeypatch.setattr(
        SQLCompiler, "as_sql", lambda self, *a, **k: compiled.append(1) or original(self, *a, **k)
    )
    with CaptureQueriesContext(connection) as queries:
        rows = BY_NAME_IN_GROUP(second.pk, "beta")
    assert [e.name for e in rows] == ["beta"]
    assert len(queries) == 1
    assert compiled == []
    # The related row came with it: reading it asks nothing more.
    with CaptureQueriesContext(connection) as queries:
        assert rows[0].group.name == "second"
    assert len(queries) == 0


def test_variants_get_their_own_query(two_groups):
    first, _ = two_groups
    member = MembershipFactory(group=first, read=True).user
    admin = UserFactory(is_superuser=True)
    assert {e.group_id for e in VISIBLE(member.pk, superuser=False)} == {first.pk}
    assert len(VISIBLE(admin.pk, superuser=True)) == 6
    assert VISIBLE(UserFactory().pk, superuser=False) == []


def test_a_user_query_sees_what_each_user_may_read(two_groups):
    first, _ = two_groups
    member = MembershipFactory(group=first, read=True).user
    admin = UserFactory(is_superuser=True)
    visible = PreparedUserQuery(lambda user: Experiment.objects.visible_to(user).order_by("id"))
    assert {e.group_id for e in visible(member)} == {first.pk}
    assert len(visible(admin)) == 6
    assert visible(UserFactory()) == []


def test_inline_numbers_set_the_window(two_groups):
    first, _ = two_groups

    def page(group_id, offset, limit):
        rows = Experiment.objects.filter(group_id=group_id).order_by("name")
        return rows[offset : offset + limit]

    names = [e.name for e in fetch("window", [first.pk, Inline(0), Inline(2)], page)]
    assert names == ["alpha", "alpine"]
    names = [e.name for e in fetch("window", [first.pk, Inline(2), Inline(2)], page)]
    assert names == ["beta"]


def test_count_rows_counts_without_grouping(two_groups):
    first, _ = two_groups
    count = PreparedQuery(lambda group_id: count_rows(Experiment.objects.filter(group_id=group_id)))
    assert count(first.pk) == [(3,)]
    assert count(-5) == [(0,)]


@pytest.mark.parametrize(
    "build",
    [
        lambda text: Experiment.objects.filter(name__icontains=text),  # wrapped in %...%
        lambda number: Experiment.objects.filter(name=number),  # turned into text
        lambda number: Experiment.objects.filter(pk__gt=RawSQL(str(number), [])),  # into the SQL
    ],
)
def test_a_value_the_query_transforms_is_refused(db, build):
    value = "alpha" if "text" in build.__code__.co_varnames else 3
    with pytest.raises(ValueError, match="do not reach its SQL"):
        PreparedQuery(build)(value)


def test_the_cache_is_bounded(db, monkeypatch):
    monkeypatch.setattr(prepared, "MAX_COMPILED", 3)
    monkeypatch.setattr(prepared, "_compiled", {})
    for n in range(5):
        fetch(("bounded", n), [n], lambda pk: Experiment.objects.filter(pk=pk))
    assert len(prepared._compiled) == 3


@pytest.mark.parametrize(
    ("ids", "expected"),
    [
        ([7], [7]),
        ([1, 2], [1, 2]),
        ([1, 2, 3], [1, 2, 3, 3]),
        ([1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 5, 5, 5]),
    ],
)
def test_padded_lengthens_to_a_power_of_two(ids, expected):
    assert padded(ids) == expected


@pytest.mark.django_db(transaction=True)
def test_another_thread_runs_it_on_its_own_connection(two_groups):
    first, _ = two_groups
    BY_NAME_IN_GROUP(first.pk, "a%")  # compiled on this thread's connection
    outcome = []

    def elsewhere():
        try:
            outcome.append([e.name for e in BY_NAME_IN_GROUP(first.pk, "b%")])
        except Exception as error:  # noqa: BLE001 - the test reports it
            outcome.append(error)
        finally:
            connections.close_all()

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert outcome == [["beta"]]


def _described(row):
    """What a row holds: its values, deferred fields and loaded related rows."""
    if not isinstance(row, Experiment):
        return row
    values = {k: v for k, v in vars(row).items() if k != "_state"}
    prefetched = values.pop("_prefetched_objects_cache", {})
    values["prefetched"] = {name: list(rows) for name, rows in prefetched.items()}
    related = {name: vars(other) for name, other in row._state.fields_cache.items()}
    for fields in related.values():
        fields.pop("_state")
    return values, row.get_deferred_fields(), related


@pytest.mark.parametrize(
    "build",
    [
        lambda group_id: (
            Experiment.objects.filter(group_id=group_id)
            .select_related("group", "snapshot__user")
            .annotate(group_name=F("group__name"))
        ),
        lambda group_id: Experiment.objects.filter(group_id=group_id).only("name", "created_on"),
        lambda group_id: Experiment.objects.filter(group_id=group_id).values_list(
            "id", "name", "created_on"
        ),
        lambda group_id: Experiment.objects.filter(group_id=group_id).values_list(
            "created_on", flat=True
        ),
        lambda group_id: Experiment.objects.filter(group_id=group_id).prefetch_related("tags"),
    ],
    ids=["related and annotated", "deferred", "values", "flat values", "prefetched"],
)
def test_rows_come_back_as_django_builds_them(two_groups, build):
    first, _ = two_groups
    for experiment in Experiment.objects.filter(group=first):
        experiment.record_snapshot(user=UserFactory())

    prepared_rows = PreparedQuery(lambda group_id: build(group_id).order_by("id"))(first.pk)
    django_rows = list(build(first.pk).order_by("id"))

    assert len(prepared_rows) == 3
    assert [_described(r) for r in prepared_rows] == [_described(r) for r in django_rows]


def test_a_new_prepared_query_never_reuses_a_freed_ones_compiled_sql(two_groups):
    """Compiled queries are kept per PreparedQuery object. One made, used and
    freed in a loop (as a test or a shell does) often gets the freed one's
    memory address: that must not give it the other's SQL."""
    first, _ = two_groups
    experiment_names = sorted(Experiment.objects.filter(group=first).values_list("name", flat=True))
    for _ in range(10):
        names = PreparedQuery(
            lambda group_id: Experiment.objects.filter(group_id=group_id).values_list(
                "name", flat=True
            )
        )(first.pk)
        assert sorted(names) == experiment_names
        group_name = PreparedQuery(
            lambda group_id: first._meta.model.objects.filter(pk=group_id).values_list(
                "name", flat=True
            )
        )(first.pk)
        assert group_name == [first.name]
