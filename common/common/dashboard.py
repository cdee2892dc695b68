"""The admins' home dashboards, shared by every service: panels of figures and short lists, and a small
server-rendered SVG chart of the last days' sales (no chart library, no script).

A service builds its ``Panel`` list from its own selectors and renders them with the template
``admin/dashboard_panels.html`` (in ``common/templates``) from its admin index template.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from common.brazil.formatting import money_brl

WIDTH, HEIGHT, BAR_GAP, TOP = 600, 160, 2, 16


@dataclass(frozen=True)
class PanelRow:
    """One line of a panel: what it is, where it leads (an admin URL or ""), and its figure."""

    label: str
    url: str = ""
    value: str = ""


@dataclass(frozen=True)
class Panel:
    """A box on the home page: a title, an optional headline figure, rows, an optional chart, a link."""

    key: str  # the panel's id in the page (``dashboard-<key>``)
    title: str
    headline: str = ""
    rows: list[PanelRow] = field(default_factory=list)
    empty: str = ""  # said when there are no rows
    chart: SafeString | None = None
    more_url: str = ""
    more_label: str = ""


@dataclass(frozen=True)
class DaySales:
    day: date
    orders: int
    net: Decimal


def sales_chart_svg(series: list[DaySales], *, label: str = "Vendas por dia") -> SafeString:
    """Bars of sales per day, each with a tooltip (``<title>``) in pt-BR; escaped throughout."""
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
                f"{day.day:%d/%m}: {money_brl(day.net)} ({day.orders} pedido{'s' if day.orders != 1 else ''})",
            )
        )
    rects = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#b0306a"><title>{}</title></rect>',
        bars,
    )
    if series:
        first, last = series[0].day, series[-1].day
        span = f"{label}, de {first:%d/%m/%Y} a {last:%d/%m/%Y}"
        first_text, last_text = f"{first:%d/%m}", f"{last:%d/%m}"
    else:
        span, first_text, last_text = label, "", ""
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {w} {h2}" width="100%" '
        'aria-label="{label}"><text x="0" y="11" font-size="11">Máximo: {peak}</text>{rects}'
        '<text x="0" y="{h2b}" font-size="11">{first}</text>'
        '<text x="{w}" y="{h2b}" font-size="11" text-anchor="end">{last}</text></svg>',
        w=WIDTH,
        h2=HEIGHT + 16,
        h2b=HEIGHT + 14,
        label=span,
        peak=money_brl(peak),
        rects=rects,
        first=first_text,
        last=last_text,
    )
