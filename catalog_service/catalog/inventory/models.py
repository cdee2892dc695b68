"""Stock per variant and the reservations that hold it for orders awaiting payment."""

from __future__ import annotations

from django.db import models

from catalog.products.models import Variant


class Stock(models.Model):
    """Units of one variant. ``reserved`` always equals the sum of its active reservations.

    Available = on hand - reserved; the check constraints make a negative availability impossible
    whatever the concurrency, the conditional UPDATEs of ``catalog.inventory.services`` make it rare.
    """

    variant = models.OneToOneField(Variant, on_delete=models.CASCADE, related_name="stock", primary_key=True)
    on_hand = models.IntegerField(default=0)
    reserved = models.IntegerField(default=0, editable=False)
    low_stock_threshold = models.PositiveIntegerField(default=5)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "stock"
        constraints = [
            models.CheckConstraint(condition=models.Q(reserved__gte=0), name="stock_reserved_not_negative"),
            models.CheckConstraint(
                condition=models.Q(on_hand__gte=models.F("reserved")), name="stock_available_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.variant.sku}: {self.available} available"

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    @property
    def is_low(self) -> bool:
        return self.available <= self.low_stock_threshold


class LowStock(Stock):
    """The merchandisers' low-stock list (a proxy: the admin shows only rows at or below threshold)."""

    class Meta:
        proxy = True
        verbose_name = "low-stock item"
        verbose_name_plural = "low-stock list"


class Reservation(models.Model):
    """One order line's hold on stock. Rejected lines are kept too, so a repeated request is a no-op."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        COMMITTED = "committed", "Committed (paid)"
        RELEASED = "released", "Released"
        EXPIRED = "expired", "Expired"
        REJECTED = "rejected", "Rejected"

    order_number = models.CharField(max_length=40, db_index=True)
    sku = models.CharField("SKU", max_length=64)
    variant = models.ForeignKey(Variant, null=True, on_delete=models.SET_NULL, related_name="reservations")
    quantity = models.PositiveIntegerField()
    expires_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order_number", "sku"]
        constraints = [models.UniqueConstraint(fields=["order_number", "sku"], name="one_reservation_per_order_sku")]
        indexes = [models.Index(fields=["state", "expires_at"], name="reservation_state_expiry")]

    def __str__(self) -> str:
        return f"{self.order_number} {self.sku} x{self.quantity} ({self.state})"
