"""The built-in shipping table: a price by the destination's region (from the CEP) and the parcel's weight.

The shop ships from São Paulo. A parcel above ``MAX_PARCEL_GRAMS`` (the Correios limit) travels as several
parcels, each priced by the table. Prices and days are the shop's own policy, not a carrier's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from common.brazil.postal_codes import Region, cep_region
from orders.shipping.parcels import Parcel, ShippingQuote

#: Upper weight (grams) of each price column.
WEIGHT_BANDS_GRAMS = (1000, 2000, 5000, 10000, 20000, 30000)
MAX_PARCEL_GRAMS = WEIGHT_BANDS_GRAMS[-1]


def _prices(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(value) for value in values)


@dataclass(frozen=True)
class TableMethod:
    method: str
    name: str
    # per region: (days_min, days_max) and one price per weight band
    days: dict[Region, tuple[int, int]]
    prices: dict[Region, tuple[Decimal, ...]]


STANDARD = TableMethod(
    method="standard",
    name="Entrega padrão",
    days={
        Region.SUDESTE: (3, 6),
        Region.SUL: (4, 8),
        Region.CENTRO_OESTE: (5, 9),
        Region.NORDESTE: (6, 12),
        Region.NORTE: (8, 15),
    },
    prices={
        Region.SUDESTE: _prices("12.90", "16.90", "22.90", "32.90", "49.90", "69.90"),
        Region.SUL: _prices("16.90", "21.90", "28.90", "39.90", "59.90", "84.90"),
        Region.CENTRO_OESTE: _prices("18.90", "24.90", "31.90", "44.90", "66.90", "92.90"),
        Region.NORDESTE: _prices("21.90", "27.90", "36.90", "51.90", "76.90", "104.90"),
        Region.NORTE: _prices("25.90", "32.90", "42.90", "59.90", "89.90", "119.90"),
    },
)
EXPRESS = TableMethod(
    method="express",
    name="Entrega expressa",
    days={
        Region.SUDESTE: (1, 3),
        Region.SUL: (2, 4),
        Region.CENTRO_OESTE: (2, 4),
        Region.NORDESTE: (3, 5),
        Region.NORTE: (3, 6),
    },
    prices={
        Region.SUDESTE: _prices("22.90", "27.90", "36.90", "52.90", "79.90", "109.90"),
        Region.SUL: _prices("29.90", "35.90", "46.90", "64.90", "94.90", "129.90"),
        Region.CENTRO_OESTE: _prices("32.90", "39.90", "51.90", "71.90", "104.90", "142.90"),
        Region.NORDESTE: _prices("36.90", "44.90", "58.90", "81.90", "119.90", "159.90"),
        Region.NORTE: _prices("42.90", "52.90", "68.90", "94.90", "139.90", "184.90"),
    },
)
METHODS = (STANDARD, EXPRESS)


def _band_price(prices: tuple[Decimal, ...], grams: int) -> Decimal:
    for upper, price in zip(WEIGHT_BANDS_GRAMS, prices, strict=True):
        if grams <= upper:
            return price
    raise ValueError(grams)  # callers split parcels above MAX_PARCEL_GRAMS


def table_price(prices: tuple[Decimal, ...], grams: int) -> Decimal:
    """The price of ``grams``: whole parcels of ``MAX_PARCEL_GRAMS`` at the last band, the rest by its band."""
    full, rest = divmod(grams, MAX_PARCEL_GRAMS)
    price = prices[-1] * full
    if rest or not full:
        price += _band_price(prices, rest)
    return price


def table_quotes(*, parcel: Parcel, postal_code: str) -> list[ShippingQuote]:
    """Every table method for the 8-digit CEP and the parcel, cheapest first."""
    region = cep_region(postal_code)
    grams = parcel.weight_grams
    return [
        ShippingQuote(
            method=method.method,
            name=method.name,
            price=table_price(method.prices[region], grams),
            days_min=method.days[region][0],
            days_max=method.days[region][1],
            provider="table",
            parcel_key=parcel.key,
        )
        for method in METHODS
    ]
