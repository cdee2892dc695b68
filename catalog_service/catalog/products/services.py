"""Writes to products: every change goes through here so search data, events and the cache stay right.

The admin (``save_model``/``save_related``/actions), the CSV import and the seed call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from catalog.products.cache import catalog_cache_bump
from catalog.products.events import product_event_publish
from catalog.products.indexing import product_index_refresh
from catalog.products.models import Product, Variant
from catalog.products.pricing import price_change_rows


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


def products_change_prices_by_percentage(
    *, products: QuerySet[Product], percentage: Decimal, keep_endings: bool = False
) -> int:
    """Change every variant price of ``products`` by ``percentage`` %; returns the number of variants.

    ``keep_endings`` keeps ,90 / ,99 endings (``catalog.products.pricing``). A compare-at price that
    would no longer be above the new price is cleared (the sale is over).
    """
    with transaction.atomic():
        product_list = list(products.order_by("pk").select_for_update())
        variants = list(
            Variant.objects.filter(product__in=product_list)
            .select_related("product")
            .order_by("pk")
            .select_for_update(of=("self",))
        )
        rows = price_change_rows(variants=variants, percentage=percentage, keep_endings=keep_endings)
        for variant, row in zip(variants, rows, strict=True):
            variant.price = row.new_price
            if row.compare_at_price_cleared:
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


@dataclass(frozen=True)
class ProductRow:
    """One product of an upsert: its own fields, and its published flag when the row sets it."""

    slug: str
    fields: dict[str, Any]
    published: bool | None = None


@dataclass(frozen=True)
class VariantRow:
    sku: str
    product_slug: str
    fields: dict[str, Any]


@dataclass
class Upserted:
    products: dict[str, Product] = field(default_factory=dict)  # by slug
    variants: dict[str, Variant] = field(default_factory=dict)  # by SKU
    was_published: dict[str, bool] = field(default_factory=dict)  # by slug, before the upsert
    created: int = 0
    updated: int = 0


def products_upsert(*, products: list[ProductRow], variants: list[VariantRow]) -> Upserted:
    """Create or update products by slug and variants by SKU (the CSV import), rows locked in a fixed order.

    Inside the caller's transaction; the caller then refreshes the derived data and announces the
    products (:func:`catalog.products.indexing.product_index_refresh`, events), as the import does.
    """
    result = Upserted()
    existing = {
        p.slug: p
        for p in Product.objects.select_for_update().filter(slug__in=[row.slug for row in products]).order_by("pk")
    }
    for row in products:
        product = existing.get(row.slug) or Product(slug=row.slug)
        result.was_published[row.slug] = bool(product.pk) and product.is_published
        for name, value in row.fields.items():
            setattr(product, name, value)
        if row.published is not None:
            product.is_published = row.published
        if product.is_published and product.published_at is None:
            product.published_at = timezone.now()
        product.save()
        result.products[row.slug] = product

    known = {
        v.sku: v
        for v in Variant.objects.select_for_update().filter(sku__in=[row.sku for row in variants]).order_by("pk")
    }
    next_position = {
        row["product_id"]: row["last"] + 1
        for row in Variant.objects.filter(product__in=result.products.values())
        .values("product_id")
        .annotate(last=Max("position"))
    }
    for row in sorted(variants, key=lambda row: row.sku):
        variant = known.get(row.sku)
        if variant is None:
            product = result.products[row.product_slug]
            variant = Variant(sku=row.sku, product=product, position=next_position.get(product.pk, 0))
            next_position[product.pk] = variant.position + 1
            result.created += 1
        else:
            result.updated += 1
        for name, value in row.fields.items():
            setattr(variant, name, value)
        variant.save()
        result.variants[row.sku] = variant
    return result
