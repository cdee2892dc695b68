"""Reads of the outbox: what the relay must send next, and the figures its metrics show."""

from __future__ import annotations

from django.db.models import Min, Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone

from common.events.outbox.models import OutboxMessage


def outbox_pending() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).order_by("id")


def outbox_due() -> QuerySet[OutboxMessage]:
    """Pending rows the relay may send now: not waiting out their own backoff.

    "Now" is the database's clock at the statement (``Now()``: ``STATEMENT_TIMESTAMP()`` on PostgreSQL),
    so the claim has no parameter that changes and the relay compiles it once (``OutboxRelay``)."""
    return outbox_pending().filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=Now()))


def outbox_failed_count() -> int:
    """Rows parked after failing: they wait for an operator (admin: retry or discard)."""
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()


def outbox_backlog() -> tuple[int, float]:
    """The number of pending rows and the age in seconds of the oldest one (0 when none)."""
    pending = outbox_pending()
    count = pending.count()
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return count, max(age, 0.0)
