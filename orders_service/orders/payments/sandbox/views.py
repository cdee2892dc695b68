"""The sandbox PSP's hosted payment page (plain Django views: it is HTML for a browser, not the API)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from common.api import ApiError
from orders.payments.models import PaymentSession
from orders.payments.sandbox.services import (
    TEST_CARDS,
    SessionNotFound,
    sandbox_card_submit,
    sandbox_session,
    sandbox_successful_charge,
)


def _state(session: PaymentSession) -> str:
    if session.status == PaymentSession.Status.WAITING_FOR_STOCK:
        return "waiting_for_stock"
    if session.status == PaymentSession.Status.PAID:
        return "paid"
    if session.status == PaymentSession.Status.OPEN:
        return "processing" if sandbox_successful_charge(session=session) else "open"
    return "closed"


# The unguessable token in the path is the only credential (no cookie session), so CSRF does not apply.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def checkout_page(request: HttpRequest, order_number: str, token: str) -> HttpResponse:
    try:
        session = sandbox_session(order_number=order_number, token=token)
    except SessionNotFound:
        return HttpResponse("Payment session not found.", status=404, content_type="text/plain")
    message, status = "", 200
    if request.method == "POST":
        try:
            outcome = sandbox_card_submit(session=session, card_number=request.POST.get("card_number", ""))
            if not outcome.charge.succeeded:
                message, status = "Your card was declined. Try another card.", 402
            elif outcome.delayed:
                message = "Your bank is confirming the payment; this takes a few seconds."
            else:
                message = "Payment approved."
        except ApiError as exc:
            message, status = exc.detail, exc.status
        session.refresh_from_db()
    context = {
        "session": session,
        "order": session.order,
        "state": _state(session),
        "message": message,
        "test_cards": TEST_CARDS,
    }
    return render(request, "payments/sandbox_checkout.html", context, status=status)
