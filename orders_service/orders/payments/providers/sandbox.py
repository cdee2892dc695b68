"""The sandbox provider's adapter: orders' side of the built-in simulated PSP (see ``orders.payments.sandbox``).

Webhooks carry ``Sandbox-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`` like
Stripe's; a signature older than the tolerance is refused so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from decimal import Decimal, InvalidOperation

import orjson
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from common.brazil.boleto import boleto_build
from common.brazil.pix import PixCharge, brcode_build
from orders.payments.models import SandboxCharge, SandboxRefund
from orders.payments.providers.base import (
    InvalidSignature,
    OpenedSession,
    RefundFailed,
    SessionSpec,
    StaleSignature,
    WebhookEvent,
)

SIGNATURE_HEADER = "Sandbox-Signature"
MAX_TIMESTAMP_DIGITS = 12


def sandbox_sign(*, raw_body: bytes, timestamp: int, secret: str | None = None) -> str:
    """The header value the sandbox PSP sends with a webhook body."""
    key = (secret or settings.SANDBOX_WEBHOOK_SECRET).encode()
    digest = hmac.new(key, f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class SandboxProvider:
    name = "sandbox"

    def checkout_url(self, *, order_number: str, token: str) -> str:
        return f"{settings.ORDERS_PUBLIC_URL.rstrip('/')}/payments/sandbox/checkout/{order_number}/{token}"

    def create_session(self, *, spec: SessionSpec) -> OpenedSession:
        reference = f"cs_sandbox_{spec.token[:24]}"
        if spec.method == "pix":
            # A single-use BR Code with the shop's key and the amount; the txid names the order (letters and
            # digits only, at most 25) plus a random tail, as a PSP's charge id would.
            txid = (re.sub(r"[^A-Za-z0-9]", "", spec.order_number) + secrets.token_hex(4))[:25]
            copy_paste = brcode_build(
                PixCharge(
                    merchant_name=settings.ORDERS_MERCHANT_NAME,
                    merchant_city=settings.ORDERS_MERCHANT_CITY,
                    amount=spec.amount,
                    txid=txid,
                    key=settings.ORDERS_PIX_KEY,
                )
            )
            return OpenedSession(reference=reference, pix_copy_paste=copy_paste, pix_txid=txid)
        if spec.method == "boleto":
            # The free field is the bank's; the sandbox fills it with the order's digits and a random "nosso número".
            order_digits = re.sub(r"\D", "", spec.order_number)[-12:].rjust(12, "0")
            free_field = order_digits + f"{secrets.randbelow(10**13):013d}"
            boleto = boleto_build(
                bank_code=settings.ORDERS_BOLETO_BANK_CODE,
                due=spec.boleto_due_date,
                amount=spec.amount,
                free_field=free_field,
            )
            return OpenedSession(
                reference=reference,
                boleto_digitable_line=boleto.digitable_line,
                boleto_due_date=spec.boleto_due_date,
            )
        return OpenedSession(reference=reference)

    def parse_webhook(self, *, raw_body: bytes, headers: dict[str, str], query: dict | None = None) -> WebhookEvent:
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
                dispute_reference=str(data.get("dispute") or ""),
                reason=str(data.get("reason") or "")[:200],
            )
        except (orjson.JSONDecodeError, KeyError, TypeError, InvalidOperation):
            raise InvalidSignature(_("The signed webhook body is not a sandbox event.")) from None

    def refund(self, *, charge_reference: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        # The sandbox PSP's own ledger (a real PSP's side of the wire): refunds, partial or full (a Pix
        # "devolução" for Pix), de-duplicated by the idempotency key, never more than the charge in total.
        with transaction.atomic():
            charge = (
                SandboxCharge.objects.select_for_update().filter(reference=charge_reference, succeeded=True).first()
            )
            if charge is None or charge.currency != currency:
                raise RefundFailed(
                    _("No refundable sandbox charge %(charge)s in %(currency)s.")
                    % {"charge": charge_reference, "currency": currency}
                )
            existing = SandboxRefund.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                if existing.charge_id != charge.pk or existing.amount != amount:
                    raise RefundFailed(_("This idempotency key was used for another refund."))
                return existing.reference
            refunded = charge.refunds.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
            if amount <= 0 or refunded + amount > charge.amount:
                raise RefundFailed(
                    _("The sandbox charge %(charge)s has only %(left)s left.")
                    % {"charge": charge_reference, "left": charge.amount - refunded}
                )
            refund = SandboxRefund.objects.create(
                charge=charge, reference=f"re_{secrets.token_hex(12)}", amount=amount, idempotency_key=idempotency_key
            )
        return refund.reference

    @staticmethod
    def _signature_parts(header: str) -> tuple[int, list[str]]:
        """``t`` and the ``v1`` signatures; anything malformed (``t=²``, a 5,000-digit ``t``) is InvalidSignature."""
        timestamp, signatures = None, []
        for part in header.split(","):
            name, _, value = part.strip().partition("=")
            # ASCII digits only (str.isdigit also takes "²"), and no more than a Unix time needs.
            if name == "t" and value.isascii() and value.isdigit() and len(value) <= MAX_TIMESTAMP_DIGITS:
                timestamp = int(value)
            elif name == "v1" and value:
                signatures.append(value)
        if timestamp is None or not signatures:
            raise InvalidSignature()
        return timestamp, signatures
