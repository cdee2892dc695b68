"""Customer support's view of orders: find them, read everything (read-only), act through the services."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from common.api import ApiError
from common.brazil.documents import document_mask
from common.brazil.formatting import money_brl
from orders.orders.admin_forms import (
    CancelForm,
    FulfilForm,
    NoteForm,
    OpenReturnForm,
    PartialRefundForm,
    RefundForm,
    TrackingCodesForm,
)
from orders.orders.exports import orders_csv_response
from orders.orders.formatting import address_lines
from orders.orders.models import Order, OrderLine, OrderNote, OrderStatusChange
from orders.orders.notes import order_note_add
from orders.orders.refunds import PARTIALLY_REFUNDABLE, order_refund_partial
from orders.orders.services import order_cancel, order_confirmation_resend, order_deliver, order_fulfil
from orders.orders.state_machine import CANCELLABLE, PAID_STATUSES, OrderStatus
from orders.payments.models import PaymentDispute, PaymentSession, PaymentTransaction
from orders.payments.services import payment_captured_and_refunded
from orders.returns.models import OrderReturn
from orders.returns.services import return_open


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ("sku", "name", "quantity", "unit_price", "line_total", "discount", "gift_kind", "lots_display")
    readonly_fields = fields

    @admin.display(description=_("lots (expiry)"))
    def lots_display(self, line):
        """The lots catalog sold the line from, e.g. "L2401 (val. 31/01/2027): 2 un."."""
        return (
            "; ".join(
                gettext("%(lot)s (exp. %(expires_on)s): %(quantity)s units")
                % {
                    "lot": lot["lot"],
                    "expires_on": f"{date.fromisoformat(lot['expires_on']):%d/%m/%Y}",
                    "quantity": lot["quantity"],
                }
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
    verbose_name_plural = _("disputes (chargebacks)")


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
    verbose_name_plural = _("status history")


class OrderNoteInline(ReadOnlyInline):
    """Support's internal notes (newest first); written with the form under the order, never edited."""

    model = OrderNote
    fields = ("created_at", "author", "body")
    readonly_fields = fields


class OrderReturnInline(ReadOnlyInline):
    model = OrderReturn
    fields = ("return_link", "status", "refund_amount_brl", "reason", "created_at")
    readonly_fields = fields

    @admin.display(description=_("return"))
    def return_link(self, order_return: OrderReturn):
        url = reverse("admin:returns_orderreturn_change", args=[order_return.pk])
        return format_html('<a href="{}">#{}</a>', url, order_return.pk)

    @admin.display(description=_("refund amount"))
    def refund_amount_brl(self, order_return: OrderReturn) -> str:
        return money_brl(order_return.refund_amount)


class TotalRangeFilter(admin.SimpleListFilter):
    title = _("total")
    parameter_name = "total_range"
    RANGES = {
        "lt100": (_("below R$ 100"), None, Decimal("100")),
        "100-199": (_("R$ 100 to R$ 199.99"), Decimal("100"), Decimal("200")),
        "200-499": (_("R$ 200 to R$ 499.99"), Decimal("200"), Decimal("500")),
        "gte500": (_("R$ 500 and more"), Decimal("500"), None),
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

    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [
            ("paid_out_of_stock", _("Paid without stock")),
            (
                "stuck_pending",
                _("Pending over %(minutes)d min (no stock answer)")
                % {"minutes": settings.ORDERS_PENDING_RETRY_MINUTES},
            ),
            ("refund_pending", _("Refund not confirmed by the provider")),
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


def _actor(request: HttpRequest) -> str:
    return f"support:{request.user.get_username()}"


# A number typed with or without its prefix: "CO-2026-000123", "2026-000123", "000123", "123".
ORDER_NUMBER_SEARCH = re.compile(r"^(?:CO-)?(?:(?P<year>\d{4})-)?(?P<serial>\d{1,12})$", re.IGNORECASE)


def order_search_filter(term: str) -> Q:
    """Orders a support agent means by ``term``: number (with or without prefix), e-mail, customer name,
    CPF/CNPJ (with or without punctuation) or phone (digits anywhere in the stored number)."""
    term = term.strip()
    query = Q(email__icontains=term) | Q(shipping_address__full_name__icontains=term)
    number = ORDER_NUMBER_SEARCH.match(term)
    if number:
        year, serial = number.group("year"), int(number.group("serial"))
        pattern = rf"^CO-{year or '[0-9]{4}'}-0*{serial}$"
        query |= Q(number__iregex=pattern)
    digits = re.sub(r"\D", "", term)
    if len(digits) in (11, 14):
        query |= Q(payer_document=digits)
    if len(digits) >= 8:
        query |= Q(shipping_address__phone__icontains=digits[-8:])  # the local number, however it was typed
    if term.upper().startswith("CO-"):
        query |= Q(number__iexact=term)
    return query


# The order page's buttons: (url name suffix, label, when it is offered).
SUPPORT_ACTIONS = (
    ("fulfil", _("Ship (carrier and tracking)"), lambda order: order.status in PAID_STATUSES),
    ("deliver", _("Mark delivered"), lambda order: order.status == OrderStatus.FULFILLED),
    ("cancel", _("Cancel order"), lambda order: order.status in CANCELLABLE),
    ("refund", _("Refund"), lambda order: order.status in PARTIALLY_REFUNDABLE),
    ("return", _("Open a return"), lambda order: order.status == OrderStatus.DELIVERED),
)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    change_form_template = "admin/orders/order/change_form.html"
    change_list_template = "admin/orders/order/change_list.html"
    list_display = (
        "number",
        "customer_name",
        "email",
        "status",
        "total_brl",
        "created_at",
        "paid_at",
        "tracking_code",
    )
    list_filter = ("status", NeedsAttentionFilter, ("created_at", admin.DateFieldListFilter), TotalRangeFilter)
    search_fields = ("=number", "email")  # widened by get_search_results (name, CPF, phone, bare number)
    search_help_text = _("Number (with or without CO-), customer name, e-mail, CPF/CNPJ or phone.")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    list_per_page = 50
    inlines = (
        OrderLineInline,
        OrderNoteInline,
        OrderReturnInline,
        PaymentSessionInline,
        PaymentTransactionInline,
        PaymentDisputeInline,
        OrderStatusChangeInline,
    )
    fields = (
        "number",
        "status",
        "email",
        "customer_name",
        "user_id",
        "subtotal",
        "discounts_display",
        "shipping",
        "shipping_chosen",
        "total",
        "currency",
        "address_formatted",
        "carrier",
        "tracking_code",
        "tracking_link",
        "payer_document_masked",
        "created_at",
        "paid_at",
    )
    readonly_fields = fields

    @admin.display(description=_("customer"), ordering="shipping_address__full_name")
    def customer_name(self, order: Order) -> str:
        return str((order.shipping_address or {}).get("full_name") or "")

    @admin.display(description=_("total"), ordering="total")
    def total_brl(self, order: Order) -> str:
        return money_brl(order.total)

    @admin.display(description=_("shipping address"))
    def address_formatted(self, order: Order):
        return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in address_lines(order.shipping_address)))

    @admin.display(description=_("tracking link"))
    def tracking_link(self, order: Order):
        if not order.tracking_url:
            return "—"
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', order.tracking_url, order.tracking_url)

    @admin.display(description=_("shipping method"))
    def shipping_chosen(self, order: Order) -> str:
        if not order.shipping_method:
            return "—"
        return gettext("%(method)s (%(days_min)s to %(days_max)s days)") % {
            "method": order.shipping_method_name,
            "days_min": order.shipping_days_min,
            "days_max": order.shipping_days_max,
        }

    @admin.display(description=_("discounts"))
    def discounts_display(self, order: Order) -> str:
        """Each discount the order got, with its reason, as the shopper saw it."""
        if not order.discounts:
            return "-"
        return "; ".join(f"{d.get('reason')}: {money_brl(Decimal(d.get('amount') or 0))}" for d in order.discounts)

    @admin.display(description=_("payer CPF/CNPJ"))
    def payer_document_masked(self, order: Order) -> str:
        return document_mask(order.payer_document)

    actions = (
        "mark_fulfilled",
        "mark_delivered",
        "refund_partially",
        "resend_confirmation",
        "export_csv",
    )

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(order_search_filter(search_term)), False

    # -- the order page: buttons instead of a save button, and the views behind them

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path("export/", wrap(self.export_filtered_view), name="orders_order_export"),
            path("<int:object_id>/note/", wrap(self.note_view), name="orders_order_note"),
        ]
        for name, view in (
            ("fulfil", self.fulfil_view),
            ("deliver", self.deliver_view),
            ("cancel", self.cancel_view),
            ("refund", self.refund_view),
            ("return", self.return_view),
        ):
            own.append(path(f"<int:object_id>/{name}/", wrap(view), name=f"orders_order_{name}"))
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        buttons = []
        if order is not None and self.has_change_permission(request, order):
            buttons = [
                (reverse(f"admin:orders_order_{name}", args=[order.pk]), label)
                for name, label, offered in SUPPORT_ACTIONS
                if offered(order)
            ]
        extra_context = {
            **(extra_context or {}),
            "support_buttons": buttons,
            "note_form": NoteForm() if order is not None and self.has_change_permission(request, order) else None,
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _order_for_change(self, request, object_id) -> Order:
        order = get_object_or_404(Order, pk=object_id)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        return order

    def _back(self, order: Order) -> HttpResponseRedirect:
        return HttpResponseRedirect(reverse("admin:orders_order_change", args=[order.pk]))

    def _page(self, request, order: Order, *, title, form, submit, intro="", confirm=None, hidden=None):
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "order": order,
            "form": form,
            "submit_label": submit,
            "intro": intro,
            "confirm": confirm,
            "hidden": hidden or {},
            "opts": self.model._meta,
            "back_url": reverse("admin:orders_order_change", args=[order.pk]),
        }
        return TemplateResponse(request, "admin/orders/order/support_action.html", context)

    def _run(self, request, order: Order, operation, done: str):
        """Run a service; its refusal (a 4xx ``ApiError``) is shown to the agent, the order page follows."""
        try:
            operation()
        except ApiError as exc:
            self.message_user(request, f"{order.number}: {exc.detail}", messages.ERROR)
        else:
            self.message_user(request, f"{order.number}: {done}", messages.SUCCESS)
        return self._back(order)

    def fulfil_view(self, request, object_id):
        order = self._order_for_change(request, object_id)
        form = FulfilForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            return self._run(
                request,
                order,
                lambda: order_fulfil(
                    order=order,
                    tracking_code=data["tracking_code"].strip(),
                    carrier=data["carrier"].strip(),
                    tracking_url=data["tracking_url"],
                    actor=_actor(request),
                ),
                _("shipped."),
            )
        return self._page(request, order, title=_("Ship order %s") % order.number, form=form, submit=_("Ship"))

    def deliver_view(self, request, object_id):
        order = self._order_for_change(request, object_id)
        if request.method == "POST":
            return self._run(
                request, order, lambda: order_deliver(order=order, actor=_actor(request)), _("marked delivered.")
            )
        return self._page(
            request,
            order,
            title=_("Mark order %s delivered") % order.number,
            form=None,
            submit=_("Yes, it was delivered"),
            intro=_("The 7 days of the right of withdrawal (CDC art. 49) count from now."),
        )

    def cancel_view(self, request, object_id):
        """Two steps: the reason, then a confirmation page saying what will happen (a refund, the stock)."""
        order = self._order_for_change(request, object_id)
        form = CancelForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"].strip()
            if request.POST.get("confirmed") == "yes":
                return self._run(
                    request,
                    order,
                    lambda: order_cancel(order=order, actor=_actor(request), reason=reason),
                    _("cancelled."),
                )
            if order.status in PAID_STATUSES:
                captured, refunded = payment_captured_and_refunded(order_id=order.pk)
                consequence = _("The payment is refunded (%(amount)s) and the stock is released.") % {
                    "amount": money_brl(captured - refunded)
                }
            else:
                consequence = _("Nothing was charged; the stock is released.")
            return self._page(
                request,
                order,
                title=_("Confirm the cancellation of order %s") % order.number,
                form=None,
                submit=_("Yes, cancel the order"),
                confirm={"reason": reason, "consequence": consequence},
                hidden={"reason": reason, "confirmed": "yes"},
            )
        return self._page(request, order, title=_("Cancel order %s") % order.number, form=form, submit=_("Continue"))

    def refund_view(self, request, object_id):
        order = self._order_for_change(request, object_id)
        form = RefundForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            amount, lines = data["amount"], data["lines"] or None
            if data["kind"] == RefundForm.FULL:
                captured, refunded = payment_captured_and_refunded(order_id=order.pk)
                amount, lines = captured - refunded, None
            return self._run(
                request,
                order,
                lambda: order_refund_partial(
                    order=order, actor=_actor(request), reason=data["reason"], amount=amount, lines=lines
                ),
                _("refund requested."),
            )
        return self._page(
            request,
            order,
            title=_("Refund order %s") % order.number,
            form=form,
            submit=_("Refund"),
            intro=_("Before shipping, a full refund is a cancellation (the stock comes back): use Cancel."),
        )

    def return_view(self, request, object_id):
        order = self._order_for_change(request, object_id)
        form = OpenReturnForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            return self._run(
                request,
                order,
                lambda: return_open(order=order, lines=data["lines"], reason=data["reason"], actor=_actor(request)),
                _("return opened."),
            )
        return self._page(
            request, order, title=_("Open a return of order %s") % order.number, form=form, submit=_("Open return")
        )

    def note_view(self, request, object_id):
        order = self._order_for_change(request, object_id)
        form = NoteForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            order_note_add(order=order, author=request.user.get_username(), body=form.cleaned_data["body"])
            self.message_user(request, _("Note saved."), messages.SUCCESS)
        elif request.method == "POST":
            self.message_user(request, _("Write the note before saving it."), messages.ERROR)
        return self._back(order)

    def export_filtered_view(self, request):
        """The changelist's current filters and search, all pages, as an Excel-ready CSV."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        changelist = self.get_changelist_instance(request)
        return orders_csv_response(changelist.get_queryset(request))

    # -- bulk actions of the list

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
            self.message_user(
                request,
                ngettext("%(count)d order %(verb)s.", "%(count)d orders %(verb)s.", done)
                % {"count": done, "verb": verb},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request, _("Not %(verb)s: %(orders)s") % {"verb": verb, "orders": "; ".join(refused)}, messages.WARNING
            )

    @admin.action(description=_("Mark fulfilled (enter tracking codes)"), permissions=["change"])
    def mark_fulfilled(self, request, queryset):
        orders = list(queryset.order_by("pk"))
        form = TrackingCodesForm(request.POST if "apply" in request.POST else None, orders=orders)
        if "apply" in request.POST and form.is_valid():
            codes = {order.pk: form.cleaned_data[f"tracking_{order.pk}"].strip() for order in orders}
            self._each(
                request,
                queryset,
                _("marked fulfilled"),
                lambda order: order_fulfil(order=order, tracking_code=codes[order.pk], actor=_actor(request)),
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Mark orders fulfilled"),
            "form": form,
            "orders": orders,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/orders/order/mark_fulfilled.html", context)

    @admin.action(description=_("Mark delivered"), permissions=["change"])
    def mark_delivered(self, request, queryset):
        self._each(
            request, queryset, _("marked delivered"), lambda order: order_deliver(order=order, actor=_actor(request))
        )

    @admin.action(description=_("Partial refund (amount or items, with a reason)"), permissions=["change"])
    def refund_partially(self, request, queryset):
        orders = list(queryset.order_by("pk")[:2])
        if len(orders) != 1:
            self.message_user(request, _("Choose one order at a time for a partial refund."), messages.WARNING)
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
            self.message_user(
                request,
                _("%(number)s: refund of %(amount)s requested.") % {"number": order.number, "amount": money_brl(total)},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Partial refund of order %(number)s") % {"number": order.number},
            "form": form,
            "order": order,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/orders/order/refund_partially.html", context)

    @admin.action(description=_("Resend the confirmation email"), permissions=["change"])
    def resend_confirmation(self, request, queryset):
        self._each(
            request,
            queryset,
            _("queued for a new confirmation email"),
            lambda order: order_confirmation_resend(order=order, actor=_actor(request)),
        )

    @admin.action(description=_("Export selected as CSV (Excel)"), permissions=["view"])
    def export_csv(self, request, queryset):
        return orders_csv_response(queryset)
