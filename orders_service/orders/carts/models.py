"""Carts: a guest's (found by its token) or a signed-in shopper's (one per user id from the JWT)."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

# A cart line holds at most this many units of its SKU, and a whole cart at most this many units.
MAX_LINE_QUANTITY = 999
MAX_CART_QUANTITY = 999


class Cart(models.Model):
    token = models.UUIDField(verbose_name=_("token"), default=uuid.uuid4, unique=True, editable=False)
    # Accounts' user id from the JWT; null for a guest cart. One cart per shopper.
    user_id = models.BigIntegerField(verbose_name=_("user id"), null=True, blank=True, unique=True)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="BRL")
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"cart {self.token} (user {self.user_id})" if self.user_id else f"guest cart {self.token}"


class CartLine(models.Model):
    """A SKU in a cart with the price the shopper was shown; checkout compares it with the current one."""

    cart = models.ForeignKey(Cart, verbose_name=_("cart"), on_delete=models.CASCADE, related_name="lines")
    sku = models.CharField(verbose_name=_("SKU"), max_length=64)
    name = models.CharField(verbose_name=_("name"), max_length=400)
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    unit_price = models.DecimalField(verbose_name=_("unit price"), max_digits=12, decimal_places=2)
    added_at = models.DateTimeField(verbose_name=_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "sku"], name="cart_line_unique_sku"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="cart_line_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.sku}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity
