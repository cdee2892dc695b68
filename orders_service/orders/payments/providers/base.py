"""The payment provider adapter: what orders needs from any PSP, and the value types it speaks in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from django.utils.translation import gettext_lazy as _

from common.api import ApiError


class InvalidSignature(ApiError):
    status, code, detail = 400, "invalid_signature", _("The webhook signature does not verify.")


class StaleSignature(ApiError):
    status, code, detail = 400, "stale_signature", _("The webhook was signed too long ago.")


class RefundFailed(ApiError):
    status, code, detail = 409, "refund_failed", _("The payment provider refused the refund.")


@dataclass(frozen=True)
class WebhookEvent:
    """A verified provider notification, in orders' terms."""

    event_id: str
    type: str  # "payment.succeeded", "payment.failed", "payment.disputed" (chargeback) or "dispute.closed"
    order_number: str
    session_reference: str
    charge_reference: str
    amount: Decimal
    currency: str
    failure_code: str = ""
    dispute_reference: str = ""  # a chargeback's id at the provider
    reason: str = ""  # a chargeback's reason, or "won" / "lost" when it closes


@dataclass(frozen=True)
class SessionSpec:
    """What a provider needs to open a hosted payment session for an order."""

    order_number: str
    token: str
    amount: Decimal
    currency: str
    email: str
    expires_at: datetime
    method: str = "card"  # orders.payments.models.PaymentMethod
    installments: int = 1
    payer_document: str = ""  # CPF or CNPJ, normalised (required by PSPs for Pix and boleto)
    boleto_due_date: date | None = None


@dataclass(frozen=True)
class OpenedSession:
    """The provider's answer to ``create_session``: its reference and what the shopper pays with."""

    reference: str
    pix_copy_paste: str = ""
    pix_txid: str = ""
    boleto_digitable_line: str = ""
    boleto_due_date: date | None = None


class PaymentProvider(Protocol):
    name: str

    def checkout_url(self, *, order_number: str, token: str) -> str:
        """Where the shopper pays; known at checkout, before the session can take a card."""

    def create_session(self, *, spec: SessionSpec) -> OpenedSession:
        """Open the payment session (a card page, a Pix charge, a boleto); called once the stock is reserved."""

    def parse_webhook(self, *, raw_body: bytes, headers: dict[str, str], query: dict | None = None) -> WebhookEvent:
        """Verify the signature (InvalidSignature / StaleSignature) and parse the notification (``query``: the
        URL's parameters, which some PSPs sign)."""

    def refund(self, *, charge_reference: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        """Give the money of a captured charge back; returns the refund reference (RefundFailed otherwise).

        Called outside any database transaction. The same ``idempotency_key`` again returns the first
        refund's reference and moves no more money (PSPs' Idempotency-Key header)."""
