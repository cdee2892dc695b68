"""Helpers for tests that break a PostgreSQL connection on purpose."""

from __future__ import annotations

import time

from common.db.postgresql.base import server_silent


def wait_until_the_server_spoke(database, *, limit: float = 5.0) -> None:
    """Until something from the server (a terminated backend's goodbye, a closed socket) reached the client.

    ``pg_terminate_backend`` returns once the backend is signalled; its farewell reaches the client's socket
    a moment later, and the health check (``common.db.postgresql``) sees only what has arrived.
    """
    deadline = time.monotonic() + limit
    while server_silent(database.connection):
        if time.monotonic() >= deadline:
            raise AssertionError(f"nothing from the server reached the client's socket in {limit} s")
        time.sleep(0.01)
