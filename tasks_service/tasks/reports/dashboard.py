"""The tasks admin's home: last reports, failed emails and the last 30 days' sales as a small SVG chart.

Everything comes from tasks' own tables (the sales read model, reports, the email log). The chart is
rendered on the server (no chart library, no script): one bar per local day, net of refunds.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from common.brazil.formatting import money_brl
from common.dashboard import DaySales, sales_chart_svg
from tasks.emails.models import EmailLog, EmailStatus
from tasks.reports.models import Report
from tasks.reports.periods import local_today
from tasks.reports.selectors import sales_by_day

CHART_DAYS = 30


def last_days_sales(*, days: int = CHART_DAYS, today: date | None = None) -> list[DaySales]:
    """Orders and net revenue (BRL) per local day, the last ``days`` days up to today, zeros included."""
    end = today or local_today()
    start = end - timedelta(days=days - 1)
    totals: dict[date, DaySales] = {}
    for row in sales_by_day(start=start, end=end):
        if row.currency == "BRL":
            totals[row.day] = DaySales(day=row.day, orders=row.orders, net=row.net_revenue)
    return [
        totals.get(start + timedelta(days=n), DaySales(day=start + timedelta(days=n), orders=0, net=Decimal("0")))
        for n in range(days)
    ]


def dashboard_context() -> dict:
    series = last_days_sales()
    failed = EmailLog.objects.filter(status=EmailStatus.FAILED)
    return {
        "sales_chart": sales_chart_svg(series, label="Vendas líquidas por dia"),
        "sales_total": money_brl(sum((day.net for day in series), Decimal("0"))),
        "sales_orders": sum(day.orders for day in series),
        "today": series[-1],
        "today_net": money_brl(series[-1].net),
        "last_reports": list(Report.objects.order_by("-created_at", "-id")[:5]),
        "failed_emails": list(failed.order_by("-created_at", "-id")[:5]),
        "failed_count": failed.count(),
    }
