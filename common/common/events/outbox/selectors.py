"""Reads of the outbox: what the relay must send next, and the figures its metrics show."""

from __future__ import annotations

from django.db.models import Min, QuerySet
from django.utils import timezone

from common.events.outbox.models import OutboxMessage


def outbox_pending() -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).order_by("id")


def outbox_backlog() -> tuple[int, float]:
    """The number of pending rows and the age in seconds of the oldest one (0 when none)."""
    pending = outbox_pending()
    count = pending.count()
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    return count, max(age, 0.0)
