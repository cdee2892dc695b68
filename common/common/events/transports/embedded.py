"""The embedded bus: an SQLite file (``settings.EVENT_BUS_PATH``) used as a log, for the local run (`make run`).

Every service on the machine appends to and reads from the same file, so the outbox, relay and inbox
work exactly as with a broker: the relay appends a row per event (a commit is the confirmation), and
each consuming service keeps its own cursor (``<namespace><service>``) that advances only after the
handler committed or the message was dead-lettered.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import orjson
from django.conf import settings

from common.events import routing
from common.events.consumer import Handler
from common.events.outbox.models import OutboxMessage
from common.events.transports.base import ConsumeLimits, process_with_retries

logger = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS bus_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace TEXT NOT NULL,
    event_type TEXT NOT NULL,
    event_key TEXT NOT NULL,
    body BLOB NOT NULL,
    appended_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS bus_messages_namespace_id ON bus_messages (namespace, id);
CREATE TABLE IF NOT EXISTS bus_cursors (consumer_group TEXT PRIMARY KEY, position INTEGER NOT NULL);
"""
POLL_INTERVAL_SECONDS = 0.1
READ_BATCH = 100


def bus_connect(path: str | None = None) -> sqlite3.Connection:
    """Open the bus file (creating it and its tables), in autocommit mode with WAL for concurrency."""
    path = path or str(settings.EVENT_BUS_PATH)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.executescript(SCHEMA)
    return connection


class EmbeddedPublisher:
    name = routing.EMBEDDED

    def __init__(self) -> None:
        self._connection: sqlite3.Connection | None = None

    def send(self, rows: Sequence[OutboxMessage]) -> dict[int, str | None]:
        try:
            if self._connection is None:
                self._connection = bus_connect()
            now = time.time()
            with self._transaction(self._connection):
                self._connection.executemany(
                    "INSERT INTO bus_messages (namespace, event_type, event_key, body, appended_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(routing.namespace(), row.event_type, row.key, orjson.dumps(row.envelope), now) for row in rows],
                )
        except sqlite3.Error as error:
            self.close()
            return {row.pk: f"embedded bus unavailable: {error}" for row in rows}
        return {row.pk: None for row in rows}

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()

    @staticmethod
    @contextlib.contextmanager
    def _transaction(connection: sqlite3.Connection):
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


class EmbeddedConsumer:
    """Reads the bus after the service's cursor, applies each message, then advances the cursor."""

    def __init__(self, *, service: str, handlers: Mapping[str, Handler]) -> None:
        self.service = service
        self.handlers = handlers
        self.group = routing.consumer_group(service)
        self.event_types = sorted(t for t in handlers if routing.transport_for(t) == routing.EMBEDDED)

    def run(self, limits: ConsumeLimits) -> int:
        if not self.event_types:
            return 0
        connection = bus_connect()
        try:
            while not limits.done():
                batch = self._read(connection)
                if not batch:
                    time.sleep(POLL_INTERVAL_SECONDS)
                    continue
                for message_id, body in batch:
                    if limits.done():
                        break
                    source = f"embedded:{self.group}@{message_id}"
                    if process_with_retries(body, handlers=self.handlers, source=source, stop=limits.stop) is None:
                        break  # stopping while a retry waited: the cursor stays
                    connection.execute(
                        "INSERT INTO bus_cursors (consumer_group, position) VALUES (?, ?) "
                        "ON CONFLICT (consumer_group) DO UPDATE SET position = excluded.position",
                        (self.group, message_id),
                    )
                    limits.count()
        finally:
            connection.close()
        return limits.processed

    def _read(self, connection: sqlite3.Connection) -> list[tuple[int, bytes]]:
        row = connection.execute("SELECT position FROM bus_cursors WHERE consumer_group = ?", (self.group,)).fetchone()
        placeholders = ", ".join("?" for _ in self.event_types)
        return connection.execute(
            f"SELECT id, body FROM bus_messages WHERE namespace = ? AND id > ? AND event_type IN ({placeholders}) "  # noqa: S608
            "ORDER BY id LIMIT ?",
            (routing.namespace(), row[0] if row else 0, *self.event_types, READ_BATCH),
        ).fetchall()
