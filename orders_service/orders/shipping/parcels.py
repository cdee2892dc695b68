"""What a shipping quote is made of (the parcel: units, weight, box, declared value) and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

#: The box assumed for a unit catalog has not measured yet (cm): a small cosmetics box, at least the
#: Correios minimum of 16 x 11 x 2.
DEFAULT_BOX_CM = (Decimal("16"), Decimal("11"), Decimal("4"))


@dataclass(frozen=True)
class ParcelItem:
    """``quantity`` units of one SKU, each as packed: weight in grams, box in cm, value in BRL."""

    sku: str
    quantity: int
    weight_grams: int
    length_cm: Decimal
    width_cm: Decimal
    height_cm: Decimal
    unit_price: Decimal


@dataclass(frozen=True)
class Parcel:
    """Everything one order ships; ``key`` tells whether two parcels hold the same units."""

    items: tuple[ParcelItem, ...]

    @property
    def weight_grams(self) -> int:
        return sum(item.weight_grams * item.quantity for item in self.items)

    @property
    def value(self) -> Decimal:
        return sum((item.unit_price * item.quantity for item in self.items), Decimal("0.00"))

    @property
    def key(self) -> tuple[tuple[str, int], ...]:
        return tuple(sorted((item.sku, item.quantity) for item in self.items))


@dataclass(frozen=True)
class ShippingQuote:
    """One way to ship the parcel to a CEP: the contract's ``{method, name, price, currency, days_min,
    days_max}`` plus who quoted it and for which parcel (checkout checks the cart did not change since).

    ``price`` is what the order charges; ``list_price`` what the method costs before a promotion waived
    it (see :func:`shipping_quote_waive`).
    """

    method: str
    name: str
    price: Decimal
    days_min: int
    days_max: int
    provider: str
    currency: str = "BRL"
    parcel_key: tuple[tuple[str, int], ...] = ()
    list_price: Decimal | None = None


def shipping_quote_waive(quote: ShippingQuote) -> ShippingQuote:
    """The hook for a free-shipping promotion: the same method at R$ 0,00, its list price kept."""
    return replace(quote, price=Decimal("0.00"), list_price=quote.list_price or quote.price)
