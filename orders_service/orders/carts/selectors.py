"""Reads of carts, shaped as the contract's cart body."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from common.brazil.installments import installment_hint, installment_policy_from_settings
from orders.carts.models import Cart
from orders.money import money


def cart_detail(*, cart: Cart) -> dict[str, Any]:
    """``{token, lines: [{id, sku, name, quantity, unit_price, line_total}], subtotal, currency}`` in one query."""
    lines = []
    subtotal = Decimal("0")
    for line in cart.lines.all().order_by("id"):
        total = line.line_total
        subtotal += total
        lines.append(
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
        "lines": lines,
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
