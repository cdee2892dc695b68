"""Builders of the orders.* event payloads from an order, so every publisher says the same thing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from common.events import publish
from common.events.contracts import EventContract
from common.events.contracts.common_types import Line, PricedLine
from common.events.contracts.orders import (
    OrderCancelled,
    OrderConfirmationResendRequestedSealed,
    OrderExpired,
    OrderPaidSealed,
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
        "discount_total": order.discount_total,
        "discounts": order.discounts,
    }


def publish_about_order(order: Order, event: EventContract) -> None:
    """Publish an event about ``order`` under its checkout's correlation id, whoever triggers it."""
    publish(event, key=order.number, correlation_id=order.correlation_id or None)


def _payment_fields(order: Order) -> dict[str, Any]:
    """How the order is paid, for the confirmation email (``card`` in ``installments``, ``pix``, ``boleto``)."""
    session = getattr(order, "payment_session", None)
    if session is None:
        return {}
    return {"payment_method": session.method, "installments": session.installments}


def publish_order_placed(order: Order, *, placed_at: datetime, reserve_for: timedelta) -> None:
    """Ask catalog to hold the stock for ``reserve_for`` (the method's payment window plus a grace)."""
    publish_about_order(
        order,
        OrderPlaced(
            **order_summary_fields(order),
            placed_at=placed_at,
            reserve_until=timezone.now() + reserve_for,
            reserve_for_seconds=int(reserve_for.total_seconds()),
            payment_method=_payment_fields(order).get("payment_method"),
            optional_skus=[line.sku for line in order.lines.all() if line.gift_kind],
        ),
    )


def publish_order_paid(order: Order) -> None:
    publish_about_order(
        order,
        OrderPaidSealed(
            **order_summary_fields(order),
            **_payment_fields(order),
            paid_at=order.paid_at or timezone.now(),
            # The guest's key for the confirmation email's link, sealed: only tasks' send opens it.
            access_token_sealed=order.access_token_sealed or None,
        ),
    )


def publish_order_cancelled(order: Order, *, reason: str, was_paid: bool) -> None:
    """Also the "release the stock" message catalog acts on, so a late reservation is published again."""
    publish_about_order(
        order,
        OrderCancelled(
            order_number=order.number,
            email=order.email,
            lines=plain_lines(order),
            reason=reason,
            refunded=was_paid,
            was_paid=was_paid,
            cancelled_at=timezone.now(),
        ),
    )


def publish_order_expired(order: Order) -> None:
    publish_about_order(
        order, OrderExpired(order_number=order.number, lines=plain_lines(order), expired_at=timezone.now())
    )


def publish_confirmation_resend(order: Order, *, requested_by: str) -> None:
    publish_about_order(
        order,
        OrderConfirmationResendRequestedSealed(
            **order_summary_fields(order),
            paid_at=order.paid_at or timezone.now(),
            **_payment_fields(order),
            requested_by=requested_by,
            access_token_sealed=order.access_token_sealed or None,
        ),
    )
