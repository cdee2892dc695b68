"""Writes of the reporting read models, from order and stock events (idempotent by business key), and the
reconciliation of the stock read model with catalog."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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


@dataclass
class StockReconciliation:
    created: int = 0
    corrected: int = 0
    confirmed: int = 0
    newer_here: int = 0
    removed: int = 0

    @property
    def seen(self) -> int:
        return self.created + self.corrected + self.confirmed + self.newer_here


def stock_levels_reconcile(*, pages: Iterable) -> StockReconciliation:
    """Make ``StockLevel`` match catalog: every SKU catalog lists, nothing it no longer has.

    ``pages`` yields catalog's pages (``as_of`` read before the rows, ``items``). A row announced by
    an event at or after ``as_of`` is newer than the page and kept; any other row takes the page's
    level with ``changed_at = as_of`` (so an older event delivered late cannot undo it). A SKU that
    no page listed and no event announced since the pass began is removed. A change committed while
    a page was read may lose to the page: the next scheduled pass corrects it.
    """
    result = StockReconciliation()
    started_at = None
    for page in pages:
        started_at = started_at or page.as_of
        with transaction.atomic():
            skus = [item["sku"] for item in page.items]
            current = {row.sku: row for row in StockLevel.objects.select_for_update().filter(sku__in=skus)}
            for item in page.items:
                level = {
                    "product_name": item["product_name"][:255],
                    "on_hand": item["on_hand"],
                    "available": item["available"],
                    "low_stock_threshold": item["low_stock_threshold"],
                }
                row = current.get(item["sku"])
                if row is None:
                    StockLevel.objects.create(sku=item["sku"], changed_at=page.as_of, **level)
                    result.created += 1
                    continue
                if row.changed_at >= page.as_of:
                    result.newer_here += 1
                    continue
                differs = any(getattr(row, name) != value for name, value in level.items())
                StockLevel.objects.filter(pk=row.pk).update(changed_at=page.as_of, **level)
                if differs:
                    result.corrected += 1
                else:
                    result.confirmed += 1
    if started_at is not None:
        result.removed, _ = StockLevel.objects.filter(changed_at__lt=started_at).delete()
    return result
