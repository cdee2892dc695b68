"""Orders, their lines (price snapshots), their status history and the order-number counter."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.orders.state_machine import OrderStatus


class Order(models.Model):
    number = models.CharField(verbose_name=_("number"), max_length=32, unique=True)
    user_id = models.BigIntegerField(verbose_name=_("user id"), null=True, blank=True, db_index=True)
    email = models.EmailField(verbose_name=_("email"), db_index=True)
    status = models.CharField(
        verbose_name=_("status"), max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING, db_index=True
    )
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="BRL")
    subtotal = models.DecimalField(verbose_name=_("subtotal"), max_digits=12, decimal_places=2)
    shipping = models.DecimalField(verbose_name=_("shipping"), max_digits=12, decimal_places=2)
    # The shipping method chosen at checkout (orders.shipping) as quoted then: its code, name and days.
    shipping_method = models.CharField(verbose_name=_("shipping method"), max_length=64, blank=True)
    shipping_method_name = models.CharField(verbose_name=_("shipping method name"), max_length=200, blank=True)
    shipping_days_min = models.PositiveSmallIntegerField(verbose_name=_("shipping days (min)"), null=True, blank=True)
    shipping_days_max = models.PositiveSmallIntegerField(verbose_name=_("shipping days (max)"), null=True, blank=True)
    # What promotions took off (lines and shipping): total = subtotal + shipping - discount_total.
    discount_total = models.DecimalField(verbose_name=_("discount total"), max_digits=12, decimal_places=2, default=0)
    # The discounts applied at checkout, as the shopper saw them: [{kind, code, reason, amount}].
    discounts = models.JSONField(verbose_name=_("discounts"), default=list, blank=True)
    total = models.DecimalField(verbose_name=_("total"), max_digits=12, decimal_places=2)
    shipping_address = models.JSONField(verbose_name=_("shipping address"), default=dict)
    tracking_code = models.CharField(verbose_name=_("tracking code"), max_length=64, blank=True)
    # Who carries the parcel and where the shopper follows it (entered by support when fulfilling).
    carrier = models.CharField(_("carrier"), max_length=60, blank=True)
    tracking_url = models.URLField(_("tracking link"), max_length=500, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)
    paid_at = models.DateTimeField(verbose_name=_("paid at"), null=True, blank=True)
    # The checkout request's correlation id: every event about this order carries it, so one purchase
    # can be followed through the logs of orders, catalog and tasks (HTTP, events, Celery tasks).
    correlation_id = models.CharField(verbose_name=_("correlation id"), max_length=128, blank=True, db_index=True)
    # A guest order's credential (given once in the checkout answer and in the confirmation email link):
    # the number alone is sequential and the email is no secret. Empty for signed-in shoppers' orders.
    # Never stored readable: its SHA-256 (compared in constant time, ``order_access_token_matches``), and
    # a copy sealed with common.sealing only for the emails that must carry the link (order_paid, resend).
    access_token_hash = models.CharField(verbose_name=_("access token hash"), max_length=64, blank=True)
    access_token_sealed = models.TextField(verbose_name=_("sealed access token"), blank=True)
    # When catalog was last asked to reserve the stock (checkout, or a retry of a pending order).
    reservation_requested_at = models.DateTimeField(verbose_name=_("reservation requested at"), null=True, blank=True)
    # The payer's CPF or CNPJ (normalised, common.brazil.documents), for invoices; required for Pix and
    # boleto. Never logged in full: logs, lists and emails show ``document_mask``.
    payer_document = models.CharField(verbose_name=_("payer document"), max_length=14, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user_id", "-created_at"], name="order_user_newest_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_guest_order(self) -> bool:
        return self.user_id is None and bool(self.access_token_hash)


class OrderLine(models.Model):
    """What was bought at which price: a snapshot, immune to later catalog changes."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(verbose_name=_("SKU"), max_length=64)
    name = models.CharField(verbose_name=_("name"), max_length=400)
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    unit_price = models.DecimalField(verbose_name=_("unit price"), max_digits=12, decimal_places=2)
    line_total = models.DecimalField(verbose_name=_("line total"), max_digits=12, decimal_places=2)
    # This line's share of the order's merchandise discounts, in centavos (the shares add up to them).
    discount = models.DecimalField(verbose_name=_("discount"), max_digits=12, decimal_places=2, default=0)
    # "gift" or "sample" for a line a promotion added at price zero; "" for a bought line.
    gift_kind = models.CharField(verbose_name=_("gift kind"), max_length=10, blank=True)
    lots = models.JSONField(
        _("lots"),
        default=list,
        blank=True,
        help_text=_("Lots catalog reserved for the line: [{lot, expires_on, quantity}] (recall by lot)."),
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"


class OrderStatusChange(models.Model):
    """One step of an order's life: who moved it from which status to which, when and why."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="history")
    from_status = models.CharField(
        verbose_name=_("from status"), max_length=20, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(verbose_name=_("to status"), max_length=20, choices=OrderStatus.choices)
    actor = models.CharField(verbose_name=_("actor"), max_length=200)
    note = models.CharField(verbose_name=_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order status change")
        verbose_name_plural = _("order status changes")
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

    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("order number")
        verbose_name_plural = _("order numbers")

    def __str__(self) -> str:
        return str(self.pk)
