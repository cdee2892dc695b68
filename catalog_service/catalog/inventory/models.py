"""Stock per variant, the reservations that hold it for orders awaiting payment, and the stock ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.products.models import Variant


class Stock(models.Model):
    """Units of one variant. ``reserved`` always equals the sum of its active reservations.

    Available = on hand - reserved; the check constraints make a negative availability impossible
    whatever the concurrency, the conditional UPDATEs of ``catalog.inventory.services`` make it rare.
    """

    variant = models.OneToOneField(
        Variant, on_delete=models.CASCADE, related_name="stock", primary_key=True, verbose_name=_("variant")
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0, editable=False)
    unsellable = models.IntegerField(
        _("unsellable"),
        default=0,
        editable=False,
        help_text=_("Free units in blocked lots or lots close to expiry (not counted as available)."),
    )
    low_stock_threshold = models.PositiveIntegerField(_("low stock threshold"), default=5)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stocks")
        constraints = [
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(
                condition=models.Q(on_hand__gte=models.F("reserved")), name="stock_available_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(unsellable__gte=0, on_hand__gte=models.F("reserved") + models.F("unsellable")),
                name="stock_unsellable_within_on_hand",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku}: {self.available} available"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved - self.unsellable

    @property
    def is_low(self) -> bool:
        return self.available <= self.low_stock_threshold


class LowStock(Stock):
    """The merchandisers' low-stock list (a proxy: the admin shows only rows at or below threshold)."""

    class Meta:
        proxy = True
        verbose_name = _("low stock item")
        verbose_name_plural = _("low stock")


class StockLot(models.Model):
    """One production lot of a SKU on the shelf: its code, dates and units (on hand, held by reservations).

    A SKU's lots hold part or all of its ``Stock``; units received before lots existed (or without a lot)
    are the rest, "sem lote", sellable with no expiry. Every write of a lot holds its stock row's lock, so
    ``Stock.on_hand``/``reserved`` stay the sum of the lots plus the unlotted units. A lot is sellable
    while it is not blocked and its expiry is at least the minimum shelf life away
    (``catalog.inventory.lots``).
    """

    stock = models.ForeignKey(Stock, on_delete=models.CASCADE, related_name="lots", verbose_name=_("stock"))
    code = models.CharField(_("lot"), max_length=40)
    manufactured_on = models.DateField(_("manufactured on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"))
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    blocked_reason = models.CharField(_("blocked reason"), max_length=300, blank=True)
    customers_notified_at = models.DateTimeField(_("customers notified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("stock lot")
        verbose_name_plural = _("stock lots")
        ordering = ["expires_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["stock", "code"], name="one_lot_code_per_stock"),
            models.CheckConstraint(
                condition=models.Q(reserved__gte=0, on_hand__gte=models.F("reserved")), name="lot_reserved_within"
            ),
        ]
        indexes = [models.Index(fields=["expires_on"], name="stock_lot_expiry")]

    def __str__(self) -> str:
        return f"{self.code} (validade {self.expires_on:%d/%m/%Y})"

    @property
    def is_blocked(self) -> bool:
        return self.blocked_at is not None


class Reservation(models.Model):
    """One order line's hold on stock. Rejected lines are kept too, so a repeated request is a no-op."""

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMMITTED = "committed", _("Committed (paid)")
        RELEASED = "released", _("Released (order cancelled)")
        EXPIRED = "expired", _("Expired")
        REJECTED = "rejected", _("Rejected")

    order_number = models.CharField(_("order number"), max_length=40, db_index=True)
    sku = models.CharField(_("SKU"), max_length=64)
    variant = models.ForeignKey(
        Variant, null=True, on_delete=models.SET_NULL, related_name="reservations", verbose_name=_("variant")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    expires_at = models.DateTimeField(_("expires at"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.ACTIVE)
    customer_email = models.EmailField(
        _("customer email"), blank=True, help_text=_("From the paid order: to tell the customer about a lot recall.")
    )
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name_plural = _("reservations")
        verbose_name = _("reservation")
        ordering = ["order_number", "sku"]
        constraints = [models.UniqueConstraint(fields=["order_number", "sku"], name="one_reservation_per_order_sku")]
        indexes = [models.Index(fields=["state", "expires_at"], name="reservation_state_expiry")]

    def __str__(self) -> str:
        return f"{self.order_number} {self.sku} x{self.quantity} ({self.state})"


class ReservationLot(models.Model):
    """Which lot (FEFO) holds, then sold, a reservation's units; ``lot`` None: the unlotted units."""

    reservation = models.ForeignKey(
        Reservation, on_delete=models.CASCADE, related_name="allocations", verbose_name=_("reservation")
    )
    lot = models.ForeignKey(
        StockLot, null=True, on_delete=models.PROTECT, related_name="allocations", verbose_name=_("lot")
    )
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("reservation lot")
        verbose_name_plural = _("reservation lots")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.reservation.order_number} {self.lot or 'sem lote'} x{self.quantity}"


class StockMovement(models.Model):
    """One change of a SKU's units on hand: the stock ledger. Rows are only ever added, never edited.

    Every write of ``Stock.on_hand`` adds one (admin adjustment, sale, cancellation, CSV import, seed),
    in the transaction of the change, so a SKU's deltas add up to its on hand and ``on_hand_after``
    reads like a bank statement. Reservations are not movements (they hold units; the ``Reservation``
    rows record them); the sale is, when the reservation is committed. A movement of a lot names it
    (``lot``); None moves the unlotted units.
    """

    class Reason(models.TextChoices):
        RECEIVED = "received", _("Received")
        RETURNED = "returned", _("Customer return")
        DAMAGED = "damaged", _("Damaged")
        COUNTED = "counted", _("Stock count")
        CORRECTION = "correction", _("Correction")
        SALE = "sale", _("Sale (order paid)")
        CANCELLATION = "cancellation", _("Cancellation (back to stock)")
        IMPORT = "import", _("CSV import")
        SEED = "seed", _("Initial load")
        OPENING_BALANCE = "opening_balance", _("Opening balance")

    stock = models.ForeignKey(
        Stock, null=True, on_delete=models.SET_NULL, related_name="movements", verbose_name=_("stock")
    )
    sku = models.CharField(_("SKU"), max_length=64)
    lot = models.ForeignKey(
        StockLot, null=True, blank=True, on_delete=models.PROTECT, related_name="movements", verbose_name=_("lot")
    )
    delta = models.IntegerField(_("delta"))
    on_hand_after = models.IntegerField(_("on hand after"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reference = models.CharField(
        _("reference"), max_length=100, blank=True, help_text=_("Order, import or other origin of the movement.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["sku", "-id"], name="stock_movement_sku"),
            models.Index(fields=["reference"], name="stock_movement_reference"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.delta:+d} ({self.get_reason_display()})"
