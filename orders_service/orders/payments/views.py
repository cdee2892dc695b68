"""What the shopper opens from the order's ``payment``: the Pix QR code image and the boleto slip.

Provider-neutral (drawn from the session's stored BR Code and digitable line); the session's unguessable
token in the path is the credential, as for the hosted page.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from common.brazil.documents import document_mask
from common.brazil.pix import brcode_qr_png
from orders.payments.models import PaymentMethod, PaymentSession


def _session(order_number: str, token: str, method: str) -> PaymentSession:
    session = (
        PaymentSession.objects.select_related("order")
        .filter(token=token, order__number=order_number, method=method)
        .first()
    )
    if session is None:
        raise Http404(gettext("Payment not found."))
    return session


@require_GET
def pix_qr_png(request: HttpRequest, order_number: str, token: str) -> HttpResponse:
    session = _session(order_number, token, PaymentMethod.PIX)
    if not session.pix_copy_paste:
        raise Http404(gettext("This order's Pix has not been generated yet."))
    response = HttpResponse(brcode_qr_png(session.pix_copy_paste), content_type="image/png")
    response["Cache-Control"] = "private, max-age=300"
    return response


@require_GET
def boleto_slip(request: HttpRequest, order_number: str, token: str) -> HttpResponse:
    """The boleto as an HTML page to print (the "PDF" link of the API: browsers print it to PDF)."""
    session = _session(order_number, token, PaymentMethod.BOLETO)
    if not session.boleto_digitable_line:
        raise Http404(gettext("This order's boleto has not been generated yet."))
    order = session.order
    context = {
        "session": session,
        "order": order,
        "payer_name": (order.shipping_address or {}).get("full_name", ""),
        "payer_document": document_mask(order.payer_document),
    }
    return render(request, "payments/boleto_slip.html", context)
