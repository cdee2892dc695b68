"""The product stream (``catalog.product_*``, keyed by product id): snapshots other services copy."""

from __future__ import annotations

from catalog.products.models import CURRENCY, Category, Product, Variant
from common.events import publish
from common.events.contracts.catalog import (
    ProductPublished,
    ProductSnapshot,
    ProductUnpublished,
    ProductUpdated,
    VariantSnapshot,
)


def product_snapshot_fields(*, product_id: int) -> dict:
    product = Product.objects.values(
        "id", "slug", "name", "brand__name", "brand__slug", "category_id", "is_published"
    ).get(pk=product_id)
    variants = (
        Variant.objects.filter(product_id=product_id)
        .order_by("position", "id")
        .values("sku", "name", "price", "sale_mode", "weight_grams", "length_cm", "width_cm", "height_cm")
    )
    return {
        "product_id": product["id"],
        "slug": product["slug"],
        "name": product["name"],
        "brand": product["brand__name"],
        "published": product["is_published"],
        "variants": [
            VariantSnapshot(
                sku=v["sku"],
                name=v["name"],
                price=v["price"],
                currency=CURRENCY,
                sale_mode=v["sale_mode"],
                weight_grams=v["weight_grams"],
                length_cm=v["length_cm"],
                width_cm=v["width_cm"],
                height_cm=v["height_cm"],
            )
            for v in variants
        ],
        "brand_slug": product["brand__slug"],
        "category_slugs": category_path_slugs(category_id=product["category_id"]),
    }


def category_path_slugs(*, category_id: int | None) -> list[str]:
    """The category's slug, then its parent's, up to the root (promotions by category reach sub-categories)."""
    slugs: list[str] = []
    seen: set[int] = set()
    while category_id is not None and category_id not in seen:
        seen.add(category_id)
        row = Category.objects.filter(pk=category_id).values("slug", "parent_id").first()
        if row is None:
            break
        slugs.append(row["slug"])
        category_id = row["parent_id"]
    return slugs


def product_event_publish(*, product_id: int, was_published: bool) -> ProductSnapshot | None:
    """Announce a product change by its published transition; unpublished products are not announced.

    never -> published: ``product_published``; published -> unpublished: ``product_unpublished``;
    published -> published: ``product_updated`` (names and prices).
    """
    fields = product_snapshot_fields(product_id=product_id)
    if fields["published"]:
        event_class = ProductUpdated if was_published else ProductPublished
    elif was_published:
        event_class = ProductUnpublished
    else:
        return None
    event = event_class(**fields)
    publish(event, key=str(product_id))
    return event
