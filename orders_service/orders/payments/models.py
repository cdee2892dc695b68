"""Payment sessions, the money movements recorded for orders, received webhooks, and the sandbox PSP."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PaymentMethod(models.TextChoices):
    """How the shopper pays, chosen at checkout (API.md ``payment_method``)."""

    CARD = "card", _("Credit card")
    PIX = "pix", _("Pix")
    BOLETO = "boleto", _("Boleto")


class PaymentSession(models.Model):
    """The order's payment page: known at checkout, payable once the stock is reserved, until ``expires_at``.

    ``creating``: the stock is reserved and the session committed, the provider call (a Pix charge or a
    boleto at the PSP) has not answered yet; it runs after the commit, outside any transaction, under a key
    derived from ``token``, and the housekeeping loop retries it (``payment_sessions_open_pending``).

    Carries the shopper's method and, once the provider opened it, what the shopper pays with: the Pix
    copy-and-paste code, the boleto's digitable line and due date, or the chosen card installment plan.
    """

    class Status(models.TextChoices):
        WAITING_FOR_STOCK = "waiting_for_stock", _("Waiting for stock")
        CREATING = "creating", _("Being created at the provider")
        OPEN = "open", _("Open")
        PAID = "paid", _("Paid")
        CLOSED = "closed", _("Closed")

    order = models.OneToOneField(
        "orders.Order", verbose_name=_("order"), on_delete=models.CASCADE, related_name="payment_session"
    )
    provider = models.CharField(verbose_name=_("provider"), max_length=30)
    token = models.CharField(verbose_name=_("token"), max_length=64, unique=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=Status.choices, default=Status.WAITING_FOR_STOCK
    )
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="BRL")
    provider_reference = models.CharField(
        verbose_name=_("provider reference"), max_length=100, blank=True, db_index=True
    )
    expires_at = models.DateTimeField(verbose_name=_("expires at"), null=True, blank=True, db_index=True)
    method = models.CharField(
        verbose_name=_("method"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.CARD
    )
    # Card: the installment plan chosen at checkout (common.brazil.installments); the shop receives
    # ``amount``, interest beyond the interest-free plans is the card issuer's (``installment_total``).
    installments = models.PositiveSmallIntegerField(verbose_name=_("installments"), default=1)
    installment_amount = models.DecimalField(
        verbose_name=_("installment amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    installment_total = models.DecimalField(
        verbose_name=_("installment total"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    # Pix: the BR Code ("copia e cola") of the charge and its txid.
    pix_copy_paste = models.TextField(verbose_name=_("Pix copy and paste"), blank=True)
    pix_txid = models.CharField(verbose_name=_("Pix txid"), max_length=35, blank=True)
    # Boleto: the 47-digit digitable line and the due date (the slip is rendered from them).
    boleto_digitable_line = models.CharField(verbose_name=_("boleto digitable line"), max_length=60, blank=True)
    boleto_due_date = models.DateField(verbose_name=_("boleto due date"), null=True, blank=True)
    # How often the provider was asked to open the session, and its last refusal (``creating`` only).
    provider_attempts = models.PositiveIntegerField(verbose_name=_("provider attempts"), default=0)
    provider_error = models.CharField(verbose_name=_("provider error"), max_length=300, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment session")
        verbose_name_plural = _("payment sessions")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.method} session of order {self.order_id} ({self.status})"


class PaymentTransaction(models.Model):
    """A charge or refund as the provider reported it; the audit trail support reads in the admin."""

    class Kind(models.TextChoices):
        CHARGE = "charge", _("Charge")
        REFUND = "refund", _("Refund")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending (refund requested, not yet confirmed by the provider)")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.CASCADE, related_name="payments"
    )
    provider = models.CharField(verbose_name=_("provider"), max_length=30)
    kind = models.CharField(verbose_name=_("kind"), max_length=10, choices=Kind.choices)
    status = models.CharField(verbose_name=_("status"), max_length=10, choices=Status.choices, db_index=True)
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="BRL")
    provider_reference = models.CharField(
        verbose_name=_("provider reference"), max_length=100, blank=True, db_index=True
    )
    failure_code = models.CharField(verbose_name=_("failure code"), max_length=60, blank=True)
    note = models.CharField(verbose_name=_("note"), max_length=300, blank=True)
    # On a refund: the key the provider de-duplicates its retries by, and how often it was sent.
    idempotency_key = models.CharField(verbose_name=_("idempotency key"), max_length=80, blank=True)
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"), default=0)
    # On a refund: the charge it gives (part of) back. A charge may have several partial refunds; together
    # they never exceed its amount (checked under the charge's row lock, ``payment_refund_request``).
    refund_of = models.ForeignKey(
        "self", verbose_name=_("refund of"), null=True, blank=True, on_delete=models.PROTECT, related_name="refunds"
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment transaction")
        verbose_name_plural = _("payment transactions")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} ({self.status})"


class WebhookReceipt(models.Model):
    """A provider event id already processed: a redelivered webhook changes nothing."""

    provider = models.CharField(verbose_name=_("provider"), max_length=30)
    event_id = models.CharField(verbose_name=_("event id"), max_length=100)
    event_type = models.CharField(verbose_name=_("event type"), max_length=60)
    received_at = models.DateTimeField(verbose_name=_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook receipt")
        verbose_name_plural = _("webhook receipts")
        ordering = ["-id"]
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_receipt_unique_event")]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_type} {self.event_id}"


class SandboxCharge(models.Model):
    """The sandbox PSP's own ledger of charges, card, Pix or boleto (what a real PSP keeps on its side)."""

    reference = models.CharField(verbose_name=_("reference"), max_length=40, unique=True)
    session_reference = models.CharField(verbose_name=_("session reference"), max_length=100, db_index=True)
    order_number = models.CharField(verbose_name=_("order number"), max_length=32, db_index=True)
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="BRL")
    succeeded = models.BooleanField(verbose_name=_("succeeded"))
    method = models.CharField(verbose_name=_("method"), max_length=10, default="card")
    card_last4 = models.CharField(verbose_name=_("card last 4 digits"), max_length=4, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox charge")
        verbose_name_plural = _("sandbox charges")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} {self.currency}"


