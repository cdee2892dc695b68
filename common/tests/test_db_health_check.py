"""``common.db.postgresql``: the per-request health check answered by the socket while PostgreSQL is silent.

Each test opens its own connection with the backend (``DatabaseWrapper`` on a copy of the test database's
settings) and crosses a request boundary the way Django does (``close_if_unusable_or_obsolete``, what
``close_old_connections`` calls on ``request_started``), then asks for a cursor. What the server saw is read
from ``pg_stat_activity`` on the test's own connection; the faults are real: the backend process
terminated, the TCP path cut by a proxy the test owns.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as DjangoDatabaseWrapper

from common.db.postgresql.base import DatabaseWrapper
from common.testing.databases import wait_until_the_server_spoke
from common.testing.proxy import TcpProxy

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def own_connection(wrapper_class=DatabaseWrapper, **overrides) -> Iterator:
    """A connection of its own with the production settings (the test settings turn the health check off)."""
    settings = {**connection.settings_dict, "CONN_HEALTH_CHECKS": True, "CONN_MAX_AGE": 60, **overrides}
    wrapper = wrapper_class(settings, alias="health-check-test")
    try:
        yield wrapper
    finally:
        wrapper.close()


def backend_pid(wrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def last_statement(pid: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def next_request(wrapper) -> None:
    """What Django does to every connection between two requests."""
    wrapper.close_if_unusable_or_obsolete()
    assert not wrapper.health_check_done


def test_a_silent_server_costs_no_round_trip(postgresql):
    with own_connection() as ours:
        pid = backend_pid(ours)
        with ours.cursor() as cursor:
            cursor.execute("SELECT 'the request before'")
        next_request(ours)

        ours.cursor().close()  # the new request's first cursor: the health check runs here

        assert ours.health_check_done
        assert last_statement(pid) == "SELECT 'the request before'"
        assert backend_pid(ours) == pid


def test_djangos_own_backend_sends_a_select_1_there(postgresql):
    """The round trip the backend saves, seen the same way (and proof the test above can tell)."""
    with own_connection(DjangoDatabaseWrapper) as stock:
        pid = backend_pid(stock)
        next_request(stock)

        stock.cursor().close()

        assert last_statement(pid) == "SELECT 1"


def test_a_terminated_backend_is_replaced_before_the_request_uses_it(postgresql):
    with own_connection() as ours:
        old_pid = backend_pid(ours)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [old_pid])
        wait_until_the_server_spoke(ours)
        next_request(ours)

        new_pid = backend_pid(ours)  # no OperationalError: the check saw the dead connection and reconnected

        assert new_pid != old_pid


def test_a_connection_cut_on_the_way_is_replaced(postgresql):
    settings = connection.settings_dict
    proxy = TcpProxy(int(settings["PORT"]), upstream_host=settings["HOST"])
    with proxy, own_connection(HOST="127.0.0.1", PORT=str(proxy.port)) as ours:
        old_pid = backend_pid(ours)
        proxy.cut()
        proxy.restore()  # the link is back for new connections; the cut one stays closed
        wait_until_the_server_spoke(ours)
        next_request(ours)

        new_pid = backend_pid(ours)

        assert new_pid != old_pid
        assert proxy.connections_accepted == 2


def test_something_waiting_on_the_socket_gets_the_real_check_and_a_live_connection_is_kept(postgresql):
    with own_connection() as ours:
        pid = backend_pid(ours)
        with ours.cursor() as cursor:
            cursor.execute("LISTEN health_check_test")
        with connection.cursor() as cursor:
            cursor.execute("NOTIFY health_check_test")
        wait_until_the_server_spoke(ours)
        next_request(ours)

        ours.cursor().close()

        assert ours.health_check_done
        assert last_statement(pid) == "SELECT 1"
        assert backend_pid(ours) == pid
