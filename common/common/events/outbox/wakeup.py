"""Waking the relay as soon as a row is committed (PostgreSQL ``LISTEN``/``NOTIFY``).

``outbox_publish`` notifies ``outbox_pending`` in the writer's transaction (``pg_notify`` in the row's
own ``INSERT ... RETURNING``); PostgreSQL delivers it only at commit (and never on rollback). The relay
waits on a dedicated listening connection instead of sleeping a full poll interval, so commit-to-broker
latency does not pay the poll. On SQLite, or if the listening connection fails, the relay simply sleeps
the poll interval.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

CHANNEL = "outbox_pending"
DEFAULT_LINGER_SECONDS = 0.02
DEFAULT_BUSY_LINGER_SECONDS = 0.06
DEFAULT_IDLE_POLL_SECONDS = 1.0
BUSY_WAKEUPS_APART = 4  # woken again within 4 busy lingers of the last wake-up: a steady stream of commits


def relay_idle_poll_seconds() -> float:
    """How often an idle relay whose LISTEN works still polls (``EVENTS_RELAY_IDLE_POLL_SECONDS``, 1):
    for rows whose own backoff ran out, which no commit announces."""
    return max(float(getattr(settings, "EVENTS_RELAY_IDLE_POLL_SECONDS", DEFAULT_IDLE_POLL_SECONDS)), 0.0)


def relay_linger_seconds() -> float:
    """How long a woken relay waits for more commits before claiming (bounded: at most 0.5 s)."""
    return min(max(float(getattr(settings, "EVENTS_RELAY_LINGER_SECONDS", DEFAULT_LINGER_SECONDS)), 0.0), 0.5)


def relay_busy_linger_seconds() -> float:
    """How long a relay woken again soon after its last wake-up lingers (``EVENTS_RELAY_BUSY_LINGER_SECONDS``,
    0.06; at least the linger, at most 0.5 s): under a steady stream of commits a batch then gathers a few
    of them instead of one or two, and each batch costs a claim, a publish with its confirms and a mark."""
    busy = float(getattr(settings, "EVENTS_RELAY_BUSY_LINGER_SECONDS", DEFAULT_BUSY_LINGER_SECONDS))
    return min(max(busy, relay_linger_seconds()), 0.5)


def notify_pending() -> None:
    """Tell listening relays a row is coming (delivered at commit); a no-op outside PostgreSQL."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")


class PollingWaiter:
    """Sleeps the poll interval (or until ``stop``): SQLite, and tests that count the relay's waits."""

    def __init__(self, stop: threading.Event) -> None:
        self.stop = stop

    def wait(self, timeout: float) -> None:
        self.stop.wait(timeout)

    def listening(self) -> bool:
        """Whether a commit's notification wakes this waiter (then idle polling can be rare)."""
        return False

    def close(self) -> None:
        """Nothing to release."""


class PendingWaiter(PollingWaiter):
    """Waits up to ``timeout`` seconds for a commit notification, or for ``stop``.

    Woken, it lingers ``linger`` seconds more (``EVENTS_RELAY_LINGER_SECONDS``, 0.02) gathering the
    notifications of the commits right behind the first, then drains every one: a burst of commits is
    claimed as one batch instead of one tiny batch per commit. Woken again soon after the last wake-up (a
    steady stream of commits, as checkouts under load make), it lingers ``busy_linger`` instead
    (``EVENTS_RELAY_BUSY_LINGER_SECONDS``, 0.06): fewer, larger batches for a few tens of milliseconds of
    latency, while the first commit after a quiet spell still goes out after ``linger``.
    """

    def __init__(self, stop: threading.Event, *, linger: float | None = None, busy_linger: float | None = None) -> None:
        super().__init__(stop)
        self._listener = None
        self._enabled = connection.vendor == "postgresql"
        self.linger = relay_linger_seconds() if linger is None else linger
        if busy_linger is None:  # a linger given alone (tests) is used for every wake-up
            busy_linger = relay_busy_linger_seconds() if linger is None else self.linger
        self.busy_linger = max(self.linger, busy_linger)
        self.wakeups = 0  # how many notifications woke the relay (tests, metrics)
        self._woken_at: float | None = None

    def linger_for(self, now: float) -> float:
        """How long to linger after a wake-up at ``now`` (``time.monotonic()``), remembering it."""
        busy = self._woken_at is not None and now - self._woken_at < BUSY_WAKEUPS_APART * self.busy_linger
        self._woken_at = now
        return self.busy_linger if busy else self.linger

    def wait(self, timeout: float) -> None:
        if not self._enabled or self.stop.is_set():
            self.stop.wait(timeout)
            return
        try:
            listener = self._listen()
            woken = False
            for _notify in listener.notifies(timeout=timeout, stop_after=1):
                woken = True
            if woken:
                self.wakeups += 1
                linger = self.linger_for(time.monotonic())
                if linger > 0:
                    for _notify in listener.notifies(timeout=linger):  # the commits right behind it
                        pass
            for _notify in listener.notifies(timeout=0):  # drain: one batch serves every pending row
                pass
        except Exception:
            logger.warning("outbox listener failed; falling back to polling", exc_info=True)
            self.close()
            self.stop.wait(timeout)

    def listening(self) -> bool:
        return self._enabled and self._listener is not None and not self._listener.closed

    def close(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()

    def _listen(self):
        if self._listener is None or self._listener.closed:
            import psycopg

            database = connection.settings_dict
            self._listener = psycopg.connect(
                dbname=database["NAME"],
                user=database["USER"] or None,
                password=database["PASSWORD"] or None,
                host=database["HOST"] or None,
                port=database["PORT"] or None,
                autocommit=True,
                connect_timeout=5,
            )
            self._listener.execute(f"LISTEN {CHANNEL}")
        return self._listener
