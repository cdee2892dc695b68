"""Customer support's view of orders: find them, read everything (read-only), act through the services."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone

from common.api import ApiError
from orders.orders.models import Order, OrderLine, OrderStatusChange
from orders.orders.services import order_cancel, order_confirmation_resend, order_deliver, order_fulfil
from orders.orders.state_machine import OrderStatus
from orders.payments.models import PaymentSession, PaymentTransaction


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("sku", "name", "quantity", "unit_price", "line_total", "lots_display")
    readonly_fields = fields

    @admin.display(description="lotes (validade)")
    def lots_display(self, line):
        """The lots catalog sold the line from, e.g. "L2401 (val. 31/01/2027): 2 un."."""
        return (
            "; ".join(
                f"{lot['lot']} (val. {date.fromisoformat(lot['expires_on']):%d/%m/%Y}): {lot['quantity']} un."
                for lot in line.lots
            )
            or "—"
        )


class PaymentSessionInline(ReadOnlyInline):
    model = PaymentSession
    fields = ("provider", "status", "amount", "currency", "provider_reference", "expires_at")
    readonly_fields = fields


class PaymentTransactionInline(ReadOnlyInline):
    model = PaymentTransaction
    fk_name = "order"
    fields = (
        "created_at",
        "kind",
        "status",
        "amount",
        "currency",
        "provider",
        "provider_reference",
        "failure_code",
        "note",
    )
    readonly_fields = fields


class OrderStatusChangeInline(ReadOnlyInline):
    model = OrderStatusChange
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    verbose_name_plural = "status history"


class TotalRangeFilter(admin.SimpleListFilter):
    title = "total"
    parameter_name = "total_range"
    RANGES = {
        "lt100": ("below R$ 100", None, Decimal("100")),
        "100-199": ("R$ 100 to R$ 199.99", Decimal("100"), Decimal("200")),
        "200-499": ("R$ 200 to R$ 499.99", Decimal("200"), Decimal("500")),
        "gte500": ("R$ 500 and more", Decimal("500"), None),
    }

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _low, _high) in self.RANGES.items()]

    def queryset(self, request, queryset):
        if self.value() not in self.RANGES:
            return queryset
        _label, low, high = self.RANGES[self.value()]
        if low is not None:
            queryset = queryset.filter(total__gte=low)
        if high is not None:
            queryset = queryset.filter(total__lt=high)
        return queryset


class NeedsAttentionFilter(admin.SimpleListFilter):
    """What support must look at: paid orders catalog could not cover, orders stuck pending, refunds unconfirmed."""

    title = "needs attention"
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("paid_out_of_stock", "Paid without stock"),
            ("stuck_pending", f"Pending over {settings.ORDERS_PENDING_RETRY_MINUTES} min (no stock answer)"),
            ("refund_pending", "Refund not confirmed by the provider"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "paid_out_of_stock":
            return queryset.filter(status=OrderStatus.PAID_OUT_OF_STOCK)
        if self.value() == "stuck_pending":
            since = timezone.now() - timedelta(minutes=settings.ORDERS_PENDING_RETRY_MINUTES)
            return queryset.filter(status=OrderStatus.PENDING, created_at__lte=since)
        if self.value() == "refund_pending":
            return queryset.filter(
                payments__kind=PaymentTransaction.Kind.REFUND, payments__status=PaymentTransaction.Status.PENDING
            ).distinct()
        return queryset


class TrackingCodesForm(forms.Form):
    """One tracking code per selected order (fields added per order)."""

    def __init__(self, *args, orders: list[Order], **kwargs):
        super().__init__(*args, **kwargs)
        for order in orders:
            self.fields[f"tracking_{order.pk}"] = forms.CharField(label=order.number, max_length=64)


def _actor(request: HttpRequest) -> str:
    return f"support:{request.user.get_username()}"


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("number", "email", "status", "total", "currency", "created_at", "paid_at", "tracking_code")
    list_filter = ("status", NeedsAttentionFilter, ("created_at", admin.DateFieldListFilter), TotalRangeFilter)
    search_fields = ("=number", "email")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_per_page = 50
    inlines = (OrderLineInline, PaymentSessionInline, PaymentTransactionInline, OrderStatusChangeInline)
    fields = (
        "number",
        "status",
        "email",
        "user_id",
        "subtotal",
        "shipping",
        "total",
        "currency",
        "shipping_address",
        "tracking_code",
        "created_at",
        "paid_at",
    )
    readonly_fields = fields
    actions = ("mark_fulfilled", "mark_delivered", "cancel_with_refund", "resend_confirmation", "export_csv")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _each(self, request, queryset: QuerySet[Order], verb: str, operation) -> None:
        """Apply ``operation`` to each order; report the ones the state machine refused, by number."""
        done, refused = 0, []
        for order in queryset.order_by("pk"):
            try:
                operation(order)
                done += 1
            except ApiError as exc:
                refused.append(f"{order.number} ({exc.detail})")
        if done:
            self.message_user(request, f"{done} order(s) {verb}.", messages.SUCCESS)
        if refused:
            self.message_user(request, f"Not {verb}: {'; '.join(refused)}", messages.WARNING)

    @admin.action(description="Mark fulfilled (enter tracking codes)", permissions=["change"])
    def mark_fulfilled(self, request, queryset):
        orders = list(queryset.order_by("pk"))
        form = TrackingCodesForm(request.POST if "apply" in request.POST else None, orders=orders)
        if "apply" in request.POST and form.is_valid():
            codes = {order.pk: form.cleaned_data[f"tracking_{order.pk}"].strip() for order in orders}
            self._each(
                request,
                queryset,
                "marked fulfilled",
                lambda order: order_fulfil(order=order, tracking_code=codes[order.pk], actor=_actor(request)),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Mark orders fulfilled",
            "form": form,
            "orders": orders,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/orders/order/mark_fulfilled.html", context)

    @admin.action(description="Mark delivered", permissions=["change"])
    def mark_delivered(self, request, queryset):
        self._each(
            request, queryset, "marked delivered", lambda order: order_deliver(order=order, actor=_actor(request))
        )

    @admin.action(description="Cancel (refund paid orders)", permissions=["change"])
    def cancel_with_refund(self, request, queryset):
        self._each(
            request,
            queryset,
            "cancelled",
            lambda order: order_cancel(order=order, actor=_actor(request), reason="cancelled by customer support"),
        )

    @admin.action(description="Resend the confirmation email", permissions=["change"])
    def resend_confirmation(self, request, queryset):
        self._each(
            request,
            queryset,
            "queued for a new confirmation email",
            lambda order: order_confirmation_resend(order=order, actor=_actor(request)),
        )

    @admin.action(description="Export selected as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="orders-{stamp}.csv"'
        writer = csv.writer(response)
        columns = ["number", "created_at", "status", "email", "subtotal", "shipping", "total", "currency"]
        writer.writerow([*columns, "paid_at", "tracking_code"])
        for row in queryset.order_by("created_at").values_list(*columns, "paid_at", "tracking_code"):
            writer.writerow(["" if value is None else value for value in row])
        return response
