"""Vouchers (codes a shopper types), automatic promotions, a cart's codes and the uses of each voucher.

The rules themselves are applied by ``orders.promotions.engine`` (pure); these rows only hold them.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.carts.models import Cart
from orders.promotions.engine import PromotionKind, VoucherKind


def _slugs(verbose_name, help_text):
    """A list of slugs (JSON, so the SQLite fallback works too); the admin edits it comma-separated."""
    return models.JSONField(default=list, blank=True, verbose_name=verbose_name, help_text=help_text)


class ScopedRule(models.Model):
    """What vouchers and promotions share: a name, a validity window, a minimum and the lines they reach."""

    name = models.CharField(_("name"), max_length=200)
    active = models.BooleanField(_("active"), default=True)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True)
    min_subtotal = models.DecimalField(
        _("minimum subtotal"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    brands = _slugs(_("brands"), _("Brand slugs, separated by commas. Empty: every brand."))
    categories = _slugs(_("categories"), _("Category slugs (sub-categories included), separated by commas."))
    skus = _slugs(_("SKUs"), _("SKUs, separated by commas."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class Voucher(ScopedRule):
    """A code the shopper types at the cart. ``uses_count`` is the counter checkout locks and raises."""

    class Kind(models.TextChoices):
        PERCENT = VoucherKind.PERCENT, _("Percent off")
        FIXED = VoucherKind.FIXED, _("Fixed amount off")
        FREE_SHIPPING = VoucherKind.FREE_SHIPPING, _("Free shipping")

    code = models.CharField(_("code"), max_length=40, unique=True, help_text=_("Stored in capitals."))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    value = models.DecimalField(
        _("value"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text=_("Percent (10 = 10 %) or amount in BRL; ignored for free shipping."),
    )
    usage_limit = models.PositiveIntegerField(_("total uses"), null=True, blank=True, help_text=_("Empty: no limit."))
    per_customer_limit = models.PositiveIntegerField(
        _("uses per customer"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    uses_count = models.PositiveIntegerField(_("uses so far"), default=0, editable=False)
    first_purchase_only = models.BooleanField(_("first purchase only"), default=False)
    combines_with_promotions = models.BooleanField(
        _("combines with promotions"),
        default=True,
        help_text=_("Unticked: the code leaves out items already discounted by a quantity tier."),
    )
    release_on_cancel = models.BooleanField(
        _("uses come back on cancellation"),
        default=True,
        help_text=_("A cancelled or returned order gives its use of the code back."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(usage_limit__isnull=True) | models.Q(uses_count__lte=models.F("usage_limit")),
                name="voucher_uses_within_limit",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs):
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class Promotion(ScopedRule):
    """An automatic promotion: no code, it applies whenever the cart qualifies."""

    class Kind(models.TextChoices):
        QUANTITY_TIER = PromotionKind.QUANTITY_TIER, _("Quantity tier (buy X pay Y)")
        GIFT = PromotionKind.GIFT, _("Gift with purchase")
        SAMPLE = PromotionKind.SAMPLE, _("Free sample")
        PAYMENT_METHOD = PromotionKind.PAYMENT_METHOD, _("Payment method discount (Pix)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    buy_quantity = models.PositiveIntegerField(_("buy"), default=0, help_text=_('Quantity tier: "buy 3" ...'))
    pay_quantity = models.PositiveIntegerField(_("pay"), default=0, help_text=_('... "pay 2".'))
    gift_sku = models.CharField(
        _("gift SKU"), max_length=64, blank=True, help_text=_("A catalog SKU marked gift or sample.")
    )
    gift_quantity = models.PositiveIntegerField(_("gift quantity"), default=1)
    percent = models.DecimalField(
        _("percent"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    payment_method = models.CharField(
        _("payment method"),
        max_length=20,
        blank=True,
        choices=[("pix", _("Pix")), ("boleto", _("Boleto")), ("card", _("Card"))],
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("automatic promotion")
        verbose_name_plural = _("automatic promotions")

    def __str__(self) -> str:
        return self.name


class CartVoucher(models.Model):
    """A code the shopper applied to a cart (kept while the cart lives; re-checked at every pricing)."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="vouchers")
    voucher = models.ForeignKey(Voucher, on_delete=models.CASCADE, related_name="cart_links")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["cart", "voucher"], name="cart_voucher_unique")]

    def __str__(self) -> str:
        return f"{self.voucher_id} on cart {self.cart_id}"


class VoucherUse(models.Model):
    """One order's use of a voucher; ``released_at`` once the order gave it back (cancel, return)."""

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="uses", verbose_name=_("voucher"))
    # Orders' order id (the order is above this app: no foreign key back into it).
    order_id = models.BigIntegerField(_("order id"), db_index=True)
    customer_key = models.CharField(_("customer"), max_length=300, db_index=True)  # "user:<id>" / "email:<addr>"
    amount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    released_at = models.DateTimeField(_("given back at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("voucher use")
        verbose_name_plural = _("voucher uses")
        constraints = [models.UniqueConstraint(fields=["voucher", "order_id"], name="voucher_use_once_per_order")]

    def __str__(self) -> str:
        return f"{self.voucher_id} in order {self.order_id}"
