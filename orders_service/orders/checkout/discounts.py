"""Promotions at the cart and at checkout: the engine's pricing turned into cart fields and order lines.

Checkout calls ``checkout_discounts_price`` inside its transaction (the cart's voucher rows locked) and
``checkout_discounts_record`` once the order exists (the uses counted in the same transaction).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orders.carts.models import Cart
from orders.carts.selectors import cart_detail
from orders.money import money
from orders.orders.selectors import shopper_has_ordered
from orders.orders.services import OrderDiscounts, PaymentChoice, PlacedLine
from orders.promotions.engine import DiscountKind, Pricing, PricingLine
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
    return PricingContext(
        user_id=user_id,
        email=email,
        first_purchase=not shopper_has_ordered(user_id=user_id, email=email),
        payment_method=payment_method,
    )


def cart_discounts(*, cart: Cart, user_id: int | None) -> dict[str, Any]:
    """The cart body's promotion fields: ``vouchers``, ``discounts`` (each with its reason), ``gifts`` (an
    out-of-stock one says so), ``discount_total`` and ``total`` (subtotal - discounts, before shipping).

    Neither the CEP nor the method is chosen yet, so a free-shipping code shows its reason here and takes off
    the chosen method's price at checkout; the Pix discount shows at checkout (it depends on the method)."""
    context = pricing_context(user_id=user_id, email=None)
    pricing = cart_pricing(cart=cart, context=context, shipping=SHIPPING_NOT_QUOTED)
    refused = {r.code: r.reason for r in pricing.refused}
    return {
        "vouchers": [
            {"code": v.code, "applied": v.code not in refused, "reason": refused.get(v.code)}
            for v in cart_vouchers(cart=cart)
        ],
        "discounts": discounts_body(pricing),
        "gifts": gifts_body(pricing),
        "discount_total": money(pricing.discount_total),
        "total": money(pricing.subtotal - pricing.merchandise_discount),
    }


def cart_answer(*, cart: Cart, user_id: int | None) -> dict[str, Any]:
    """The cart body with its promotions: each discount with its reason, the gifts, the codes applied."""
    return {**cart_detail(cart=cart), **cart_discounts(cart=cart, user_id=user_id)}


def checkout_discounts_price(
    *,
    cart: Cart,
    lines: list[PlacedLine],
    user_id: int | None,
    email: str,
    payment: PaymentChoice,
    shipping: Decimal,
) -> PricedCheckout:
    """The order's lines with their discount shares, plus the gift lines (price zero, reserved like any
    line); 409 ``voucher_not_applicable`` when a code of the cart no longer applies."""
    cart_lines = list(cart.lines.all().order_by("id"))
    by_sku = {line.sku: line for line in pricing_lines(cart_lines=cart_lines)}
    engine_lines = [
        PricingLine(
            sku=line.sku,
            quantity=line.quantity,
            unit_price=line.unit_price,
            name=line.name,
            brand=by_sku[line.sku].brand if line.sku in by_sku else "",
            categories=by_sku[line.sku].categories if line.sku in by_sku else (),
        )
        for line in lines
    ]
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
    cart_vouchers_clear(cart=cart)
