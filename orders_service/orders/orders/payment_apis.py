"""The providers' webhook endpoint: ``POST /api/orders/payments/{provider}/webhook`` (orders applies the outcome)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from common.api import ErrorOut
from orders.orders.payment_outcomes import order_payment_webhook_apply
from orders.payments.schemas import WebhookOut

router = Router(tags=["payments"])


@router.post("payments/{provider}/webhook", response={200: WebhookOut, 400: ErrorOut, 404: ErrorOut})
def provider_webhook(request: HttpRequest, provider: str):
    """Signed provider notification; 200 once processed (duplicates too), 400 on a bad or stale signature."""
    outcome = order_payment_webhook_apply(
        provider=provider, raw_body=request.body, headers=dict(request.headers), query=request.GET.dict()
    )
    return {"received": True, "outcome": outcome}
