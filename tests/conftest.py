"""Actors every test can ask for: anonymous, outsider, reader, writer and
group admin of one group, `team`."""

import pytest
from django.test import Client

from tests.factories import PASSWORD, GroupFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def database_task_backend(settings):
    """Jobs go to the database backend unless a test picks RQ itself, whatever
    REDIS_URL the environment has (CI sets it)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": []}}


@pytest.fixture
def team(db):
    return GroupFactory(name="team")


def _member(team, **flags):
    return MembershipFactory(group=team, **flags).user


@pytest.fixture
def reader(team):
    return _member(team, read=True, write=False)


@pytest.fixture
def writer(team):
    return _member(team, read=True, write=True)


@pytest.fixture
def group_admin(team):
    return _member(team, read=True, write=True, admin=True)


@pytest.fixture
def outsider(db):
    return UserFactory()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def writer_client(writer):
    return logged_in(writer)


@pytest.fixture
def reader_client(reader):
    return logged_in(reader)


@pytest.fixture
def outsider_client(outsider):
    return logged_in(outsider)


@pytest.fixture
def admin_client_(group_admin):
    return logged_in(group_admin)


@pytest.fixture
def htmx_headers():
    return {"HTTP_HX_REQUEST": "true"}


__all__ = ["PASSWORD", "logged_in"]
