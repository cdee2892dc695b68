"""The shipping rate table: a flat fee by order subtotal, free from R$ 199.00 up."""

from __future__ import annotations

from decimal import Decimal

FREE_SHIPPING_FROM = Decimal("199.00")

# (subtotal below, fee), checked in order; anything from FREE_SHIPPING_FROM up ships free.
RATE_TABLE: tuple[tuple[Decimal, Decimal], ...] = (
    (Decimal("99.00"), Decimal("19.90")),
    (FREE_SHIPPING_FROM, Decimal("12.90")),
)


def shipping_for(*, subtotal: Decimal) -> Decimal:
    for below, fee in RATE_TABLE:
        if subtotal < below:
            return fee
    return Decimal("0.00")
