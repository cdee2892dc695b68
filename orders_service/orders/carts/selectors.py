"""Reads of carts, shaped as the contract's cart body."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from common.brazil.installments import installment_hint, installment_policy_from_settings
from common.compiled_queries import CompiledQuery
from orders.carts.models import Cart, CartLine
from orders.money import money

_CART_LINES = CompiledQuery(
    lambda cart_id: CartLine.objects.filter(cart_id=cart_id).order_by("id"), cart_id=-7_310_000_003
)


def cart_lines(*, cart: Cart) -> list[CartLine]:
    """The cart's lines in the order they were added (one compiled query): read once per request, passed on."""
    return _CART_LINES(cart_id=cart.pk)


def cart_detail(*, cart: Cart, lines: list[CartLine] | None = None) -> dict[str, Any]:
    """``{token, lines: [{id, sku, name, quantity, unit_price, line_total}], subtotal, currency}``: one query,
    none when the caller already read ``lines`` (``cart_lines``)."""
    body_lines = []
    subtotal = Decimal("0")
    for line in cart_lines(cart=cart) if lines is None else lines:
        total = line.line_total
        subtotal += total
        body_lines.append(
            {
                "id": line.id,
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": money(line.unit_price),
                "line_total": money(total),
            }
        )
    return {
        "token": str(cart.token),
        "lines": body_lines,
        "subtotal": money(subtotal),
        "currency": cart.currency,
        "installments": _installments_hint(subtotal),
    }


def _installments_hint(subtotal: Decimal) -> dict[str, Any] | None:
    """ "em até 3x de R$ 59,93 sem juros" for the subtotal: the product page's function, the checkout's plans."""
    if subtotal <= 0:
        return None
    plan = installment_hint(amount=subtotal, policy=installment_policy_from_settings())
    return {"count": plan.count, "amount": money(plan.amount)}
