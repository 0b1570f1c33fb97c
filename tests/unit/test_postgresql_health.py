"""Our PostgreSQL backend checks a kept connection's health by looking at its
socket: no ``SELECT 1`` round trip on a healthy one, and a connection the
server ended is still replaced before a request uses it."""

import select
from unittest import mock

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the backend is PostgreSQL's"
)


@pytest.mark.django_db
def test_a_healthy_connection_is_judged_without_a_query():
    connection.ensure_connection()
    with mock.patch.object(connection.connection, "cursor", side_effect=AssertionError("query")):
        assert connection.is_usable()


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_before_the_next_query():
    connection.ensure_connection()
    ended_pid = connection.connection.info.backend_pid
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        other.execute("SELECT pg_terminate_backend(%s)", [ended_pid])
    finally:
        other.close()
    select.select([connection.connection.fileno()], [], [], 5)  # the server's goodbye
    assert not connection.is_usable()

    connection.close_if_unusable_or_obsolete()  # what Django does as a request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != ended_pid
