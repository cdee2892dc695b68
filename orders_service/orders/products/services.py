"""Keeping the product copy in step with catalog's product stream."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from common.events.contracts.catalog import ProductSnapshot
from orders.products.models import ProductVariant


def product_copy_apply(*, snapshot: ProductSnapshot, occurred_at: datetime, published: bool) -> None:
    """Upsert every variant of the snapshot; variants it no longer lists stop being sold.

    Snapshots are whole states, so applying one twice is harmless; one older than the stored row (events
    reordered in transit) is ignored.
    """
    with transaction.atomic():
        stored = {
            variant.sku: variant
            for variant in ProductVariant.objects.select_for_update().filter(product_id=snapshot.product_id)
        }
        listed = set()
        for variant in snapshot.variants:
            listed.add(variant.sku)
            values = {
                "product_id": snapshot.product_id,
                "product_slug": snapshot.slug,
                "product_name": snapshot.name,
                "variant_name": variant.name,
                "brand": snapshot.brand,
                "brand_slug": snapshot.brand_slug,
                "category_slugs": list(snapshot.category_slugs),
                "sale_mode": variant.sale_mode,
                "price": variant.price,
                "currency": variant.currency,
                "published": published,
                "weight_grams": variant.weight_grams,
                "length_cm": variant.length_cm,
                "width_cm": variant.width_cm,
                "height_cm": variant.height_cm,
                "source_occurred_at": occurred_at,
            }
            current = stored.get(variant.sku) or ProductVariant.objects.filter(sku=variant.sku).first()
            if current is None:
                ProductVariant.objects.create(sku=variant.sku, **values)
            elif current.source_occurred_at <= occurred_at:
                ProductVariant.objects.filter(pk=current.pk).update(**values)
        ProductVariant.objects.filter(
            product_id=snapshot.product_id, source_occurred_at__lte=occurred_at, published=True
        ).exclude(sku__in=listed).update(published=False, source_occurred_at=occurred_at)
