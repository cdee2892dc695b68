"""Stock, its ledger and reservations in the admin, and the merchandisers' low-stock list.

Units on hand are never typed in: a stock page moves them with a reason (``StockForm``) and every
movement is listed in the ledger (read only).
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode

from catalog.inventory.adjustments import stock_edit
from catalog.inventory.admin_forms import StockForm
from catalog.inventory.models import LowStock, Reservation, Stock, StockMovement
from common.admin import NoManualEditsAdmin, ReadOnlyAdmin

RECENT_MOVEMENTS = 20


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    form = StockForm
    list_display = ["sku", "product", "on_hand", "reserved", "available", "low_stock_threshold"]
    list_select_related = ["variant__product"]
    search_fields = ["variant__sku", "variant__product__name"]
    readonly_fields = ["variant", "on_hand", "reserved", "available", "recent_movements"]
    fieldsets = [
        (None, {"fields": ["variant", "on_hand", "reserved", "available", "low_stock_threshold"]}),
        (
            "Movimentar estoque",
            {
                "fields": [
                    "stock_reason",
                    "stock_quantity",
                    "stock_lot_code",
                    "stock_lot_expires_on",
                    "stock_lot_manufactured_on",
                    "stock_note",
                    "stock_on_hand_seen",
                ],
                "description": "O estoque muda por movimentos: escolha o motivo e a quantidade.",
            },
        ),
        ("Movimentos", {"fields": ["recent_movements"]}),
    ]
    ordering = ["variant__sku"]

    @admin.display(description="SKU", ordering="variant__sku")
    def sku(self, stock):
        return stock.variant.sku

    @admin.display(description="produto", ordering="variant__product__name")
    def product(self, stock):
        return stock.variant.product.name

    @admin.display(description="disponível")
    def available(self, stock):
        return stock.available

    @admin.display(description="últimos movimentos")
    def recent_movements(self, stock):
        movements = StockMovement.objects.filter(stock=stock).select_related("created_by")[:RECENT_MOVEMENTS]
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    timezone.localtime(m.created_at).strftime("%d/%m/%Y %H:%M"),
                    m.get_reason_display(),
                    f"{m.delta:+d}",
                    m.on_hand_after,
                    m.reference,
                    m.created_by or "",
                    m.note,
                )
                for m in movements
            ),
        )
        everything = reverse("admin:inventory_stockmovement_changelist") + "?" + urlencode({"q": stock.variant.sku})
        return format_html(
            "<table><thead><tr><th>quando</th><th>motivo</th><th>variação</th><th>em estoque depois</th>"
            "<th>referência</th><th>por</th><th>observação</th></tr></thead><tbody>{}</tbody></table>"
            '<p><a href="{}">Todos os movimentos deste SKU</a></p>',
            rows,
            everything,
        )

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        """Only what this page changed: the threshold when edited, units through the movement asked for."""
        threshold = form.cleaned_data["low_stock_threshold"] if "low_stock_threshold" in form.changed_data else None
        stock_edit(variant=obj.variant, low_stock_threshold=threshold, by=request.user, **form.stock_movement())


@admin.register(LowStock)
class LowStockAdmin(StockAdmin):
    """Only the SKUs whose availability is at or below their threshold, the emptiest first."""

    list_filter = ["variant__product__brand"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(available_units=F("on_hand") - F("reserved") - F("unsellable"))
            .filter(available_units__lte=F("low_stock_threshold"))
            .order_by("available_units", "variant__sku")
        )


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    """The stock ledger: every change of units on hand, newest first. Written only by the services."""

    list_display = ["created_at", "sku", "reason", "delta", "on_hand_after", "reference", "created_by", "note"]
    list_filter = ["reason", "created_at"]
    list_select_related = ["created_by"]
    search_fields = ["sku", "reference"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "created_at", "stock", "sku", "reason", "delta", "on_hand_after", "reference", "created_by", "note"
    ]  # fmt: skip


@admin.register(Reservation)
class ReservationAdmin(NoManualEditsAdmin):
    list_display = ["order_number", "sku", "quantity", "state", "expires_at", "created_at"]
    list_filter = ["state"]
    search_fields = ["order_number", "sku"]
    readonly_fields = ["order_number", "sku", "variant", "quantity", "expires_at", "state", "created_at", "updated_at"]