class SandboxRefund(models.Model):
    """A refund (a Pix "devolução" for Pix) in the sandbox PSP's ledger, de-duplicated by its idempotency key."""

    charge = models.ForeignKey(
        SandboxCharge, verbose_name=_("charge"), on_delete=models.PROTECT, related_name="refunds"
    )
    reference = models.CharField(verbose_name=_("reference"), max_length=40, unique=True)
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=12, decimal_places=2)
    # The key of the refund request: a retry with it gets the same refund back and moves no more money.
    idempotency_key = models.CharField(verbose_name=_("idempotency key"), max_length=80, unique=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox refund")
        verbose_name_plural = _("sandbox refunds")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.amount} of {self.charge_id}"


class PaymentDispute(models.Model):
    """A chargeback or dispute the provider notified (the card holder contests a charge); support sees it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won by the shop")
        LOST = "lost", _("Lost (money returned to the customer)")

    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.CASCADE, related_name="disputes"
    )
    provider = models.CharField(verbose_name=_("provider"), max_length=30)
    charge_reference = models.CharField(verbose_name=_("charge reference"), max_length=100)
    reference = models.CharField(verbose_name=_("reference"), max_length=100)
    amount = models.DecimalField(verbose_name=_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="BRL")
    reason = models.CharField(verbose_name=_("reason"), max_length=200, blank=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    opened_at = models.DateTimeField(verbose_name=_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment dispute")
        verbose_name_plural = _("payment disputes")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "reference"], name="payment_dispute_unique_reference")
        ]

    def __str__(self) -> str:
        return f"dispute {self.reference} ({self.status})"


class SandboxWebhook(models.Model):
    """A webhook the sandbox PSP owes this service; resent with backoff until answered 2xx."""

    event_id = models.CharField(verbose_name=_("event id"), max_length=40, unique=True)
    event_type = models.CharField(verbose_name=_("event type"), max_length=60)
    payload = models.JSONField(verbose_name=_("payload"))
    deliver_after = models.DateTimeField(verbose_name=_("deliver after"), db_index=True)
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"), default=0)
    last_error = models.CharField(verbose_name=_("last error"), max_length=300, blank=True)
    # Set when the sandbox stopped trying (``SANDBOX_WEBHOOK_MAX_ATTEMPTS`` answered with anything but 2xx).
    abandoned_at = models.DateTimeField(verbose_name=_("abandoned at"), null=True, blank=True)
    delivered_at = models.DateTimeField(verbose_name=_("delivered at"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox webhook")
        verbose_name_plural = _("sandbox webhooks")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
