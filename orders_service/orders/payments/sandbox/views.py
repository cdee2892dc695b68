"""The sandbox PSP's hosted payment page (plain Django views: it is HTML for a browser, not the API)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from common.api import ApiError
from orders.payments.models import PaymentSession
from orders.payments.sandbox.services import (
    TEST_CARDS,
    SessionNotFound,
    sandbox_boleto_simulate,
    sandbox_card_submit,
    sandbox_pix_simulate,
    sandbox_session,
    sandbox_successful_charge,
)


def _state(session: PaymentSession) -> str:
    if session.status == PaymentSession.Status.WAITING_FOR_STOCK:
        return "waiting_for_stock"
    if session.status == PaymentSession.Status.CREATING:
        return "creating"
    if session.status == PaymentSession.Status.PAID:
        return "paid"
    if session.status == PaymentSession.Status.OPEN:
        return "processing" if sandbox_successful_charge(session=session) else "open"
    return "closed"


ORDER_STATUS_PT = {
    "pending": _("waiting for stock"),
    "awaiting_payment": _("awaiting payment"),
    "paid": _("paid"),
    "expired": _("expired"),
    "cancelled": _("cancelled"),
    "rejected": _("rejected for lack of stock"),
    "refunded": _("refunded"),
}


def _submit(session: PaymentSession, form) -> tuple[str, int]:
    """One of the page's actions: a test card, or the simulated Pix / boleto payment; (message, status)."""
    action = form.get("action") or "card"
    try:
        if action == "pix_simulate":
            sandbox_pix_simulate(session=session)
            return gettext("Pix payment received."), 200
        if action == "boleto_simulate":
            sandbox_boleto_simulate(session=session)
            return gettext(
                "Boleto paid: the bank confirms the payment in a moment (in real life, within 3 working days)."
            ), 200
        outcome = sandbox_card_submit(session=session, card_number=form.get("card_number", ""))
    except ApiError as exc:
        return str(exc.detail), exc.status
    if not outcome.charge.succeeded:
        return gettext("Your card was declined. Try another card."), 402
    if outcome.delayed:
        return gettext("The bank is confirming the payment; this takes a few seconds."), 200
    return gettext("Payment approved."), 200


# The unguessable token in the path is the only credential (no cookie session), so CSRF does not apply.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def checkout_page(request: HttpRequest, order_number: str, token: str) -> HttpResponse:
    try:
        session = sandbox_session(order_number=order_number, token=token)
    except SessionNotFound:
        return HttpResponse(gettext("Payment not found."), status=404, content_type="text/plain; charset=utf-8")
    message, status = "", 200
    if request.method == "POST":
        message, status = _submit(session, request.POST)
        session = sandbox_session(order_number=order_number, token=token)  # as it is now, with its order
    base = settings.ORDERS_PUBLIC_URL.rstrip("/")
    context = {
        "session": session,
        "order": session.order,
        "order_status": ORDER_STATUS_PT.get(session.order.status, session.order.status),
        "state": _state(session),
        "message": message,
        "test_cards": TEST_CARDS,
        "installment_amount": session.installment_amount or session.amount,
        "interest_free": (session.installment_total or session.amount) == session.amount,
        "qr_code_url": f"{base}/payments/pix/{session.order.number}/{session.token}/qr.png",
        "boleto_url": f"{base}/payments/boleto/{session.order.number}/{session.token}",
        "shop_url": settings.SHOP_URL,
    }
    return render(request, "payments/sandbox_checkout.html", context, status=status)
