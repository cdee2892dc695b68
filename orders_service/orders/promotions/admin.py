"""Merchandisers run vouchers and automatic promotions here; voucher uses are shown, never edited."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyAdmin
from orders.promotions.admin_forms import PromotionForm, VoucherForm
from orders.promotions.models import Promotion, Voucher, VoucherUse

_WINDOW = (_("Validity and minimum"), {"fields": ("active", "starts_at", "ends_at", "min_subtotal")})
_SCOPE = (
    _("Restricted to (empty: the whole cart)"),
    {"fields": ("brands", "categories", "skus")},
)


@admin.register(Voucher)
class VoucherAdmin(admin.ModelAdmin):
    form = VoucherForm
    list_display = ("code", "name", "kind", "value", "uses_count", "usage_limit", "active", "starts_at", "ends_at")
    list_filter = ("kind", "active", "first_purchase_only")
    search_fields = ("code", "name")
    readonly_fields = ("uses_count",)
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "value")}),
        _WINDOW,
        (
            _("Limits and stacking"),
            {
                "fields": (
                    "usage_limit",
                    "per_customer_limit",
                    "uses_count",
                    "first_purchase_only",
                    "combines_with_promotions",
                    "release_on_cancel",
                )
            },
        ),
        _SCOPE,
    )


@admin.register(Promotion)
class PromotionAdmin(admin.ModelAdmin):
    form = PromotionForm
    list_display = ("name", "kind", "active", "starts_at", "ends_at", "min_subtotal")
    list_filter = ("kind", "active")
    search_fields = ("name", "gift_sku")
    fieldsets = (
        (None, {"fields": ("name", "kind")}),
        _WINDOW,
        (_("Quantity tier"), {"fields": ("buy_quantity", "pay_quantity")}),
        (_("Gift or sample"), {"fields": ("gift_sku", "gift_quantity")}),
        (_("Payment method discount"), {"fields": ("payment_method", "percent")}),
        _SCOPE,
    )


@admin.register(VoucherUse)
class VoucherUseAdmin(ReadOnlyAdmin):
    list_display = ("voucher", "order_id", "customer_key", "amount", "created_at", "released_at")
    list_filter = ("voucher",)
    search_fields = ("voucher__code", "=order_id", "customer_key")
