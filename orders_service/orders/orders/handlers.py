"""Catalog's replies in the reservation saga -> order status."""

from __future__ import annotations

from common.events import Envelope
from common.events.contracts.catalog import StockCommitFailed, StockRejected, StockReserved
from orders.orders.services import (
    order_lines_lots_record,
    order_stock_commit_failed,
    order_stock_rejected,
    order_stock_reserved,
)


def stock_reserved(event: StockReserved, envelope: Envelope) -> None:
    order_stock_reserved(
        number=event.order_number,
        reserved_until=event.expires_at,
        left_out=[(line.sku, line.quantity) for line in event.left_out],
    )
    if event.lots:
        order_lines_lots_record(
            number=event.order_number,
            lots=[(lot.sku, lot.lot, lot.expires_on, lot.quantity) for lot in event.lots],
        )


def stock_rejected(event: StockRejected, envelope: Envelope) -> None:
    order_stock_rejected(number=event.order_number, reason=event.reason)


def stock_commit_failed(event: StockCommitFailed, envelope: Envelope) -> None:
    order_stock_commit_failed(number=event.order_number, reason=event.reason, lines=event.lines)
