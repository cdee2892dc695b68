"""Money as the contract wants it: Decimal inside, a string with two decimals outside."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def quantize(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def money(value: Decimal) -> str:
    return str(quantize(value))
