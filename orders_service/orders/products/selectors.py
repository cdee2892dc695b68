"""Reads of the product copy."""

from __future__ import annotations

from common.compiled_queries import CompiledQuery, Many
from orders.products.models import ProductVariant

_VARIANTS_BY_SKU = CompiledQuery(
    lambda skus: ProductVariant.objects.filter(sku__in=skus).order_by(), skus=Many("\x00sku-")
)
_VARIANT_BY_SKU = CompiledQuery(lambda sku: ProductVariant.objects.filter(sku=sku).order_by(), sku="\x00sku")


def variant_by_sku(*, sku: str) -> ProductVariant | None:
    """The variant of ``sku`` (published or not), or None: every cart line added looks it up."""
    return _VARIANT_BY_SKU.first(sku=sku)


def variants_by_sku(*, skus: list[str]) -> dict[str, ProductVariant]:
    """Every known variant among ``skus`` (published or not), in one (compiled) query."""
    return {variant.sku: variant for variant in _VARIANTS_BY_SKU(skus=list(skus))}
