"""The payment page of Mercado Pago orders (served by orders; the card is tokenised in the browser).

Pix and boleto show what Mercado Pago returned (BR Code and QR, digitable line and slip). A card is typed
into MercadoPago.js's CardForm, which sends the card to Mercado Pago and gives this page a token; the page
posts the token here and the charge is created with the installments chosen at checkout. The order is paid
by Mercado Pago's signed notification, never by this page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from common.api import ApiError
from orders.payments.models import PaymentMethod, PaymentSession
from orders.payments.providers.base import SessionSpec
from orders.payments.providers.mercadopago import MercadoPagoProvider


def _session(order_number: str, token: str) -> PaymentSession | None:
    return (
        PaymentSession.objects.select_related("order")
        .filter(provider=MercadoPagoProvider.name, token=token, order__number=order_number)
        .first()
    )


# The unguessable token in the path is the only credential (no cookie session), so CSRF does not apply.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def checkout_page(request: HttpRequest, order_number: str, token: str) -> HttpResponse:
    session = _session(order_number, token)
    if session is None:
        return HttpResponse(gettext("Payment not found."), status=404, content_type="text/plain; charset=utf-8")
    message, status = "", 200
    payable = session.status == PaymentSession.Status.OPEN
    if request.method == "POST":
        card_token = request.POST.get("token", "").strip()
        if not (payable and session.method == PaymentMethod.CARD and card_token):
            message, status = gettext("This payment cannot be made now."), 409
        else:
            spec = SessionSpec(
                order_number=session.order.number,
                token=session.token,
                amount=session.amount,
                currency=session.currency,
                email=session.order.email,
                expires_at=session.expires_at,
                method=session.method,
                installments=session.installments,
                payer_document=session.order.payer_document,
            )
            try:
                MercadoPagoProvider().card_charge(
                    spec=spec,
                    card_token=card_token[:200],
                    payment_method_id=request.POST.get("payment_method_id", "")[:40],
                    issuer_id=request.POST.get("issuer_id", "")[:40],
                )
                message = gettext("Payment sent; the confirmation arrives in a moment.")
            except ApiError as exc:
                message, status = str(exc.detail), exc.status
    base = settings.ORDERS_PUBLIC_URL.rstrip("/")
    context = {
        "session": session,
        "order": session.order,
        "payable": payable,
        "message": message,
        "public_key": settings.MERCADOPAGO_PUBLIC_KEY,
        "qr_code_url": f"{base}/payments/pix/{session.order.number}/{session.token}/qr.png",
        "boleto_url": f"{base}/payments/boleto/{session.order.number}/{session.token}",
        "shop_url": settings.SHOP_URL,
    }
    return render(request, "payments/mercadopago_checkout.html", context, status=status)
