"""Bulk price changes, as pure functions: the admin's preview shows these rows and applying writes them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from catalog.products.models import Variant

CENT = Decimal("0.01")

#: The centavos a shop prices with on purpose ("R$ 89,90", "R$ 49,99"): a bulk change can keep them.
PRICE_ENDINGS = (Decimal("0.90"), Decimal("0.99"))


def price_change_by_percentage(price: Decimal, percentage: Decimal, *, keep_ending: bool = False) -> Decimal:
    """``price`` raised (or lowered, when negative) by ``percentage`` %, to the cent, never below 0.01.

    With ``keep_ending`` a price ending in ,90 or ,99 keeps its ending: the result is the price with that
    ending nearest to the exact change (89,90 + 10 % = 98,89 -> 98,90; 49,99 + 10 % = 54,989 -> 54,99),
    a tie going up. Other endings change to the cent as without it.
    """
    changed = (price * (Decimal(100) + percentage) / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    ending = price - int(price)
    if keep_ending and ending in PRICE_ENDINGS:
        whole = int(changed)
        candidates = [Decimal(reais) + ending for reais in (whole - 1, whole, whole + 1) if reais >= 0]
        changed = min(candidates, key=lambda candidate: (abs(candidate - changed), -candidate))
    return max(changed, CENT)


@dataclass(frozen=True)
class PriceChangeRow:
    """One variant of a bulk price change: what it costs now and what it will cost."""

    sku: str
    name: str
    old_price: Decimal
    new_price: Decimal
    compare_at_price_cleared: bool


def price_change_rows(*, variants: list[Variant], percentage: Decimal, keep_endings: bool) -> list[PriceChangeRow]:
    """The bulk change, variant by variant: the preview shows these rows and applying writes them."""
    rows = []
    for variant in variants:
        new_price = price_change_by_percentage(variant.price, percentage, keep_ending=keep_endings)
        cleared = variant.compare_at_price is not None and variant.compare_at_price <= new_price
        rows.append(
            PriceChangeRow(
                sku=variant.sku,
                name=f"{variant.product.name} - {variant.name}",
                old_price=variant.price,
                new_price=new_price,
                compare_at_price_cleared=cleared,
            )
        )
    return rows
