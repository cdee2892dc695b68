"""Stock and reservations in the admin, and the merchandisers' low-stock list."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F

from catalog.inventory.models import LowStock, Reservation, Stock
from catalog.inventory.services import stock_set
from common.admin import NoManualEditsAdmin


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    list_display = ["sku", "product", "on_hand", "reserved", "available", "low_stock_threshold"]
    list_select_related = ["variant__product"]
    search_fields = ["variant__sku", "variant__product__name"]
    fields = ["variant", "on_hand", "reserved", "low_stock_threshold"]
    readonly_fields = ["variant", "reserved"]
    ordering = ["variant__sku"]

    @admin.display(description="SKU", ordering="variant__sku")
    def sku(self, stock):
        return stock.variant.sku

    @admin.display(ordering="variant__product__name")
    def product(self, stock):
        return stock.variant.product.name

    @admin.display()
    def available(self, stock):
        return stock.available

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        stock_set(variant=obj.variant, on_hand=obj.on_hand, low_stock_threshold=obj.low_stock_threshold)


@admin.register(LowStock)
class LowStockAdmin(StockAdmin):
    """Only the SKUs whose availability is at or below their threshold, the emptiest first."""

    list_filter = ["variant__product__brand"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(available_units=F("on_hand") - F("reserved"))
            .filter(available_units__lte=F("low_stock_threshold"))
            .order_by("available_units", "variant__sku")
        )


@admin.register(Reservation)
class ReservationAdmin(NoManualEditsAdmin):
    list_display = ["order_number", "sku", "quantity", "state", "expires_at", "created_at"]
    list_filter = ["state"]
    search_fields = ["order_number", "sku"]
    readonly_fields = ["order_number", "sku", "variant", "quantity", "expires_at", "state", "created_at", "updated_at"]
