"""Reads of the product copy."""

from __future__ import annotations

from orders.products.models import ProductVariant


def variants_by_sku(*, skus: list[str]) -> dict[str, ProductVariant]:
    """Every known variant among ``skus`` (published or not), in one query."""
    if not skus:
        return {}
    return {variant.sku: variant for variant in ProductVariant.objects.filter(sku__in=skus).order_by()}
