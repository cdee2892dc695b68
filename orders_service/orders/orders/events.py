"""Builders of the orders.* event payloads from an order, so every publisher says the same thing."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from common.events import publish
from common.events.contracts.common_types import Line, PricedLine
from common.events.contracts.orders import (
    OrderCancelled,
    OrderConfirmationResendRequested,
    OrderExpired,
    OrderPaid,
    OrderPlaced,
)
from orders.orders.models import Order


def priced_lines(order: Order) -> list[PricedLine]:
    return [
        PricedLine(
            sku=line.sku,
            quantity=line.quantity,
            name=line.name,
            unit_price=line.unit_price,
            line_total=line.line_total,
        )
        for line in order.lines.all()
    ]


def plain_lines(order: Order) -> list[Line]:
    return [Line(sku=line.sku, quantity=line.quantity) for line in order.lines.all()]


def order_summary_fields(order: Order) -> dict[str, Any]:
    """The fields order_placed, order_paid and the confirmation resend share: who, what, how much."""
    return {
        "order_number": order.number,
        "email": order.email,
        "user_id": order.user_id,
        "lines": priced_lines(order),
        "subtotal": order.subtotal,
        "shipping": order.shipping,
        "total": order.total,
        "currency": order.currency,
    }


def publish_order_placed(order: Order, *, placed_at: datetime, reserve_until: datetime) -> None:
    publish(
        OrderPlaced(**order_summary_fields(order), placed_at=placed_at, reserve_until=reserve_until),
        key=order.number,
    )


def publish_order_paid(order: Order) -> None:
    publish(OrderPaid(**order_summary_fields(order), paid_at=order.paid_at or timezone.now()), key=order.number)


def publish_order_cancelled(order: Order, *, reason: str, was_paid: bool) -> None:
    """Also the "release the stock" message catalog acts on, so a late reservation is published again."""
    publish(
        OrderCancelled(
            order_number=order.number,
            email=order.email,
            lines=plain_lines(order),
            reason=reason,
            refunded=was_paid,
            was_paid=was_paid,
            cancelled_at=timezone.now(),
        ),
        key=order.number,
    )


def publish_order_expired(order: Order) -> None:
    publish(
        OrderExpired(order_number=order.number, lines=plain_lines(order), expired_at=timezone.now()),
        key=order.number,
    )


def publish_confirmation_resend(order: Order, *, requested_by: str) -> None:
    publish(
        OrderConfirmationResendRequested(
            **order_summary_fields(order), paid_at=order.paid_at or timezone.now(), requested_by=requested_by
        ),
        key=order.number,
    )
