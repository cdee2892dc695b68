"""Handlers of the orders saga events: reserve, commit and release stock (idempotent by order number)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from catalog.inventory.returns import ReturnedUnits, stock_return_receive
from catalog.inventory.services import stock_commit_order, stock_release_order, stock_reserve_order
from common.events import Envelope
from common.events.contracts.orders import (
    OrderCancelled,
    OrderExpired,
    OrderPaid,
    OrderPaidSealed,
    OrderPlaced,
    ReturnReceived,
)


def reservation_expiry(event: OrderPlaced):
    """Until when to hold the stock: as long as orders asks (its method's window plus a grace, counted from
    now, so a reservation made late still lasts), never shorter than the absolute ``reserve_until``."""
    if event.reserve_for_seconds is None:
        return event.reserve_until
    return max(event.reserve_until, timezone.now() + timedelta(seconds=event.reserve_for_seconds))


def order_placed(event: OrderPlaced, envelope: Envelope) -> None:
    """The ReserveStock step: every line or none, answered with stock_reserved or stock_rejected."""
    stock_reserve_order(
        order_number=event.order_number,
        lines=[(line.sku, line.quantity) for line in event.lines],
        expires_at=reservation_expiry(event),
        optional_skus=frozenset(event.optional_skus),
        causation_id=str(envelope.event_id),
    )


def order_paid(event: OrderPaidSealed | OrderPaid, envelope: Envelope) -> None:
    """The CommitStock step: live reservations leave the shelf; what cannot be covered is announced."""
    stock_commit_order(
        order_number=event.order_number,
        lines=[(line.sku, line.quantity) for line in event.lines],
        email=event.email,
        paid_at=event.paid_at,
        causation_id=str(envelope.event_id),
    )


def order_cancelled(event: OrderCancelled, envelope: Envelope) -> None:
    stock_release_order(
        order_number=event.order_number,
        lines=[(line.sku, line.quantity) for line in event.lines],
        causation_id=str(envelope.event_id),
    )


def order_expired(event: OrderExpired, envelope: Envelope) -> None:
    stock_release_order(
        order_number=event.order_number,
        expired=True,
        lines=[(line.sku, line.quantity) for line in event.lines],
        causation_id=str(envelope.event_id),
    )


def return_received(event: ReturnReceived, envelope: Envelope) -> None:
    """The shopper's returned goods arrived at orders: back on hand by lot, damaged ones written off."""
    stock_return_receive(
        order_number=event.order_number,
        return_id=event.return_id,
        lines=[
            ReturnedUnits(
                sku=line.sku,
                quantity=line.quantity,
                damaged=line.condition == "damaged",
                lots=tuple((part.lot, part.quantity) for part in line.lots),
            )
            for line in event.lines
        ],
        causation_id=str(envelope.event_id),
    )
