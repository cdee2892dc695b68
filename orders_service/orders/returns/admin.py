"""Support's returns: the list of returns to handle, and each return's steps as buttons."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.api import ApiError
from common.brazil.formatting import money_brl
from orders.returns.admin_forms import ReceiveReturnForm, RejectReturnForm
from orders.returns.models import OrderReturn, ReturnLine, ReturnStatus
from orders.returns.services import return_approve, return_receive, return_refund, return_reject


def _actor(request: HttpRequest) -> str:
    return f"support:{request.user.get_username()}"


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = ("sku", "name", "quantity", "amount", "condition")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# The return page's buttons: (url name suffix, label, the status it is offered in).
RETURN_ACTIONS = (
    ("approve", _("Approve"), ReturnStatus.REQUESTED),
    ("reject", _("Reject"), ReturnStatus.REQUESTED),
    ("receive", _("Goods received"), ReturnStatus.APPROVED),
    ("refund", _("Refund"), ReturnStatus.RECEIVED),
)


@admin.register(OrderReturn)
class OrderReturnAdmin(admin.ModelAdmin):
    change_form_template = "admin/returns/orderreturn/change_form.html"
    list_display = ("id", "order_link", "status", "refund_amount_brl", "opened_by", "created_at")
    list_filter = ("status", ("created_at", admin.DateFieldListFilter))
    search_fields = ("order__number", "order__email")
    ordering = ("-created_at",)
    inlines = (ReturnLineInline,)
    fields = (
        "order_link",
        "status",
        "reason",
        "rejection_reason",
        "opened_by",
        "refund_amount_brl",
        "shipping_amount_brl",
        "created_at",
        "approved_at",
        "received_at",
        "refunded_at",
    )
    readonly_fields = fields

    @admin.display(description=_("order"), ordering="order__number")
    def order_link(self, order_return: OrderReturn):
        url = reverse("admin:orders_order_change", args=[order_return.order_id])
        return format_html('<a href="{}">{}</a>', url, order_return.order.number)

    @admin.display(description=_("refund amount"), ordering="refund_amount")
    def refund_amount_brl(self, order_return: OrderReturn) -> str:
        return money_brl(order_return.refund_amount)

    @admin.display(description=_("shipping refunded (CDC art. 49)"))
    def shipping_amount_brl(self, order_return: OrderReturn) -> str:
        return money_brl(order_return.shipping_amount)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order")

    def has_add_permission(self, request) -> bool:
        return False  # opened from the order page ("Abrir devolução") or by the shopper

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        wrap = self.admin_site.admin_view
        own = [
            path(f"<int:object_id>/{name}/", wrap(self.step_view), {"step": name}, name=f"returns_orderreturn_{name}")
            for name, _label, _status in RETURN_ACTIONS
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order_return = self.get_object(request, object_id)
        buttons = []
        if order_return is not None and self.has_change_permission(request, order_return):
            buttons = [
                (reverse(f"admin:returns_orderreturn_{name}", args=[order_return.pk]), label)
                for name, label, status in RETURN_ACTIONS
                if order_return.status == status
            ]
        extra_context = {
            **(extra_context or {}),
            "support_buttons": buttons,
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, object_id, step: str):
        """A page per step (its form or a confirmation); POST runs the service and goes back to the return."""
        order_return = get_object_or_404(OrderReturn.objects.select_related("order"), pk=object_id)
        if not self.has_change_permission(request, order_return):
            raise PermissionDenied
        lines = list(order_return.lines.all())
        form = None
        if step == "reject":
            form = RejectReturnForm(request.POST or None)
        elif step == "receive":
            form = ReceiveReturnForm(request.POST or None, lines=lines)
        if request.method == "POST" and (form is None or form.is_valid()):
            actor = _actor(request)
            operations = {
                "approve": lambda: return_approve(order_return=order_return, actor=actor),
                "reject": lambda: return_reject(
                    order_return=order_return, actor=actor, reason=form.cleaned_data["reason"]
                ),
                "receive": lambda: return_receive(
                    order_return=order_return, actor=actor, conditions=form.conditions(lines)
                ),
                "refund": lambda: return_refund(order_return=order_return, actor=actor),
            }
            try:
                operations[step]()
            except ApiError as exc:
                self.message_user(request, f"#{order_return.pk}: {exc.detail}", messages.ERROR)
            else:
                self.message_user(request, _("Return #%(id)s: done.") % {"id": order_return.pk}, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:returns_orderreturn_change", args=[order_return.pk]))
        label = dict((name, label) for name, label, _status in RETURN_ACTIONS)[step]
        context = {
            **self.admin_site.each_context(request),
            "title": f"{label}: #{order_return.pk} ({order_return.order.number})",
            "order_return": order_return,
            "lines": lines,
            "form": form,
            "step": step,
            "submit_label": label,
            "opts": self.model._meta,
            "back_url": reverse("admin:returns_orderreturn_change", args=[order_return.pk]),
        }
        return TemplateResponse(request, "admin/returns/orderreturn/step.html", context)
