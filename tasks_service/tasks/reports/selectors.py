"""Reads of the reports app: report lists and the figures each report is made of."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, F, Max, QuerySet, Sum

from tasks.reports.models import Report, ReportStatus, SaleLine, SaleOrder, StockLevel

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def report_list() -> QuerySet[Report]:
    """Finished reports, the most recently produced first (what the API lists)."""
    return Report.objects.filter(status=ReportStatus.DONE).order_by("-created_at", "-id")


def report_get_done(*, report_id: int) -> Report | None:
    return report_list().filter(pk=report_id).first()


@dataclass(frozen=True)
class SalesDay:
    day: date
    currency: str
    orders: int
    gross_revenue: Decimal
    refunds: int
    refunded_amount: Decimal

    @property
    def net_revenue(self) -> Decimal:
        return self.gross_revenue - self.refunded_amount

    @property
    def average_order_value(self) -> Decimal:
        if not self.orders:
            return ZERO
        return (self.gross_revenue / self.orders).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ProductSales:
    sku: str
    name: str
    quantity: int
    revenue: Decimal


def sales_by_day(*, start: date, end: date) -> list[SalesDay]:
    """One row per local day and currency of the period: orders paid that day, and refunds announced that day.

    Days without sales are listed with zeros (in BRL), so a merchandiser sees the gap.
    """
    paid = (
        SaleOrder.objects.filter(paid_on__range=(start, end))
        .values("paid_on", "currency")
        .annotate(orders=Count("id"), gross=Sum("total"))
    )
    refunded = (
        SaleOrder.objects.filter(refunded=True, refunded_on__range=(start, end), total__isnull=False)
        .values("refunded_on", "currency")
        .annotate(refunds=Count("id"), amount=Sum("total"))
    )
    figures: dict[tuple[date, str], dict] = {}
    for row in paid:
        figures.setdefault((row["paid_on"], row["currency"]), {}).update(orders=row["orders"], gross=row["gross"])
    for row in refunded:
        figures.setdefault((row["refunded_on"], row["currency"]), {}).update(
            refunds=row["refunds"], amount=row["amount"]
        )
    days = []
    day = start
    while day <= end:
        currencies = sorted(currency for (key_day, currency) in figures if key_day == day) or ["BRL"]
        for currency in currencies:
            values = figures.get((day, currency), {})
            days.append(
                SalesDay(
                    day=day,
                    currency=currency,
                    orders=values.get("orders", 0),
                    gross_revenue=values.get("gross") or ZERO,
                    refunds=values.get("refunds", 0),
                    refunded_amount=values.get("amount") or ZERO,
                )
            )
        day += timedelta(days=1)
    return days


def sales_top_products(*, start: date, end: date, limit: int | None = None) -> list[ProductSales]:
    """The best-selling SKUs of orders paid in the period, by quantity then revenue."""
    rows = (
        SaleLine.objects.filter(order__paid_on__range=(start, end))
        .values("sku")
        .annotate(name=Max("name"), quantity=Sum("quantity"), revenue=Sum("line_total"))
        .order_by("-quantity", "-revenue", "sku")[: limit or settings.REPORT_TOP_LIMIT]
    )
    return [ProductSales(sku=r["sku"], name=r["name"], quantity=r["quantity"], revenue=r["revenue"]) for r in rows]


def low_stock_levels() -> QuerySet[StockLevel]:
    """SKUs whose available stock is at or below their threshold, the emptiest first."""
    return StockLevel.objects.filter(available__lte=F("low_stock_threshold")).order_by("available", "sku")


def expiring_lots(*, day: date, within_days: int) -> list[dict]:
    """Lots with units whose expiry is at most ``within_days`` after ``day`` (already expired ones
    too), as last announced by catalog: soonest first."""
    limit = day + timedelta(days=within_days)
    rows = []
    for level in StockLevel.objects.exclude(lots=[]).order_by("sku"):
        for lot in level.lots:
            expires_on = date.fromisoformat(lot["expires_on"])
            if lot["on_hand"] > 0 and expires_on <= limit:
                rows.append(
                    {
                        "sku": level.sku,
                        "product": level.product_name,
                        "lot": lot["lot"],
                        "expires_on": expires_on,
                        "days_left": (expires_on - day).days,
                        "on_hand": lot["on_hand"],
                        "blocked": bool(lot.get("blocked")),
                    }
                )
    return sorted(rows, key=lambda row: (row["expires_on"], row["sku"], row["lot"]))
