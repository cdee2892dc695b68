"""Returns of delivered orders: which lines come back, why, and how far support has taken them."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved (waiting for the goods)")
    REJECTED = "rejected", _("Rejected")
    RECEIVED = "received", _("Received (waiting for the refund)")
    REFUNDED = "refunded", _("Refunded")


class ReturnCondition(models.TextChoices):
    """How the goods came back: sellable units go back on hand, damaged ones are written off (avaria)."""

    SELLABLE = "sellable", _("Sellable (back to stock)")
    DAMAGED = "damaged", _("Damaged (written off)")


class OrderReturn(models.Model):
    """A return of some lines of a delivered order; ``refund_amount`` is fixed when it is opened."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="returns", verbose_name=_("order"))
    status = models.CharField(
        _("status"), max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED, db_index=True
    )
    reason = models.CharField(_("reason"), max_length=500)
    rejection_reason = models.CharField(_("rejection reason"), max_length=500, blank=True)
    opened_by = models.CharField(_("opened by"), max_length=200)
    # Within the 7 days of CDC art. 49 (counted from delivery) the order's shipping goes back too, once.
    shipping_amount = models.DecimalField(_("shipping refunded"), max_digits=12, decimal_places=2, default=Decimal("0"))
    refund_amount = models.DecimalField(_("refund amount"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.order_id})"


class ReturnLine(models.Model):
    """Units of one order line that come back, at the price they were paid."""

    order_return = models.ForeignKey(
        OrderReturn, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order return")
    )
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.PROTECT, related_name="return_lines", verbose_name=_("order line")
    )
    sku = models.CharField(_("SKU"), max_length=64)
    name = models.CharField(_("name"), max_length=400)
    quantity = models.PositiveIntegerField(_("quantity"))
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    condition = models.CharField(_("condition"), max_length=10, choices=ReturnCondition.choices, blank=True)

    class Meta:
        verbose_name = _("returned line")
        verbose_name_plural = _("returned lines")
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gt=0), name="return_line_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"
