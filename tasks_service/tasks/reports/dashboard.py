"""The tasks admin's home: last reports, failed emails and the last 30 days' sales as a small SVG chart.

Everything comes from tasks' own tables (the sales read model, reports, the email log). The chart is
rendered on the server (no chart library, no script): one bar per local day, net of refunds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from tasks.emails.models import EmailLog, EmailStatus
from tasks.reports.models import Report
from tasks.reports.periods import local_today
from tasks.reports.selectors import sales_by_day

CHART_DAYS = 30
WIDTH, HEIGHT, BAR_GAP, TOP = 600, 160, 2, 16


def brl(amount: Decimal) -> str:
    """``Decimal("1234.5")`` -> ``R$ 1.234,50``."""
    return "R$ " + f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


@dataclass(frozen=True)
class DaySales:
    day: date
    orders: int
    net: Decimal


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


def sales_chart_svg(series: list[DaySales]) -> SafeString:
    """Bars of net revenue per day, each with a tooltip (``<title>``) in pt-BR; escaped throughout."""
    peak = max((day.net for day in series), default=Decimal("0"))
    bar_width = WIDTH / max(len(series), 1)
    bars = []
    for index, day in enumerate(series):
        height = 0 if peak <= 0 else max(float(day.net / peak) * (HEIGHT - TOP), 0)
        bars.append(
            (
                f"{index * bar_width:.1f}",
                f"{HEIGHT - height:.1f}",
                f"{max(bar_width - BAR_GAP, 1):.1f}",
                f"{height:.1f}",
                f"{day.day:%d/%m}: {brl(day.net)} ({day.orders} pedido{'s' if day.orders != 1 else ''})",
            )
        )
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#b0306a"><title>{}</title></rect>',
        bars,
    )
    first, last = (series[0].day, series[-1].day) if series else (local_today(), local_today())
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {h2}" width="100%" '
        'aria-label="{label}"><text x="0" y="11" font-size="11">Máximo: {peak}</text>{rects}'
        '<text x="0" y="{h2b}" font-size="11">{first}</text>'
        '<text x="{w}" y="{h2b}" font-size="11" text-anchor="end">{last}</text></svg>',
        w=WIDTH,
        h2=HEIGHT + 16,
        h2b=HEIGHT + 14,
        label=f"Vendas líquidas por dia, de {first:%d/%m/%Y} a {last:%d/%m/%Y}",
        peak=brl(peak),
        rects=rects,
        first=f"{first:%d/%m}",
        last=f"{last:%d/%m}",
    )


def dashboard_context() -> dict:
    series = last_days_sales()
    failed = EmailLog.objects.filter(status=EmailStatus.FAILED)
    return {
        "sales_chart": sales_chart_svg(series),
        "sales_total": brl(sum((day.net for day in series), Decimal("0"))),
        "sales_orders": sum(day.orders for day in series),
        "today": series[-1],
        "today_net": brl(series[-1].net),
        "last_reports": list(Report.objects.order_by("-created_at", "-id")[:5]),
        "failed_emails": list(failed.order_by("-created_at", "-id")[:5]),
        "failed_count": failed.count(),
    }
