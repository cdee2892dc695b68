"""Waiting for a PostgreSQL ``NOTIFY``: one listening connection and thread per process and channel.

A writer calls :func:`notify` inside its transaction (PostgreSQL delivers the notification at commit,
never on rollback). A request thread that wants to wait for "something happened to key K" does::

    with listener("order_status").watch(number) as watch:   # registered, and LISTEN is active
        ... read the current state; if it is already new, answer ...
        watch.wait(timeout)                                  # True when K was notified meanwhile

Registering before reading closes the lost-wake-up gap: a commit before the read is seen by the read,
a commit after it wakes the wait. Waiting costs no CPU and no database connection of the waiter's
own (the listening connection is shared by every waiter of the process). When the listener cannot
connect (or on SQLite) ``wait`` still returns after ``timeout``: callers re-read the state, so the
worst case is a poll at the bound, never a missed change.

Fork-safe: the thread and connection belong to the process that made them; a forked child (gunicorn
workers) starts its own on first use.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

logger = logging.getLogger(__name__)

READY_TIMEOUT_SECONDS = 2.0
RECONNECT_SECONDS = 1.0


def notify(channel: str, payload: str) -> None:
    """``NOTIFY channel, payload`` in the current transaction (delivered at commit); a no-op off PostgreSQL."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [channel, payload])


class Watch:
    def __init__(self) -> None:
        self.event = threading.Event()

    def wait(self, timeout: float) -> bool:
        """Block up to ``timeout`` seconds; True if the watched key was notified since the watch began."""
        return self.event.wait(max(0.0, timeout))


class ChannelListener:
    """The process's listener of one channel; threads register watches on payload keys."""

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self._lock = threading.Lock()
        self._watches: dict[str, set[Watch]] = defaultdict(set)
        self._ready = threading.Event()
        self._thread: threading.Thread | None = None
        self._settings = dict(connection.settings_dict)
        self._enabled = connection.vendor == "postgresql"
        self._stop = threading.Event()

    @contextmanager
    def watch(self, key: str) -> Iterator[Watch]:
        watch = Watch()
        with self._lock:
            self._watches[key].add(watch)
            self._start_locked()
        try:
            if self._enabled:
                self._ready.wait(READY_TIMEOUT_SECONDS)  # LISTEN active before the caller reads the state
            yield watch
        finally:
            with self._lock:
                watches = self._watches.get(key)
                if watches is not None:
                    watches.discard(watch)
                    if not watches:
                        del self._watches[key]

    def watching(self, key: str) -> int:
        """How many watches of this process are on ``key``."""
        with self._lock:
            return len(self._watches.get(key, ()))

    def waiting(self) -> int:
        with self._lock:
            return sum(len(watches) for watches in self._watches.values())

    def _start_locked(self) -> None:
        if not self._enabled or (self._thread is not None and self._thread.is_alive()):
            return
        self._thread = threading.Thread(target=self._run, name=f"pg-listen-{self.channel}", daemon=True)
        self._thread.start()

    def _wake(self, key: str) -> None:
        with self._lock:
            for watch in self._watches.get(key, ()):
                watch.event.set()

    def _wake_all(self) -> None:
        """After a reconnect: notifications may have been missed, so every waiter re-reads."""
        with self._lock:
            for watches in self._watches.values():
                for watch in watches:
                    watch.event.set()

    def close(self) -> None:
        """Stop the thread and close its connection (tests; a process simply exits)."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=5)
        self._wake_all()

    def _run(self) -> None:
        import psycopg

        first = True
        while not self._stop.is_set():
            try:
                database = self._settings
                with psycopg.connect(
                    dbname=database["NAME"],
                    user=database["USER"] or None,
                    password=database["PASSWORD"] or None,
                    host=database["HOST"] or None,
                    port=database["PORT"] or None,
                    autocommit=True,
                    connect_timeout=5,
                ) as listening:
                    listening.execute(f'LISTEN "{self.channel}"')
                    self._ready.set()
                    if not first:
                        self._wake_all()
                    first = False
                    while not self._stop.is_set():
                        for notification in listening.notifies(timeout=1.0):
                            self._wake(notification.payload)
            except Exception:
                self._ready.clear()
                logger.warning("listener of %s failed; reconnecting", self.channel, exc_info=True)
                self._wake_all()
                self._stop.wait(RECONNECT_SECONDS)
        self._ready.clear()


_listeners: dict[str, ChannelListener] = {}
_listeners_lock = threading.Lock()
_pid = {"value": os.getpid()}


def listener(channel: str) -> ChannelListener:
    """The process's listener of ``channel`` (made on first use, and again in a forked child)."""
    with _listeners_lock:
        if _pid["value"] != os.getpid():
            _listeners.clear()
            _pid["value"] = os.getpid()
        found = _listeners.get(channel)
        if found is None:
            found = _listeners[channel] = ChannelListener(channel)
        return found


def close_listeners() -> None:
    """Stop every listener of this process (tests: the test database can then be dropped)."""
    with _listeners_lock:
        found = list(_listeners.values())
        _listeners.clear()
    for each in found:
        each.close()


def _after_fork_in_child() -> None:
    global _listeners_lock
    _listeners_lock = threading.Lock()
    _listeners.clear()
    _pid["value"] = os.getpid()


os.register_at_fork(after_in_child=_after_fork_in_child)
