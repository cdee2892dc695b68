"""Stock, its ledger and reservations in the admin, and the merchandisers' low-stock list.

Units on hand are never typed in: a stock page moves them with a reason (``StockForm``) and every
movement is listed in the ledger (read only).
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from catalog.inventory.adjustments import stock_edit
from catalog.inventory.admin_forms import StockForm
from catalog.inventory.models import LowStock, Reservation, Stock, StockLot, StockMovement
from catalog.inventory.recalls import lot_block, lot_customers_notify, lot_recipients
from common.admin import NoManualEditsAdmin, ReadOnlyAdmin

RECENT_MOVEMENTS = 20


@admin.register(Stock)
class StockAdmin(admin.ModelAdmin):
    form = StockForm
    list_display = ["sku", "product", "on_hand", "reserved", "available", "low_stock_threshold"]
    list_select_related = ["variant__product"]
    search_fields = ["variant__sku", "variant__product__name"]
    readonly_fields = ["variant", "on_hand", "reserved", "available", "lots_table", "recent_movements"]
    fieldsets = [
        (None, {"fields": ["variant", "on_hand", "reserved", "available", "low_stock_threshold"]}),
        (
            _("Move stock"),
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
        (_("Lots"), {"fields": ["lots_table"]}),
        (_("Movements"), {"fields": ["recent_movements"]}),
    ]
    ordering = ["variant__sku"]

    @admin.display(description=_("SKU"), ordering="variant__sku")
    def sku(self, stock):
        return stock.variant.sku

    @admin.display(description=_("product"), ordering="variant__product__name")
    def product(self, stock):
        return stock.variant.product.name

    @admin.display(description=_("available"))
    def available(self, stock):
        return stock.available

    @admin.display(description=_("lots (first to expire first)"))
    def lots_table(self, stock):
        lots = StockLot.objects.filter(stock=stock).order_by("expires_on", "id")
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    reverse("admin:inventory_stocklot_change", args=[lot.pk]),
                    lot.code,
                    f"{lot.expires_on:%d/%m/%Y}",
                    lot.on_hand,
                    lot.reserved,
                    _("blocked") if lot.is_blocked else "",
                )
                for lot in lots
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "<th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("lot"),
            _("expiry"),
            _("on hand"),
            _("reserved"),
            _("state"),
            rows,
        )

    @admin.display(description=_("latest movements"))
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
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th>"
            "<th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>"
            '<p><a href="{}">{}</a></p>',
            _("when"),
            _("reason"),
            _("delta"),
            _("on hand after"),
            _("reference"),
            _("by"),
            _("note"),
            rows,
            everything,
            _("Every movement of this SKU"),
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


class StockLotForm(forms.ModelForm):
    """A lot's page: its data is read only; a merchandiser may only block it, with a reason."""

    block_reason = forms.CharField(
        label=_("Block the lot (recall)"),
        required=False,
        max_length=300,
        help_text=_("Give the reason to block it: the lot stops being sold at once."),
    )

    class Meta:
        model = StockLot
        fields: list[str] = []


@admin.register(StockLot)
class StockLotAdmin(admin.ModelAdmin):
    """Lots by expiry; blocking (recall) and the customers who received a lot."""

    form = StockLotForm
    list_display = ["code", "sku", "product", "expires_on", "on_hand", "reserved", "blocked"]
    list_filter = [("blocked_at", admin.EmptyFieldListFilter), "expires_on"]
    list_select_related = ["stock__variant__product"]
    search_fields = ["code", "stock__variant__sku", "stock__variant__product__name"]
    ordering = ["expires_on", "id"]
    actions = ["notify_customers"]
    readonly_fields = [
        "stock",
        "code",
        "manufactured_on",
        "expires_on",
        "on_hand",
        "reserved",
        "blocked_at",
        "blocked_reason",
        "customers_notified_at",
        "recipients",
    ]

    def get_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None and not obj.is_blocked:
            fields.insert(fields.index("blocked_at"), "block_reason")
        return fields

    @admin.display(description=_("SKU"), ordering="stock__variant__sku")
    def sku(self, lot):
        return lot.stock.variant.sku

    @admin.display(description=_("product"))
    def product(self, lot):
        return lot.stock.variant.product.name

    @admin.display(description=_("blocked"), boolean=True)
    def blocked(self, lot):
        return lot.is_blocked

    @admin.display(description=_("paid orders that received the lot"))
    def recipients(self, lot):
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    r.order_number,
                    r.email or "—",
                    r.quantity,
                    timezone.localtime(r.paid_at).strftime("%d/%m/%Y %H:%M") if r.paid_at else "",
                )
                for r in lot_recipients(lot=lot)
            ),
        )
        return format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("order"),
            _("customer"),
            _("units"),
            _("paid at"),
            rows,
        )

    def has_add_permission(self, request):
        return False  # lots arrive with a receipt (stock page, product page, CSV)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("block_reason")
        if reason:
            blocked = lot_block(lot=obj, reason=reason)
            if blocked.holds_moved:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d open reservation moved to other lots.",
                        "%(count)d open reservations moved to other lots.",
                        blocked.holds_moved,
                    )
                    % {"count": blocked.holds_moved},
                )
            if blocked.holds_uncovered:
                messages.error(
                    request,
                    ngettext(
                        "%(count)d open reservation was left without another sellable lot: if it is paid without "
                        "restocking, customer support sees the order as paid without stock.",
                        "%(count)d open reservations were left without another sellable lot: if they are paid "
                        "without restocking, customer support sees the order as paid without stock.",
                        blocked.holds_uncovered,
                    )
                    % {"count": blocked.holds_uncovered},
                )
            messages.warning(request, _("Lot %(code)s blocked: it will not be sold any more.") % {"code": obj.code})

    @admin.action(description=_("Notify customers (lot recall)"))
    def notify_customers(self, request, queryset):
        for lot in queryset:
            try:
                told = lot_customers_notify(lot=lot)
            except ValidationError as error:
                self.message_user(request, f"{lot.code}: {error.messages[0]}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "%(code)s: %(count)d customer will be told by email.",
                        "%(code)s: %(count)d customers will be told by email.",
                        told,
                    )
                    % {"code": lot.code, "count": told},
                )
