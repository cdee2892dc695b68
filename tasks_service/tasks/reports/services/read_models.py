"""Writes of the reporting read models, from order and stock events. Each is idempotent by business key."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction

from tasks.reports.models import SaleLine, SaleOrder, StockLevel
from tasks.reports.periods import local_day


def sale_order_record_payment(
    *,
    order_number: str,
    email: str,
    user_id: int | None,
    currency: str,
    subtotal: Decimal,
    shipping: Decimal,
    total: Decimal,
    paid_at: datetime,
    lines: list[dict],
) -> bool:
    """Record a paid order and its lines; False when this order's payment was recorded already."""
    with transaction.atomic():
        order, _ = SaleOrder.objects.select_for_update().get_or_create(order_number=order_number)
        if order.paid_at is not None:
            return False
        order.email, order.user_id, order.currency = email, user_id, currency
        order.subtotal, order.shipping, order.total = subtotal, shipping, total
        order.paid_at, order.paid_on = paid_at, local_day(paid_at)
        order.save()
        SaleLine.objects.bulk_create(
            SaleLine(
                order=order,
                sku=line["sku"],
                name=line["name"],
                quantity=line["quantity"],
                unit_price=line["unit_price"],
                line_total=line["line_total"],
            )
            for line in lines
        )
    return True


def sale_order_record_cancellation(*, order_number: str, email: str, refunded: bool, cancelled_at: datetime) -> bool:
    """Record a cancellation (a refund counts on the local day it was announced); False if known already."""
    with transaction.atomic():
        order, _ = SaleOrder.objects.select_for_update().get_or_create(
            order_number=order_number, defaults={"email": email}
        )
        if order.cancelled_at is not None:
            return False
        order.cancelled_at = cancelled_at
        order.refunded = refunded
        order.refunded_on = local_day(cancelled_at) if refunded else None
        order.save(update_fields=["cancelled_at", "refunded", "refunded_on"])
    return True


def stock_level_apply(
    *,
    sku: str,
    product_name: str,
    on_hand: int,
    available: int,
    low_stock_threshold: int,
    changed_at: datetime,
    lots: list[dict] | None = None,
) -> bool:
    """Store a SKU's announced level unless a newer one was stored already (events may arrive out of order)."""
    with transaction.atomic():
        current = StockLevel.objects.select_for_update().filter(sku=sku).first()
        if current is not None and current.changed_at >= changed_at:
            return False
        StockLevel.objects.update_or_create(
            sku=sku,
            defaults={
                "product_name": product_name,
                "on_hand": on_hand,
                "available": available,
                "low_stock_threshold": low_stock_threshold,
                "lots": lots or [],
                "changed_at": changed_at,
            },
        )
    return True
