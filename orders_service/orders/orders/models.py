"""Orders, their lines (price snapshots), their status history and the order-number counter."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.orders.state_machine import OrderStatus


class Order(models.Model):
    number = models.CharField(max_length=32, unique=True)
    user_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    email = models.EmailField(db_index=True)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING, db_index=True)
    currency = models.CharField(max_length=3, default="BRL")
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    shipping = models.DecimalField(max_digits=12, decimal_places=2)
    # The shipping method chosen at checkout (orders.shipping) as quoted then: its code, name and days.
    shipping_method = models.CharField(max_length=64, blank=True)
    shipping_method_name = models.CharField(max_length=200, blank=True)
    shipping_days_min = models.PositiveSmallIntegerField(null=True, blank=True)
    shipping_days_max = models.PositiveSmallIntegerField(null=True, blank=True)
    # What promotions took off (lines and shipping): total = subtotal + shipping - discount_total.
    discount_total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # The discounts applied at checkout, as the shopper saw them: [{kind, code, reason, amount}].
    discounts = models.JSONField(default=list, blank=True)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    shipping_address = models.JSONField(default=dict)
    tracking_code = models.CharField(max_length=64, blank=True)
    # Who carries the parcel and where the shopper follows it (entered by support when fulfilling).
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_url = models.URLField(_("tracking link"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    # The checkout request's correlation id: every event about this order carries it, so one purchase
    # can be followed through the logs of orders, catalog and tasks (HTTP, events, Celery tasks).
    correlation_id = models.CharField(max_length=128, blank=True, db_index=True)
    # A guest order's credential (given once in the checkout answer and in the confirmation email link):
    # the number alone is sequential and the email is no secret. Empty for signed-in shoppers' orders.
    # Never stored readable: its SHA-256 (compared in constant time, ``order_access_token_matches``), and
    # a copy sealed with common.sealing only for the emails that must carry the link (order_paid, resend).
    access_token_hash = models.CharField(max_length=64, blank=True)
    access_token_sealed = models.TextField(blank=True)
    # When catalog was last asked to reserve the stock (checkout, or a retry of a pending order).
    reservation_requested_at = models.DateTimeField(null=True, blank=True)
    # The payer's CPF or CNPJ (normalised, common.brazil.documents), for invoices; required for Pix and
    # boleto. Never logged in full: logs, lists and emails show ``document_mask``.
    payer_document = models.CharField(max_length=14, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user_id", "-created_at"], name="order_user_newest_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_guest_order(self) -> bool:
        return self.user_id is None and bool(self.access_token_hash)


class OrderLine(models.Model):
    """What was bought at which price: a snapshot, immune to later catalog changes."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=400)
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(max_digits=12, decimal_places=2)
    line_total = models.DecimalField(max_digits=12, decimal_places=2)
    # This line's share of the order's merchandise discounts, in centavos (the shares add up to them).
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # "gift" or "sample" for a line a promotion added at price zero; "" for a bought line.
    gift_kind = models.CharField(max_length=10, blank=True)
    lots = models.JSONField(
        "lotes",
        default=list,
        blank=True,
        help_text="Lotes que catalog reservou para a linha: [{lot, expires_on, quantity}] (recall por lote).",
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class OrderStatusChange(models.Model):
    """One step of an order's life: who moved it from which status to which, when and why."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    actor = models.CharField(max_length=200)
    note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.from_status or '-'} -> {self.to_status} by {self.actor}"


class OrderNote(models.Model):
    """An internal note of customer support on an order: never shown to the shopper."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notes", verbose_name=_("order"))
    author = models.CharField(_("author"), max_length=200)
    body = models.TextField(_("note"), max_length=2000)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.author}"


class OrderNumber(models.Model):
    """One row per order number handed out. Its id comes from the database's sequence, so concurrent
    checkouts get distinct numbers without waiting on each other (a rolled-back checkout leaves a gap)."""

    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.pk)
