"""``statement_cursor`` keeps one cursor per connection, and gives it up whenever Django's own checks are due."""

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.cursors import statement_cursor
from common.testing.databases import wait_until_the_server_spoke

pytestmark = pytest.mark.django_db(transaction=True)


def scalar(sql: str, params=None):
    with statement_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def kept():
    with statement_cursor() as cursor:
        return cursor


def test_statements_share_one_cursor_which_stays_open():
    assert scalar("SELECT %s + 1", [1]) == 2
    first = kept()
    assert scalar("SELECT %s * 3", [2]) == 6
    assert kept() is first
    assert scalar("SELECT 'ainda aberto'") == "ainda aberto"


def test_a_reconnected_connection_gets_a_new_cursor():
    first = kept()
    connection.close()
    assert scalar("SELECT 7") == 7
    assert kept() is not first


def test_logged_queries_go_through_djangos_debug_cursor_and_are_counted():
    plain = kept()
    with CaptureQueriesContext(connection) as captured:
        assert scalar("SELECT 41 + %s", [1]) == 42
        logging = kept()
    assert logging is not plain
    assert [query["sql"] for query in captured.captured_queries] == ["SELECT 41 + 1"]
    assert kept() is not logging  # logging off again: a plain cursor, uncounted
    with CaptureQueriesContext(connection) as quiet:
        kept()
    assert quiet.captured_queries == []


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: the test ends the server session with pg_terminate_backend; SQLite has no server session",
)
def test_a_connection_killed_between_requests_is_replaced_by_the_health_check():
    """PostgreSQL ends the session (an idle timeout, a failover): the next request's first statement must not
    reach the dead connection through the kept cursor. Django's health check (``CONN_HEALTH_CHECKS``, due again
    at each request start) runs first and reconnects."""
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    connection.health_check_enabled = True
    try:
        pid = scalar("SELECT pg_backend_pid()")
        first = kept()
        with psycopg.connect(connection.connection.info.dsn, autocommit=True) as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        # The check (common.db.postgresql) sees what reached the socket: the backend's goodbye comes just after.
        wait_until_the_server_spoke(connection)
        connection.health_check_done = False  # what close_old_connections does when a request starts
        assert scalar("SELECT pg_backend_pid()") != pid
        assert kept() is not first
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = False
        connection.health_check_enabled = False
