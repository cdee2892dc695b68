"""Partial refunds chosen by support: an amount, or lines of the order, always with a reason.

The decision (pending refunds, each with its own idempotency key, and a line in the order's history) is one
transaction under the order's row lock; the provider is asked after the commit, never inside it, and an
unconfirmed refund stays ``pending`` for ``payment_refunds_retry``. The refunds of a charge never add up to
more than it captured (checked under the charge's lock in ``orders.payments.services``). A Pix charge's
refund is a Pix "devolução" at the provider; nothing differs on this side.
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.api import ApiError, Conflict
from common.brazil.formatting import money_brl
from orders.orders.models import Order
from orders.orders.state_machine import OrderStatus
from orders.payments.models import PaymentTransaction
from orders.payments.services import (
    payment_captured_and_refunded,
    payment_refund_request_partial,
    payment_refunds_send,
)

logger = logging.getLogger(__name__)

# Money is held (paid) or was kept for goods shipped: a part of it may go back.
PARTIALLY_REFUNDABLE = frozenset(
    {OrderStatus.PAID, OrderStatus.PAID_OUT_OF_STOCK, OrderStatus.FULFILLED, OrderStatus.DELIVERED}
)


class NotRefundable(Conflict):
    code, detail = "not_refundable", _("Only paid, shipped or delivered orders can be partially refunded.")


class RefundReasonRequired(ApiError):
    status, code, detail = 422, "refund_reason_required", _("Give the reason for the refund.")


class RefundLinesInvalid(ApiError):
    status, code = 422, "refund_lines_invalid"
    detail = _("The refund's items must be the order's, in a quantity from 1 to the one bought.")


class UseCancelForFullRefund(Conflict):
    code = "use_cancel_for_full_refund"
    detail = _("To give back all of an order not yet shipped, cancel the order (the stock comes back).")


def refund_amount_of_lines(*, order: Order, lines: dict[str, int]) -> Decimal:
    """The price paid for ``lines`` ({sku: quantity}) of the order; 422 for a SKU or quantity not bought."""
    bought = {line.sku: line for line in order.lines.all()}
    if not lines or any(sku not in bought or not 1 <= qty <= bought[sku].quantity for sku, qty in lines.items()):
        raise RefundLinesInvalid()
    return sum((bought[sku].unit_price * qty for sku, qty in lines.items()), Decimal("0.00"))


def order_refund_partial(
    *,
    order: Order,
    actor: str,
    reason: str,
    amount: Decimal | None = None,
    lines: dict[str, int] | None = None,
) -> list[PaymentTransaction]:
    """Give ``amount`` (or the price of ``lines``) back to the shopper; the order's status stays as it is."""
    reason = (reason or "").strip()
    if not reason:
        raise RefundReasonRequired()
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status not in PARTIALLY_REFUNDABLE:
            raise NotRefundable()
        if lines:
            amount = refund_amount_of_lines(order=order, lines=lines)
            listed = ", ".join(f"{qty} x {sku}" for sku, qty in sorted(lines.items()))
        else:
            listed = ""
        if amount is None:
            raise RefundLinesInvalid(_("Give the amount or the items of the refund."))
        amount = amount.quantize(Decimal("0.01"))
        captured, refunded = payment_captured_and_refunded(order_id=order.pk)
        unshipped = order.status in (OrderStatus.PAID, OrderStatus.PAID_OUT_OF_STOCK)
        if unshipped and refunded + amount >= captured:
            raise UseCancelForFullRefund()
        refunds = payment_refund_request_partial(
            order_id=order.pk, amount=amount, note=f"reembolso parcial por {actor}: {reason}"
        )
        note = f"reembolso parcial de {money_brl(amount)}" + (f" ({listed})" if listed else "") + f": {reason}"
        order.history.create(from_status=order.status, to_status=order.status, actor=actor, note=note[:500])
    sent = payment_refunds_send(refunds)
    logger.info("partial refund", extra={"order_number": order.number, "amount": str(amount), "actor": actor})
    return sent
