"""Event handlers feeding the reporting read models (listed in ``config/event_handlers.py``)."""

from __future__ import annotations

from common.events.contracts.catalog import StockChanged
from common.events.contracts.orders import OrderCancelled, OrderPaid, OrderPaidSealed
from common.events.envelope import Envelope
from tasks.reports.services.read_models import (
    sale_order_record_cancellation,
    sale_order_record_payment,
    stock_level_apply,
)


def order_paid_sale(event: OrderPaidSealed | OrderPaid, envelope: Envelope) -> None:
    """A paid order enters the sales read model on its local payment day."""
    sale_order_record_payment(
        order_number=event.order_number,
        email=event.email,
        user_id=event.user_id,
        currency=event.currency,
        subtotal=event.subtotal,
        shipping=event.shipping,
        total=event.total,
        paid_at=event.paid_at,
        lines=[line.model_dump() for line in event.lines],
    )


def order_cancelled_sale(event: OrderCancelled, envelope: Envelope) -> None:
    """A cancelled order: refunded ones are subtracted on the day of the refund."""
    sale_order_record_cancellation(
        order_number=event.order_number, email=event.email, refunded=event.refunded, cancelled_at=event.cancelled_at
    )


def stock_changed(event: StockChanged, envelope: Envelope) -> None:
    """Keep the SKU's latest level (and its lots) for the low-stock and expiring-lots reports."""
    stock_level_apply(
        sku=event.sku,
        product_name=event.product_name,
        on_hand=event.on_hand,
        available=event.available,
        low_stock_threshold=event.low_stock_threshold,
        changed_at=envelope.occurred_at,
        lots=[lot.model_dump(mode="json") for lot in event.lots],
    )
