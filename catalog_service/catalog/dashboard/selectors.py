"""Reads of the catalog admin's home: low stock (emptiest first), lots expiring soon, products without
photos (zero-result searches come from ``catalog.shopper_activity.selectors``)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, F, OuterRef, QuerySet
from django.utils import timezone

from catalog.inventory.models import Stock, StockLot
from catalog.products.models import Product, ProductImage


def low_stock(*, limit: int) -> tuple[int, list[Stock]]:
    """How many SKUs are at or below their threshold, and the ``limit`` emptiest (``available_units``)."""
    rows = (
        Stock.objects.annotate(available_units=F("on_hand") - F("reserved") - F("unsellable"))
        .filter(available_units__lte=F("low_stock_threshold"))
        .select_related("variant__product")
        .order_by("available_units", "variant__sku")
    )
    return rows.count(), list(rows[:limit])


def lots_expiring(*, within_days: int, limit: int) -> tuple[int, list[StockLot]]:
    """Unblocked lots with units that expire within ``within_days`` (expired ones included), first first."""
    until = timezone.localdate() + timedelta(days=within_days)
    rows = (
        StockLot.objects.filter(blocked_at__isnull=True, on_hand__gt=0, expires_on__lte=until)
        .select_related("stock__variant")
        .order_by("expires_on", "code")
    )
    return rows.count(), list(rows[:limit])


def products_without_images() -> QuerySet[Product]:
    return Product.objects.filter(~Exists(ProductImage.objects.filter(product=OuterRef("pk")))).order_by("name")
