"""Django's PostgreSQL backend, with ``CONN_HEALTH_CHECKS`` answered by the socket while the server is silent.

Django's health check sends ``SELECT 1`` on the first statement of every request (and of every batch of a
relay or a consumer, which call ``close_old_connections``). On this suite's checkout that was about ten
round trips per order, the most frequent statement orders' web server sent; on a VM where waiting on a
round trip costs 0.1-0.25 ms of CPU it is also one of the dearest.

A server that drops a connection says so on it: a terminated backend, a server shutting down or an
``idle_session_timeout`` send an error and close the socket, and a proxy or a peer that cuts the
connection closes or resets it. All of that makes the idle connection's socket readable, so a socket
with nothing to read (one ``poll`` with no wait) means the server has said nothing since the last
answer, and the connection is used as it is. Anything to read, or a connection psycopg already knows
is closed or broken, gets Django's own ``SELECT 1`` check (a ``NOTIFY`` or a notice waiting there
passes it and the connection is kept). This is the check redis-py makes before reusing a pooled
connection (``can_read``).

What neither check sees in time is a path that goes silent without a word (a cable cut with no reset):
``SELECT 1`` would wait on it exactly as the request's own first statement does.
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql import base


def server_silent(connection: Any) -> bool:
    """Whether psycopg's ``connection`` is open and nothing from the server waits on its socket."""
    if connection.closed or connection.broken:
        return False
    try:
        descriptor = connection.fileno()
    except Exception:  # psycopg raises OperationalError for a connection it has lost
        return False
    poller = select.poll()
    poller.register(descriptor, select.POLLIN | select.POLLPRI)  # POLLERR and POLLHUP are always reported
    return not poller.poll(0)


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and not self.pool  # Django's pool hands out checked connections and skips the check itself
            and server_silent(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()
