"""The transactional outbox: one row per event, written in the same transaction as the change."""

from __future__ import annotations

import uuid

from django.db import models


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pendente"
        SENT = "sent", "Enviada"
        FAILED = "failed", "Falhou (parada)"

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=100, db_index=True)
    version = models.PositiveSmallIntegerField(default=1)
    key = models.CharField(max_length=200)
    envelope = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    failures = models.PositiveIntegerField(
        default=0, help_text="Failed sends of this row alone (a broker outage does not count)"
    )
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="A row that failed on its own waits until then (per-row backoff)"
    )
    failed_at = models.DateTimeField(null=True, blank=True, help_text="When the row was parked")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"], name="outbox_status_id_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} ({self.status})"
