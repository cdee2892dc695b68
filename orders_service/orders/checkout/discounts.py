"""Promotions at the cart and at checkout: the engine's pricing turned into cart fields and order lines.

Checkout calls ``checkout_discounts_price`` inside its transaction (the cart's voucher rows locked) and
``checkout_discounts_record`` once the order exists (the uses counted in the same transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orders.carts.models import Cart, CartLine
from orders.carts.selectors import cart_detail, cart_lines
from orders.money import money
from orders.orders.selectors import shopper_has_ordered
from orders.orders.services import OrderDiscounts, PaymentChoice, PlacedLine
from orders.products.models import ProductVariant
from orders.promotions.engine import DiscountKind, Pricing
from orders.promotions.models import Voucher
from orders.promotions.selectors import cart_vouchers, discounts_body, gifts_body, pricing_lines
from orders.promotions.services import (
    PricingContext,
    cart_pricing,
    cart_vouchers_clear,
    checkout_pricing,
    voucher_uses_record,
)

SHIPPING_NOT_QUOTED = Decimal("0.00")  # the cart has no CEP or method yet (see cart/shipping-quotes)


@dataclass(frozen=True)
class PricedCheckout:
    lines: list[PlacedLine]
    discounts: OrderDiscounts
    pricing: Pricing
    vouchers: list[Voucher]


def pricing_context(*, user_id: int | None, email: str | None, payment_method: str | None = None) -> PricingContext:
    """The buyer as pricing sees them; whether it is their first purchase is read only if a code asks."""
    return PricingContext(
        user_id=user_id,
        email=email,
        first_purchase=lambda: not shopper_has_ordered(user_id=user_id, email=email),
        payment_method=payment_method,
    )


def cart_discounts(
    *, cart: Cart, user_id: int | None, lines: list[CartLine] | None = None, vouchers: list[Voucher] | None = None
) -> dict[str, Any]:
    """The cart body's promotion fields: ``vouchers``, ``discounts`` (each with its reason), ``gifts`` (an
    out-of-stock one says so), ``discount_total`` and ``total`` (subtotal - discounts, before shipping).

    Neither the CEP nor the method is chosen yet, so a free-shipping code shows its reason here and takes off
    the chosen method's price at checkout; the Pix discount shows at checkout (it depends on the method)."""
    vouchers = cart_vouchers(cart=cart) if vouchers is None else vouchers
    context = pricing_context(user_id=user_id, email=None)
    pricing = cart_pricing(cart=cart, context=context, shipping=SHIPPING_NOT_QUOTED, lines=lines, vouchers=vouchers)
    refused = {r.code: r.reason for r in pricing.refused}
    return {
        "vouchers": [
            {"code": v.code, "applied": v.code not in refused, "reason": refused.get(v.code)} for v in vouchers
        ],
        "discounts": discounts_body(pricing),
        "gifts": gifts_body(pricing),
        "discount_total": money(pricing.discount_total),
        "total": money(pricing.subtotal - pricing.merchandise_discount),
    }


def cart_answer(
    *, cart: Cart, user_id: int | None, new: bool = False, lines: list[CartLine] | None = None
) -> dict[str, Any]:
    """The cart body with its promotions: each discount with its reason, the gifts, the codes applied.

    The lines and codes are read once for both halves; a cart created by this request (``new``) has none,
    and ``lines`` are the lines a write of this request left (``cart_line_add``), not read again."""
    if lines is None:
        lines = [] if new else cart_lines(cart=cart)
    vouchers = [] if new else cart_vouchers(cart=cart)
    return {
        **cart_detail(cart=cart, lines=lines),
        **cart_discounts(cart=cart, user_id=user_id, lines=lines, vouchers=vouchers),
    }


def checkout_discounts_price(
    *,
    cart: Cart,
    lines: list[PlacedLine],
    variants: dict[str, ProductVariant],
    user_id: int | None,
    email: str,
    payment: PaymentChoice,
    shipping: Decimal,
) -> PricedCheckout:
    """The order's lines with their discount shares, plus the gift lines (price zero, reserved like any
    line); 409 ``voucher_not_applicable`` when a code of the cart no longer applies. ``variants``: the
    product copy checkout priced ``lines`` from (their brands and categories are what the rules look at)."""
    engine_lines = pricing_lines(cart_lines=lines, variants=variants)
    context = pricing_context(user_id=user_id, email=email, payment_method=payment.method)
    pricing, vouchers = checkout_pricing(cart=cart, lines=engine_lines, context=context, shipping=shipping)
    shares = {result.sku: result.discount for result in pricing.lines}
    placed = [
        PlacedLine(
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            unit_price=line.unit_price,
            discount=shares.get(line.sku, Decimal("0.00")),
        )
        for line in lines
    ]
    placed += [
        PlacedLine(
            sku=gift.sku, name=gift.name, quantity=gift.quantity, unit_price=Decimal("0.00"), gift_kind=gift.kind
        )
        for gift in pricing.gifts
    ]
    free_shipping = any(d.kind == DiscountKind.FREE_SHIPPING for d in pricing.discounts)
    return PricedCheckout(
        lines=placed,
        discounts=OrderDiscounts(applied=tuple(discounts_body(pricing)), free_shipping=free_shipping),
        pricing=pricing,
        vouchers=vouchers,
    )


def checkout_discounts_record(*, order, priced: PricedCheckout, cart: Cart) -> None:
    """Count the order's voucher uses and take the codes off the emptied cart (checkout's transaction)."""
    voucher_uses_record(
        order_id=order.pk, pricing=priced.pricing, vouchers=priced.vouchers, user_id=order.user_id, email=order.email
    )
    if priced.vouchers:  # the cart's codes, read under its lock (a code is applied under it too): none, none left
        cart_vouchers_clear(cart=cart)
