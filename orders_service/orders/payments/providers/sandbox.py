"""The sandbox provider's adapter: orders' side of the built-in simulated PSP (see ``orders.payments.sandbox``).

Webhooks carry ``Sandbox-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`` like
Stripe's; a signature older than the tolerance is refused so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from decimal import Decimal, InvalidOperation

import orjson
from django.conf import settings
from django.db import transaction

from orders.payments.models import SandboxCharge
from orders.payments.providers.base import (
    InvalidSignature,
    RefundFailed,
    SessionSpec,
    StaleSignature,
    WebhookEvent,
)

SIGNATURE_HEADER = "Sandbox-Signature"


def sandbox_sign(*, raw_body: bytes, timestamp: int, secret: str | None = None) -> str:
    """The header value the sandbox PSP sends with a webhook body."""
    key = (secret or settings.SANDBOX_WEBHOOK_SECRET).encode()
    digest = hmac.new(key, f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class SandboxProvider:
    name = "sandbox"

    def checkout_url(self, *, order_number: str, token: str) -> str:
        return f"{settings.ORDERS_PUBLIC_URL.rstrip('/')}/payments/sandbox/checkout/{order_number}/{token}"

    def create_session(self, *, spec: SessionSpec) -> str:
        return f"cs_sandbox_{spec.token[:24]}"

    def parse_webhook(self, *, raw_body: bytes, headers: dict[str, str]) -> WebhookEvent:
        timestamp, signatures = self._signature_parts(headers.get(SIGNATURE_HEADER, ""))
        expected = sandbox_sign(raw_body=raw_body, timestamp=timestamp).split("v1=", 1)[1]
        if not any(hmac.compare_digest(expected, candidate) for candidate in signatures):
            raise InvalidSignature()
        if abs(time.time() - timestamp) > settings.ORDERS_WEBHOOK_TOLERANCE_SECONDS:
            raise StaleSignature()
        try:
            body = orjson.loads(raw_body)
            data = body["data"]
            return WebhookEvent(
                event_id=str(body["id"]),
                type=str(body["type"]),
                order_number=str(data["order_number"]),
                session_reference=str(data["session"]),
                charge_reference=str(data["charge"]),
                amount=Decimal(str(data["amount"])),
                currency=str(data["currency"]),
                failure_code=str(data.get("failure_code") or ""),
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, InvalidOperation):
            raise InvalidSignature("The signed webhook body is not a sandbox event.") from None

    def refund(self, *, charge_reference: str, amount: Decimal, currency: str) -> str:
        with transaction.atomic():
            charge = (
                SandboxCharge.objects.select_for_update().filter(reference=charge_reference, succeeded=True).first()
            )
            if charge is None or charge.amount != amount or charge.currency != currency:
                raise RefundFailed(f"No refundable sandbox charge {charge_reference} of {amount} {currency}.")
            if not charge.refund_reference:  # refunding twice gives the first refund back, like a PSP would
                charge.refund_reference = f"re_{charge.reference[3:]}"
                charge.save(update_fields=["refund_reference"])
        return charge.refund_reference

    @staticmethod
    def _signature_parts(header: str) -> tuple[int, list[str]]:
        timestamp, signatures = None, []
        for part in header.split(","):
            name, _, value = part.strip().partition("=")
            if name == "t" and value.isdigit():
                timestamp = int(value)
            elif name == "v1" and value:
                signatures.append(value)
        if timestamp is None or not signatures:
            raise InvalidSignature()
        return timestamp, signatures
