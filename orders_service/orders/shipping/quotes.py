"""Shipping quotes for a cart and a CEP: the configured provider (``ORDERS_SHIPPING_PROVIDER``), falling
back to the built-in table when the carrier cannot answer.

These are reads (no database writes) that may call a carrier over HTTP: call them outside transactions.
"""

from __future__ import annotations

import logging

from django.conf import settings

from common.brazil.postal_codes import InvalidPostalCode, cep_parse
from orders.carts.models import Cart
from orders.carts.selectors import cart_lines
from orders.products.selectors import variants_by_sku
from orders.shipping.errors import (
    CarrierUnavailable,
    NothingToShip,
    PostalCodeInvalid,
    ShippingMethodUnavailable,
    ShippingQuoteStale,
    ShippingUnavailable,
)
from orders.shipping.melhorenvio import melhorenvio_quotes
from orders.shipping.parcels import Parcel, ParcelItem, ShippingQuote
from orders.shipping.table import table_quotes

logger = logging.getLogger(__name__)

PROVIDERS = {"table": table_quotes, "melhorenvio": melhorenvio_quotes}


def parcel_for_lines(*, lines: list[tuple[str, int, object]]) -> Parcel:
    """The parcel of ``(sku, quantity, unit_price)`` lines, weighed and sized from the product copy; a unit
    catalog has not weighed counts ``ORDERS_SHIPPING_DEFAULT_WEIGHT_GRAMS``."""
    variants = variants_by_sku(skus=[sku for sku, _quantity, _price in lines])
    items = []
    for sku, quantity, unit_price in lines:
        variant = variants.get(sku)
        weight = variant.weight_grams if variant is not None else 0
        items.append(
            ParcelItem(
                sku=sku,
                quantity=quantity,
                weight_grams=weight or settings.ORDERS_SHIPPING_DEFAULT_WEIGHT_GRAMS,
                length_cm=variant.length_cm if variant is not None else 0,
                width_cm=variant.width_cm if variant is not None else 0,
                height_cm=variant.height_cm if variant is not None else 0,
                unit_price=unit_price,
            )
        )
    return Parcel(items=tuple(items))


def parcel_for_cart(cart: Cart) -> Parcel:
    lines = [(line.sku, line.quantity, line.unit_price) for line in cart_lines(cart=cart)]
    if not lines:
        raise NothingToShip()
    return parcel_for_lines(lines=lines)


def postal_code_parse(postal_code: str) -> str:
    """The 8 digits of a CEP, or 422 ``invalid_postal_code``."""
    try:
        return cep_parse(postal_code)
    except InvalidPostalCode:
        raise PostalCodeInvalid() from None


def shipping_quotes(*, parcel: Parcel, postal_code: str) -> list[ShippingQuote]:
    """The methods that can ship ``parcel`` to the CEP, cheapest first (422 for an invalid CEP).

    The configured carrier first; when it fails (error, timeout, unknown shape) or offers nothing, the
    built-in table answers, so a shopper can always buy.
    """
    digits = postal_code_parse(postal_code)
    provider = settings.ORDERS_SHIPPING_PROVIDER
    if provider != "table":
        try:
            quotes = PROVIDERS[provider](parcel=parcel, postal_code=digits)
        except CarrierUnavailable:
            quotes = []
        if quotes:
            return quotes
        logger.warning("shipping quote falls back to the table", extra={"provider": provider})
    quotes = table_quotes(parcel=parcel, postal_code=digits)
    if not quotes:
        raise ShippingUnavailable()
    return quotes


def cart_shipping_quotes(*, cart: Cart, postal_code: str) -> list[ShippingQuote]:
    """``POST cart/shipping-quotes``: every method for the cart's parcel to the CEP."""
    return shipping_quotes(parcel=parcel_for_cart(cart), postal_code=postal_code)


def shipping_quote_for(*, cart: Cart, postal_code: str, method: str | None) -> ShippingQuote:
    """A fresh quote of the chosen ``method`` for the cart to the CEP (checkout charges this one).

    No method: the cheapest. A method the fresh quote does not offer (another CEP, the cart or the carrier
    changed since the shopper quoted): 422 ``shipping_method_unavailable``.
    """
    quotes = cart_shipping_quotes(cart=cart, postal_code=postal_code)
    if not method:
        return quotes[0]
    for quote in quotes:
        if quote.method == method:
            return quote
    raise ShippingMethodUnavailable()


def shipping_quote_check_fresh(*, quote: ShippingQuote, lines: list[tuple[str, int]]) -> None:
    """Inside checkout's transaction: the locked cart still holds the units the quote was made for
    (409 ``shipping_quote_stale`` otherwise: a line changed between the quote and the lock)."""
    if quote.parcel_key != tuple(sorted(lines)):
        raise ShippingQuoteStale()
