"""The providers' webhook endpoint: ``POST /api/orders/payments/{provider}/webhook``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from common.api import ErrorOut
from orders.payments.schemas import WebhookOut
from orders.payments.webhooks import payment_webhook_receive

router = Router(tags=["payments"])


@router.post("payments/{provider}/webhook", response={200: WebhookOut, 400: ErrorOut, 404: ErrorOut})
def provider_webhook(request: HttpRequest, provider: str):
    """Signed provider notification; 200 once processed (duplicates too), 400 on a bad or stale signature."""
    outcome = payment_webhook_receive(provider=provider, raw_body=request.body, headers=dict(request.headers))
    return {"received": True, "outcome": outcome}
