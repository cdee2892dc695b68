"""The email log: one row per email to send, the claim that makes the send happen once."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailKind(models.TextChoices):
    WELCOME = "welcome", _("Welcome")
    PASSWORD_RESET = "password_reset", _("Password reset link")
    ORDER_CONFIRMATION = "order_confirmation", _("Order confirmation")
    ORDER_SHIPPED = "order_shipped", _("Order shipped")
    ORDER_CANCELLED = "order_cancelled", _("Order cancelled")
    ORDER_REJECTED = "order_rejected", _("Order rejected (out of stock)")
    REPORT_READY = "report_ready", _("Report ready")
    LOT_RECALL = "lot_recall", _("Product recall (lot)")
    ORDER_RETURN = "order_return", _("Order return (each step)")


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class EmailLog(models.Model):
    """An email to send or sent. ``dedup_key`` is the business key (order number, user id) or the event id.

    The unique (kind, dedup_key, recipient) makes a redelivered event a no-op; the status is the claim a
    worker takes before talking to the mail server, so a duplicated task does not send twice.
    """

    kind = models.CharField(verbose_name=_("kind"), max_length=40, choices=EmailKind.choices)
    dedup_key = models.CharField(verbose_name=_("dedup key"), max_length=100)
    recipient = models.EmailField(verbose_name=_("recipient"), max_length=254)
    event_id = models.UUIDField(
        verbose_name=_("event id"), null=True, blank=True, db_index=True, help_text=_("The event that asked for it")
    )
    language = models.CharField(verbose_name=_("language"), max_length=10, default="pt-br")
    context = models.JSONField(
        verbose_name=_("context"), default=dict, blank=True, help_text=_("Values the templates are rendered with")
    )
    report = models.ForeignKey(
        "reports.Report",
        verbose_name=_("report"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="emails",
    )
    correlation_id = models.CharField(verbose_name=_("correlation id"), max_length=64, blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING
    )
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"), default=0)
    subject = models.CharField(verbose_name=_("subject"), max_length=255, blank=True)
    last_error = models.TextField(verbose_name=_("last error"), blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(verbose_name=_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(verbose_name=_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("email log")
        verbose_name_plural = _("email logs")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "dedup_key", "recipient"], name="email_log_unique_send"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="email_log_status_created")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.status})"
