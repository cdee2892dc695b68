"""Retention of the events tables: what the backbone keeps, and for how long.

``events_prune()`` deletes, per service database:

- sent outbox rows sent more than ``EVENTS_OUTBOX_RETENTION_DAYS`` [7] ago (parked rows are kept
  until an operator retries or discards them);
- inbox rows (``ProcessedEvent``) processed more than ``EVENTS_INBOX_RETENTION_DAYS`` [30] ago. The
  inbox is what makes a redelivery a no-op, so keep it longer than any message can be redelivered
  (a replay from the admin of something older than this would be applied again);
- dead letters replayed more than ``EVENTS_DEAD_LETTER_RETENTION_DAYS`` [30] ago (unresolved ones are
  kept until replayed or discarded);
- embedded-bus messages appended more than ``EVENTS_BUS_RETENTION_DAYS`` [7] ago (``make run`` only).

Every service's relay runs it every 10 minutes of its loop; ``manage.py events_prune`` runs it once (or
``--loop``) for a deployment that prefers a CronJob or Beat.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from common.events import routing
from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.events.outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

RETENTION_DEFAULTS = {
    "EVENTS_OUTBOX_RETENTION_DAYS": 7,
    "EVENTS_INBOX_RETENTION_DAYS": 30,
    "EVENTS_DEAD_LETTER_RETENTION_DAYS": 30,
    "EVENTS_BUS_RETENTION_DAYS": 7,
}


def retention(setting: str) -> timedelta:
    return timedelta(days=float(getattr(settings, setting, RETENTION_DEFAULTS[setting])))


def events_prune() -> dict[str, int]:
    """Delete what outlived its retention; returns how many rows per table."""
    now = timezone.now()
    outbox, _ = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENT, sent_at__lt=now - retention("EVENTS_OUTBOX_RETENTION_DAYS")
    ).delete()
    inbox, _ = ProcessedEvent.objects.filter(processed_at__lt=now - retention("EVENTS_INBOX_RETENTION_DAYS")).delete()
    dead_letters, _ = DeadLetter.objects.filter(
        replayed_at__lt=now - retention("EVENTS_DEAD_LETTER_RETENTION_DAYS")
    ).delete()
    return {"outbox": outbox, "inbox": inbox, "dead_letters": dead_letters, "bus": _prune_bus()}


def _prune_bus() -> int:
    """Old embedded-bus messages, when this process uses the bus and its file exists."""
    if routing.EMBEDDED not in routing.configured_transports():
        return 0
    path = Path(str(settings.EVENT_BUS_PATH))
    if not path.exists():
        return 0
    cutoff = time.time() - retention("EVENTS_BUS_RETENTION_DAYS").total_seconds()
    from common.events.transports.embedded import bus_connect

    connection = bus_connect(str(path))
    try:
        return connection.execute("DELETE FROM bus_messages WHERE appended_at < ?", (cutoff,)).rowcount
    except sqlite3.Error:
        logger.warning("could not prune the embedded bus", exc_info=True)
        return 0
    finally:
        connection.close()
