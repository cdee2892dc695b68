"""Idempotency keys of checkout requests: the claim, the request fingerprint and the stored answer."""

from __future__ import annotations

from django.db import models

# The longest Idempotency-Key accepted; a longer one is refused (400), never cut to fit.
IDEMPOTENCY_KEY_MAX_LENGTH = 255


class IdempotencyKey(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX_LENGTH, unique=True)
    # sha256 of the canonical request body plus who sent it (user id or guest cart token).
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    # The fence of the claim: raised by one on every takeover of an abandoned claim. A worker completes or
    # releases the key only while the version is still the one it claimed, so a stale worker can do neither.
    claim_version = models.PositiveIntegerField(default=1)
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
