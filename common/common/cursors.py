"""One kept cursor per database connection for the project's own hand-written statements.

Django opens and closes a cursor around every statement (``with connection.cursor()``): a psycopg cursor
and its adapters map made, Django's wrapper built, the thread and the connection's health checked, the
cursor closed after it. On the saga's and the checkout's statements (compiled queries, one-statement
inserts and updates) that cost 12-15 µs of CPU per statement, about a third of a short statement's whole
client-side cost. ``statement_cursor`` hands out the same Django cursor wrapper for as long as its
connection lives, so a statement is only its ``execute``. Everything Django checks per statement still
runs (a broken transaction is refused, database errors are Django's, ``execute_wrappers`` apply); what is
checked per cursor is kept right:

- a connection not yet open, replaced (closed and reconnected) or due its health check
  (``CONN_HEALTH_CHECKS``, once per request) gets a new cursor through Django's own ``cursor()``;
- query logging (``DEBUG``, ``assertNumQueries``, ``CaptureQueriesContext``) gets Django's debug cursor,
  so every statement is still counted where tests count them.

The cursor is never shared between threads: Django's connections are per thread, and it lives on one.
"""

from __future__ import annotations

from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

_KEPT = "_common_kept_cursor"


class _Kept:
    """``with statement_cursor() as cursor``: the kept cursor, not closed on the way out."""

    __slots__ = ("cursor",)

    def __init__(self, cursor: CursorWrapper) -> None:
        self.cursor = cursor

    def __enter__(self) -> CursorWrapper:
        return self.cursor

    def __exit__(self, *exc_info: Any) -> None:
        return None


def statement_cursor(alias: str = DEFAULT_DB_ALIAS) -> _Kept:
    """The kept cursor of ``alias``'s connection in this thread (a new one when it cannot be reused)."""
    database = connections[alias]
    kept = getattr(database, _KEPT, None)
    if kept is None or not _reusable(database, *kept):
        cursor = database.cursor()  # Django's checks: connect, health check, thread, debug wrapper
        kept = (cursor, database.connection, database.queries_logged)
        setattr(database, _KEPT, kept)
    return _Kept(kept[0])


def _reusable(database: BaseDatabaseWrapper, cursor: CursorWrapper, raw: Any, logged: bool) -> bool:
    return (
        database.connection is raw  # the same open connection (closing sets None, a reconnect makes a new one)
        and (database.health_check_done or not database.health_check_enabled)
        and database.queries_logged == logged
        and not getattr(cursor.cursor, "closed", False)
    )
