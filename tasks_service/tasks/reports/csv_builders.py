"""The CSV content of each report kind: blocks of rows, each block with its own header, blank-line separated.

A builder returns the CSV text and its number of data rows. Money has two decimals; days are local.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import UTC, date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from tasks.analytics.selectors import search_query_stats
from tasks.reports.models import ReportKind
from tasks.reports.selectors import (
    CENT,
    ZERO,
    SalesDay,
    expiring_lots,
    low_stock_levels,
    sales_by_day,
    sales_top_products,
)

Block = tuple[list[str], list[list]]


def _money(amount: Decimal) -> str:
    return f"{amount.quantize(CENT, rounding=ROUND_HALF_UP):.2f}"


def _csv_text(blocks: Iterable[Block]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for index, (header, rows) in enumerate(blocks):
        if index:
            writer.writerow([])
        writer.writerow(header)
        writer.writerows(rows)
    return buffer.getvalue()


def sales_csv(*, start: date, end: date) -> tuple[str, int]:
    """Sales by day (orders, gross revenue, refunds, net revenue, average order value), totals per
    currency, then the top products of the period."""
    days = sales_by_day(start=start, end=end)
    by_day = [
        [
            d.day.isoformat(),
            d.currency,
            d.orders,
            _money(d.gross_revenue),
            d.refunds,
            _money(d.refunded_amount),
            _money(d.net_revenue),
            _money(d.average_order_value),
        ]
        for d in days
    ]
    for currency in sorted({d.currency for d in days}):
        by_day.append(_sales_total_row(currency=currency, days=[d for d in days if d.currency == currency]))
    top = [
        [rank, p.sku, p.name, p.quantity, _money(p.revenue)]
        for rank, p in enumerate(sales_top_products(start=start, end=end), start=1)
    ]
    header = [
        "date",
        "currency",
        "orders",
        "gross_revenue",
        "refunds",
        "refunded_amount",
        "net_revenue",
        "average_order_value",
    ]
    text = _csv_text([(header, by_day), (["rank", "sku", "product", "quantity", "revenue"], top)])
    return text, len(days) + len(top)


def _sales_total_row(*, currency: str, days: list[SalesDay]) -> list:
    orders = sum(d.orders for d in days)
    gross = sum((d.gross_revenue for d in days), ZERO)
    refunded = sum((d.refunded_amount for d in days), ZERO)
    average = (gross / orders).quantize(CENT, rounding=ROUND_HALF_UP) if orders else ZERO
    refunds = sum(d.refunds for d in days)
    return [
        "total",
        currency,
        orders,
        _money(gross),
        refunds,
        _money(refunded),
        _money(gross - refunded),
        _money(average),
    ]


def low_stock_csv(*, start: date, end: date) -> tuple[str, int]:
    """SKUs at or below their low-stock threshold, as last announced by catalog when the report runs."""
    rows = [
        [s.sku, s.product_name, s.on_hand, s.available, s.low_stock_threshold, s.changed_at.astimezone(UTC).isoformat()]
        for s in low_stock_levels()
    ]
    header = ["sku", "product", "on_hand", "available", "low_stock_threshold", "changed_at"]
    return _csv_text([(header, rows)]), len(rows)


def search_analytics_csv(*, start: date, end: date) -> tuple[str, int]:
    """The most searched queries of the period, then the most searched queries that found nothing."""
    stats = search_query_stats(start=start, end=end)
    limit = settings.REPORT_TOP_LIMIT
    top = [
        [rank, s.query, s.searches, s.zero_result_searches, f"{s.average_results:.2f}"]
        for rank, s in enumerate(stats[:limit], start=1)
    ]
    zero = sorted((s for s in stats if s.zero_result_searches), key=lambda s: (-s.zero_result_searches, s.query))
    zero_rows = [[rank, s.query, s.zero_result_searches] for rank, s in enumerate(zero[:limit], start=1)]
    text = _csv_text(
        [
            (["rank", "query", "searches", "zero_result_searches", "average_results"], top),
            (["rank", "zero_result_query", "searches"], zero_rows),
        ]
    )
    return text, len(top) + len(zero_rows)


def expiring_lots_csv(*, start: date, end: date) -> tuple[str, int]:
    """Lots expiring within ``REPORT_EXPIRING_LOTS_DAYS`` of the report's day (and expired ones still on
    the shelf), soonest first: what to sell, move or write off before the minimum shelf life bites."""
    rows = [
        [
            row["sku"],
            row["product"],
            row["lot"],
            row["expires_on"].isoformat(),
            row["days_left"],
            row["on_hand"],
            "yes" if row["blocked"] else "no",
        ]
        for row in expiring_lots(day=end, within_days=settings.REPORT_EXPIRING_LOTS_DAYS)
    ]
    header = ["sku", "product", "lot", "expires_on", "days_left", "on_hand", "blocked"]
    return _csv_text([(header, rows)]), len(rows)


BUILDERS: dict[str, Callable[..., tuple[str, int]]] = {
    ReportKind.SALES: sales_csv,
    ReportKind.LOW_STOCK: low_stock_csv,
    ReportKind.SEARCH_ANALYTICS: search_analytics_csv,
    ReportKind.EXPIRING_LOTS: expiring_lots_csv,
}
