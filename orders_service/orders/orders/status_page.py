"""The order status page a guest reaches from an email when the shop has no storefront configured.

``GET /pedidos/<number>/?token=<access token>``: a small server-rendered pt-BR page (status, lines,
totals, tracking code). It opens exactly what ``GET /api/orders/orders/{number}`` opens for a guest
(``order_for_shopper``): a wrong or missing token gets the same 404 as a number that does not exist.
``GET /pedidos/`` is the landing page the welcome email links to: how to follow an order.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.brazil.formatting import money_brl
from orders.orders.selectors import OrderNotFound, order_for_shopper

STATUS_LABELS = {
    "pending": _("Reserving the products"),
    "awaiting_payment": _("Awaiting payment"),
    "paid": _("Payment confirmed"),
    "paid_out_of_stock": _("Payment confirmed (we are checking the stock)"),
    "fulfilled": _("Shipped"),
    "delivered": _("Delivered"),
    "rejected": _("The products could not be reserved"),
    "cancelled": _("Cancelled"),
    "expired": _("Expired (the payment window ended)"),
    "refunded": _("Refunded"),
}
# The steps of a return (``orders.returns``), read through the order's ``returns`` relation.
RETURN_STATUS_LABELS = {
    "requested": _("Requested (being reviewed)"),
    "approved": _("Approved: send the products"),
    "rejected": _("Not approved"),
    "received": _("Products received: refund on the way"),
    "refunded": pgettext_lazy("return status", "Refunded"),
}


def brl(amount) -> str:
    """``1234.5`` -> ``R$ 1.234,50``."""
    return money_brl(amount)


def order_status_view(request: HttpRequest, number: str) -> HttpResponse:
    token = request.GET.get("token", "")
    try:
        order = order_for_shopper(number=number, user_id=None, access_token=token or None)
    except OrderNotFound:
        return render(request, "orders/status_not_found.html", status=404)
    lines = [
        {"quantity": line.quantity, "name": line.name, "line_total": brl(line.line_total)}
        for line in order.lines.all().order_by("id")
    ]
    context = {
        "number": order.number,
        "status": STATUS_LABELS.get(order.status, order.get_status_display()),
        "placed_at": timezone.localtime(order.created_at),
        "lines": lines,
        "subtotal": brl(order.subtotal),
        "shipping": brl(order.shipping),
        "total": brl(order.total),
        "tracking_code": order.tracking_code,
        "carrier": order.carrier,
        "tracking_url": order.tracking_url,
        "returns": [
            {
                "id": order_return.pk,
                "status": RETURN_STATUS_LABELS.get(order_return.status, order_return.status),
                "refund_amount": brl(order_return.refund_amount),
                "lines": ", ".join(f"{line.quantity} x {line.name}" for line in order_return.lines.all()),
            }
            for order_return in order.returns.order_by("id").prefetch_related("lines")
        ],
    }
    response = render(request, "orders/status_page.html", context)
    response["Cache-Control"] = "private, no-store"  # the token is in the URL: keep it out of caches
    response["Referrer-Policy"] = "no-referrer"
    return response


def order_lookup_view(request: HttpRequest) -> HttpResponse:
    return render(request, "orders/status_landing.html")


urlpatterns = [
    path("", order_lookup_view, name="order_status_landing"),
    path("<str:number>/", order_status_view, name="order_status_page"),
]
