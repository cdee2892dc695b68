"""Orders' own copy of catalog's sellable variants: names, prices, published state, weight and size, fed by
events."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductVariant(models.Model):
    """One SKU as catalog last described it; carts and checkout price from this row, never from a client."""

    sku = models.CharField(verbose_name=_("SKU"), max_length=64, unique=True)
    product_id = models.BigIntegerField(verbose_name=_("product id"), db_index=True)
    product_slug = models.SlugField(verbose_name=_("product slug"), max_length=200)
    product_name = models.CharField(verbose_name=_("product name"), max_length=200)
    variant_name = models.CharField(verbose_name=_("variant name"), max_length=200, blank=True)
    brand = models.CharField(verbose_name=_("brand"), max_length=200, blank=True)
    # What promotions restricted to brands or categories look at (catalog's slugs; categories with ancestors).
    brand_slug = models.SlugField(verbose_name=_("brand slug"), max_length=100, blank=True)
    category_slugs = models.JSONField(verbose_name=_("category slugs"), default=list, blank=True)
    # "regular", "gift" or "sample": gifts and samples only come with a promotion.
    sale_mode = models.CharField(verbose_name=_("sale mode"), max_length=10, default="regular")
    price = models.DecimalField(verbose_name=_("price"), max_digits=12, decimal_places=2)
    currency = models.CharField(verbose_name=_("currency"), max_length=3, default="BRL")
    published = models.BooleanField(verbose_name=_("published"), default=False)
    # The packed unit as catalog measured it (0 = not measured): what shipping quotes weigh and size.
    weight_grams = models.PositiveIntegerField(verbose_name=_("weight (g)"), default=0)
    length_cm = models.DecimalField(verbose_name=_("length (cm)"), max_digits=5, decimal_places=1, default=Decimal("0"))
    width_cm = models.DecimalField(verbose_name=_("width (cm)"), max_digits=5, decimal_places=1, default=Decimal("0"))
    height_cm = models.DecimalField(verbose_name=_("height (cm)"), max_digits=5, decimal_places=1, default=Decimal("0"))
    # When catalog produced the snapshot this row reflects: older snapshots arriving late are ignored.
    source_occurred_at = models.DateTimeField(verbose_name=_("source occurred at"))
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("product variant")
        verbose_name_plural = _("product variants")
        ordering = ["sku"]

    def __str__(self) -> str:
        return f"{self.sku} {self.display_name}"

    @property
    def display_name(self) -> str:
        """What a cart line shows: the product name, plus the variant name when it says more."""
        if self.variant_name and self.variant_name != self.product_name:
            return f"{self.product_name} - {self.variant_name}"
        return self.product_name
