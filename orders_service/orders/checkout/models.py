"""Idempotency keys of checkout requests: the claim, the request fingerprint and the stored answer."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The longest Idempotency-Key accepted; a longer one is refused (400), never cut to fit.
IDEMPOTENCY_KEY_MAX_LENGTH = 255


class IdempotencyKey(models.Model):
    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    key = models.CharField(verbose_name=_("key"), max_length=IDEMPOTENCY_KEY_MAX_LENGTH, unique=True)
    # sha256 of the canonical request body plus who sent it (user id or guest cart token).
    fingerprint = models.CharField(verbose_name=_("fingerprint"), max_length=64)
    state = models.CharField(verbose_name=_("state"), max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    response_status = models.PositiveSmallIntegerField(verbose_name=_("response status"), null=True, blank=True)
    response_body = models.JSONField(verbose_name=_("response body"), null=True, blank=True)
    # The fence of the claim: raised by one on every takeover of an abandoned claim. A worker completes or
    # releases the key only while the version is still the one it claimed, so a stale worker can do neither.
    claim_version = models.PositiveIntegerField(verbose_name=_("claim version"), default=1)
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(verbose_name=_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.key} ({self.state})"
