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
from common.brazil.documents import document_mask
from common.brazil.formatting import money_brl
from orders.orders.models import Order, OrderLine, OrderStatusChange
from orders.orders.refunds import order_refund_partial
from orders.orders.services import order_cancel, order_confirmation_resend, order_deliver, order_fulfil
from orders.orders.state_machine import OrderStatus
from orders.payments.models import PaymentDispute, PaymentSession, PaymentTransaction


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
    fields = (
        "provider",
        "method",
        "installments",
        "status",
        "amount",
        "currency",
        "provider_reference",
        "expires_at",
        "boleto_due_date",
        "provider_attempts",
        "provider_error",
    )
    readonly_fields = fields


class PaymentDisputeInline(ReadOnlyInline):
    """Chargebacks and disputes the provider notified: support answers them at the provider."""

    model = PaymentDispute
    fields = ("opened_at", "provider", "reference", "charge_reference", "amount", "reason", "status")
    readonly_fields = fields
    verbose_name_plural = "contestações (chargebacks)"


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


class PartialRefundForm(forms.Form):
    """Support's partial refund: an amount, or lines as ``SKU=quantity`` one per line, and the reason."""

    amount = forms.DecimalField(label="Valor (R$)", required=False, min_value=Decimal("0.01"), decimal_places=2)
    lines = forms.CharField(
        label="Ou itens (um por linha: SKU=quantidade)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    reason = forms.CharField(label="Motivo", max_length=300)

    def clean_lines(self) -> dict[str, int]:
        parsed: dict[str, int] = {}
        for row in self.cleaned_data["lines"].splitlines():
            if not row.strip():
                continue
            sku, _, quantity = row.partition("=")
            if not quantity.strip().isdigit():
                raise forms.ValidationError(f"Linha inválida: {row!r} (use SKU=quantidade).")
            parsed[sku.strip()] = parsed.get(sku.strip(), 0) + int(quantity)
        return parsed

    def clean(self):
        data = super().clean()
        if not data.get("amount") and not data.get("lines"):
            raise forms.ValidationError("Informe o valor ou os itens do reembolso.")
        if data.get("amount") and data.get("lines"):
            raise forms.ValidationError("Informe o valor ou os itens, não os dois.")
        return data


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
    inlines = (
        OrderLineInline,
        PaymentSessionInline,
        PaymentTransactionInline,
        PaymentDisputeInline,
        OrderStatusChangeInline,
    )
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
        "payer_document_masked",
        "created_at",
        "paid_at",
    )
    readonly_fields = fields

    @admin.display(description="CPF/CNPJ do pagador")
    def payer_document_masked(self, order: Order) -> str:
        return document_mask(order.payer_document)

    actions = (
        "mark_fulfilled",
        "mark_delivered",
        "cancel_with_refund",
        "refund_partially",
        "resend_confirmation",
        "export_csv",
    )

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

    @admin.action(description="Reembolso parcial (valor ou itens, com motivo)", permissions=["change"])
    def refund_partially(self, request, queryset):
        orders = list(queryset.order_by("pk")[:2])
        if len(orders) != 1:
            self.message_user(request, "Escolha um pedido por vez para o reembolso parcial.", messages.WARNING)
            return None
        [order] = orders
        form = PartialRefundForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            try:
                refunds = order_refund_partial(
                    order=order,
                    actor=_actor(request),
                    reason=form.cleaned_data["reason"],
                    amount=form.cleaned_data["amount"],
                    lines=form.cleaned_data["lines"] or None,
                )
            except ApiError as exc:
                self.message_user(request, f"{order.number}: {exc.detail}", messages.WARNING)
                return None
            total = sum((refund.amount for refund in refunds), Decimal("0.00"))
            self.message_user(request, f"{order.number}: reembolso de {money_brl(total)} pedido.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Reembolso parcial do pedido {order.number}",
            "form": form,
            "order": order,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/orders/order/refund_partially.html", context)

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
