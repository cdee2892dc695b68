"""The transactional outbox: one row per event, written in the same transaction as the change."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (parked)")

    event_id = models.UUIDField(verbose_name=_("event id"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(verbose_name=_("event type"), max_length=100, db_index=True)
    version = models.PositiveSmallIntegerField(verbose_name=_("version"), default=1)
    key = models.CharField(verbose_name=_("key"), max_length=200)
    envelope = models.JSONField(verbose_name=_("envelope"))
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"), default=0)
    last_error = models.TextField(verbose_name=_("last error"), blank=True)
    failures = models.PositiveIntegerField(
        verbose_name=_("failures"),
        default=0,
        help_text=_("Failed sends of this row alone (a broker outage does not count)"),
    )
    next_attempt_at = models.DateTimeField(
        verbose_name=_("next attempt at"),
        null=True,
        blank=True,
        help_text=_("A row that failed on its own waits until then (per-row backoff)"),
    )
    failed_at = models.DateTimeField(
        verbose_name=_("failed at"), null=True, blank=True, help_text=_("When the row was parked")
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(verbose_name=_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"], name="outbox_status_id_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} ({self.status})"
