"""The email log: one row per email to send, the claim that makes the send happen once."""

from __future__ import annotations

from django.db import models


class EmailKind(models.TextChoices):
    WELCOME = "welcome", "Welcome"
    PASSWORD_RESET = "password_reset", "Password reset link"
    ORDER_CONFIRMATION = "order_confirmation", "Order confirmation"
    ORDER_SHIPPED = "order_shipped", "Order shipped"
    ORDER_CANCELLED = "order_cancelled", "Order cancelled"
    ORDER_REJECTED = "order_rejected", "Order rejected (out of stock)"
    REPORT_READY = "report_ready", "Report ready"
    LOT_RECALL = "lot_recall", "Product recall (lot)"
    ORDER_RETURN = "order_return", "Order return (each step)"


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class EmailLog(models.Model):
    """An email to send or sent. ``dedup_key`` is the business key (order number, user id) or the event id.

    The unique (kind, dedup_key, recipient) makes a redelivered event a no-op; the status is the claim a
    worker takes before talking to the mail server, so a duplicated task does not send twice.
    """

    kind = models.CharField(max_length=40, choices=EmailKind.choices)
    dedup_key = models.CharField(max_length=100)
    recipient = models.EmailField(max_length=254)
    event_id = models.UUIDField(null=True, blank=True, db_index=True, help_text="The event that asked for it")
    language = models.CharField(max_length=10, default="pt-br")
    context = models.JSONField(default=dict, blank=True, help_text="Values the templates are rendered with")
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.CASCADE, related_name="emails")
    correlation_id = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    subject = models.CharField(max_length=255, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "dedup_key", "recipient"], name="email_log_unique_send"),
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="email_log_status_created")]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.status})"
