"""The catalog admin's home panels, each shown to whoever may see its table (``common.dashboard``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from catalog.dashboard.selectors import lots_expiring, low_stock, products_without_images
from catalog.shopper_activity.selectors import zero_result_searches
from common.dashboard import Panel, PanelRow

ROWS = 8


def _low_stock_panel() -> Panel:
    count, rows = low_stock(limit=ROWS)
    return Panel(
        key="low-stock",
        title="Estoque baixo",
        headline=f"{count} SKU{'s' if count != 1 else ''}",
        rows=[
            PanelRow(
                label=f"{stock.variant.sku} · {stock.variant.product.name} {stock.variant.name}",
                url=reverse("admin:inventory_lowstock_change", args=[stock.pk]),
                value=f"{stock.available_units} disponíve{'is' if stock.available_units != 1 else 'l'}"
                f" (mínimo {stock.low_stock_threshold})",
            )
            for stock in rows
        ],
        empty="Nenhum SKU com estoque baixo.",
        more_url=reverse("admin:inventory_lowstock_changelist"),
        more_label="Ver todo o estoque baixo",
    )


def _expiring_lots_panel() -> Panel:
    days = settings.CATALOG_DASHBOARD_EXPIRY_DAYS
    count, rows = lots_expiring(within_days=days, limit=ROWS)
    today = timezone.localdate()
    return Panel(
        key="expiring-lots",
        title=f"Lotes que vencem em até {days} dias",
        headline=f"{count} lote{'s' if count != 1 else ''}",
        rows=[
            PanelRow(
                label=f"{lot.code} · {lot.stock.variant.sku}",
                url=reverse("admin:inventory_stocklot_change", args=[lot.pk]),
                value=f"{'venceu' if lot.expires_on < today else 'validade'} {lot.expires_on:%d/%m/%Y}"
                f" · {lot.on_hand} un.",
            )
            for lot in rows
        ],
        empty="Nenhum lote perto do vencimento.",
        more_url=reverse("admin:inventory_stocklot_changelist"),
        more_label="Ver os lotes",
    )


def _last(value) -> str:
    """``, última em 01/12 09:24`` (São Paulo) from the log's time, whichever way the driver gave it."""
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)  # the MongoDB-protocol server's extended JSON: {"$date": "..."}
        except ValueError:
            return ""
    if isinstance(value, dict):
        value = value.get("$date")
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return ""
    if not isinstance(value, datetime):
        return ""
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)  # MongoDB keeps UTC
    return f", última em {timezone.localtime(value):%d/%m %H:%M}"


def _zero_result_panel() -> Panel:
    rows = zero_result_searches(limit=ROWS)
    return Panel(
        key="zero-results",
        title="Buscas sem resultado",
        rows=[
            PanelRow(
                label=row["query"],
                value=f"{row['count']} busca{'s' if row['count'] != 1 else ''}" + _last(row.get("last_searched_at")),
            )
            for row in rows
        ],
        empty="Nenhuma busca sem resultado (ou o registro de buscas está fora do ar).",
        more_url=reverse("admin:shopper_activity_zeroresultquery_changelist"),
        more_label="Ver todas as buscas sem resultado",
    )


def _without_images_panel() -> Panel:
    products = products_without_images()
    count = products.count()
    return Panel(
        key="without-images",
        title="Produtos sem foto",
        headline=f"{count} produto{'s' if count != 1 else ''}",
        rows=[
            PanelRow(label=product.name, url=reverse("admin:products_product_change", args=[product.pk]))
            for product in products[:ROWS]
        ],
        empty="Todos os produtos têm foto.",
    )


PANELS = (
    ("inventory.view_lowstock", _low_stock_panel),
    ("inventory.view_stocklot", _expiring_lots_panel),
    ("shopper_activity.view_zeroresultquery", _zero_result_panel),
    ("products.view_product", _without_images_panel),
)


def catalog_panels(*, user) -> list[Panel]:
    """The panels whose table ``user`` may see, in order."""
    return [build() for permission, build in PANELS if user.has_perm(permission)]
