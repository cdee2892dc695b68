"""Reads of the orders admin's home: sales per São Paulo day, orders to ship, payments waiting.

A sale is an order paid (``paid_at``) and not refunded: paid, paid without stock, fulfilled or delivered.
Days are local (``TIME_ZONE``, America/Sao_Paulo), money is BRL.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from common.dashboard import DaySales
from orders.orders.models import Order
from orders.orders.state_machine import OrderStatus

SOLD = (OrderStatus.PAID, OrderStatus.PAID_OUT_OF_STOCK, OrderStatus.FULFILLED, OrderStatus.DELIVERED)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def sales_by_local_day(*, days: int, today: date | None = None) -> list[DaySales]:
    """Orders and their totals per local day of payment, the last ``days`` days up to today, zeros included."""
    end = today or timezone.localdate()
    start = end - timedelta(days=days - 1)
    rows = (
        Order.objects.filter(
            status__in=SOLD,
            currency="BRL",
            paid_at__gte=_local_midnight(start),
            paid_at__lt=_local_midnight(end + timedelta(days=1)),
        )
        .annotate(day=TruncDate("paid_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(orders=Count("id"), total=Sum("total"))
    )
    totals = {row["day"]: DaySales(day=row["day"], orders=row["orders"], net=row["total"]) for row in rows}
    return [
        totals.get(start + timedelta(days=n), DaySales(day=start + timedelta(days=n), orders=0, net=Decimal("0")))
        for n in range(days)
    ]


def orders_in_status(*, statuses: tuple[str, ...], limit: int, oldest_by: str) -> tuple[int, list[Order]]:
    """How many orders are in ``statuses`` and the ``limit`` that have waited longest (by ``oldest_by``)."""
    rows = Order.objects.filter(status__in=statuses).order_by(oldest_by, "id")
    return rows.count(), list(rows[:limit])
