"""Writes to products: every change goes through here so search data, events and the cache stay right.

The admin (``save_model``/``save_related``/actions), the CSV import and the seed call these functions.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from catalog.products.cache import catalog_cache_bump
from catalog.products.events import product_event_publish
from catalog.products.indexing import product_index_refresh
from catalog.products.models import Product, Variant

CENT = Decimal("0.01")


def product_save(*, product: Product) -> bool:
    """Save a product's own fields (the admin form); returns its published flag before the change.

    Call :func:`product_sync` once its variants, attributes and images are saved too.
    """
    was_published = bool(product.pk) and Product.objects.filter(pk=product.pk, is_published=True).exists()
    if product.is_published and product.published_at is None:
        product.published_at = timezone.now()
    product.save()
    return was_published


def product_sync(*, product: Product, was_published: bool) -> None:
    """After a product, its variants, attributes or images changed: refresh derived data and announce it.

    ``was_published`` is the published flag before the change; it decides which event goes out.
    """
    with transaction.atomic():
        if product.is_published and product.published_at is None:
            product.published_at = timezone.now()
            Product.objects.filter(pk=product.pk).update(published_at=product.published_at)
        product_index_refresh(product_ids=[product.pk])
        product_event_publish(product_id=product.pk, was_published=was_published)
        catalog_cache_bump()


def product_set_published(*, product: Product, published: bool) -> bool:
    """Publish or withdraw one product; returns False when it already was in that state."""
    with transaction.atomic():
        locked = Product.objects.select_for_update().get(pk=product.pk)
        if locked.is_published == published:
            return False
        was_published = locked.is_published
        locked.is_published = published
        if published and locked.published_at is None:
            locked.published_at = timezone.now()
        locked.save(update_fields=["is_published", "published_at", "updated_at"])
        product.is_published, product.published_at = locked.is_published, locked.published_at
        product_event_publish(product_id=locked.pk, was_published=was_published)
        catalog_cache_bump()
        return True


def products_set_published(*, products: QuerySet[Product], published: bool) -> int:
    """Bulk publish or unpublish (admin action); returns how many products changed state."""
    changed = 0
    with transaction.atomic():
        for product in products.order_by("pk"):
            changed += product_set_published(product=product, published=published)
    return changed


def price_change_by_percentage(price: Decimal, percentage: Decimal) -> Decimal:
    """``price`` raised (or lowered, when negative) by ``percentage`` %, to the cent, never below 0.01."""
    changed = (price * (Decimal(100) + percentage) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    return max(changed, CENT)


def products_change_prices_by_percentage(*, products: QuerySet[Product], percentage: Decimal) -> int:
    """Change every variant price of ``products`` by ``percentage`` %; returns the number of variants.

    A compare-at price that would no longer be above the new price is cleared (the sale is over).
    """
    with transaction.atomic():
        product_list = list(products.order_by("pk").select_for_update())
        variants = list(Variant.objects.filter(product__in=product_list).order_by("pk").select_for_update())
        for variant in variants:
            variant.price = price_change_by_percentage(variant.price, percentage)
            if variant.compare_at_price is not None and variant.compare_at_price <= variant.price:
                variant.compare_at_price = None
        Variant.objects.bulk_update(variants, ["price", "compare_at_price"], batch_size=500)
        product_index_refresh(product_ids=[p.pk for p in product_list])
        for product in product_list:
            product_event_publish(product_id=product.pk, was_published=product.is_published)
        catalog_cache_bump()
    return len(variants)


def product_delete(*, product: Product) -> None:
    """Delete a product; a published one is first announced as unpublished so copies stop selling it."""
    with transaction.atomic():
        if Product.objects.filter(pk=product.pk, is_published=True).exists():
            Product.objects.filter(pk=product.pk).update(is_published=False)
            product_event_publish(product_id=product.pk, was_published=True)
        product.delete()
        catalog_cache_bump()
