"""Builders of the orders.return_* payloads, so every step says the same about a return."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from common.events.contracts.orders import (
    ReturnApproved,
    ReturnedLine,
    ReturnedLotPart,
    ReturnReceived,
    ReturnRefunded,
    ReturnRejected,
    ReturnRequested,
)
from orders.orders.events import publish_about_order
from orders.returns.models import OrderReturn


def returned_lines(order_return: OrderReturn, *, lots: dict[int, list[tuple[str, int]]] | None = None) -> list:
    """The return's lines as the events carry them; ``lots`` ({return line id: [(lot, units)]}) once received."""
    lots = lots or {}
    return [
        ReturnedLine(
            sku=line.sku,
            name=line.name,
            quantity=line.quantity,
            amount=line.amount,
            condition=line.condition or None,
            lots=[ReturnedLotPart(lot=lot, quantity=units) for lot, units in lots.get(line.pk, [])],
        )
        for line in order_return.lines.all()
    ]


def _fields(order_return: OrderReturn, **extra) -> dict[str, Any]:
    order = order_return.order
    return {
        "order_number": order.number,
        "email": order.email,
        "return_id": order_return.pk,
        "lines": extra.pop("lines", None) or returned_lines(order_return),
        "refund_amount": order_return.refund_amount,
        "currency": order.currency,
        "access_token_sealed": order.access_token_sealed or None,
        "occurred_at": timezone.now(),
        **extra,
    }


def publish_return_requested(order_return: OrderReturn) -> None:
    publish_about_order(order_return.order, ReturnRequested(**_fields(order_return, reason=order_return.reason)))


def publish_return_approved(order_return: OrderReturn) -> None:
    publish_about_order(order_return.order, ReturnApproved(**_fields(order_return)))


def publish_return_rejected(order_return: OrderReturn) -> None:
    publish_about_order(
        order_return.order,
        ReturnRejected(**_fields(order_return, rejection_reason=order_return.rejection_reason)),
    )


def publish_return_received(order_return: OrderReturn, *, lots: dict[int, list[tuple[str, int]]]) -> None:
    """Also catalog's command to take the goods back (sellable on hand by lot, damaged written off)."""
    publish_about_order(
        order_return.order, ReturnReceived(**_fields(order_return, lines=returned_lines(order_return, lots=lots)))
    )


def publish_return_refunded(order_return: OrderReturn) -> None:
    publish_about_order(
        order_return.order,
        ReturnRefunded(**_fields(order_return, shipping_refunded=order_return.shipping_amount > 0)),
    )
