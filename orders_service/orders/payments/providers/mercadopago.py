"""Mercado Pago's adapter: its REST API for payments and refunds and its signed webhook notifications.

Documented behaviour this follows (Mercado Pago Developers, Checkout API / Checkout Transparente):

- ``POST /v1/payments`` with ``Authorization: Bearer <access token>`` and ``X-Idempotency-Key`` (a retry
  with the same key returns the same payment). ``payment_method_id: "pix"`` answers
  ``point_of_interaction.transaction_data.qr_code`` (the BR Code "copia e cola") and ``qr_code_base64``;
  ``"bolbradesco"`` (boleto) answers ``barcode.content`` (44 digits), ``date_of_expiration`` and the slip at
  ``transaction_details.external_resource_url``; a card payment carries the ``token`` made by the browser
  SDK (MercadoPago.js CardForm) and ``installments``. The payer's CPF/CNPJ goes in ``payer.identification``.
  ``external_reference`` is the order number.
- ``POST /v1/payments/{id}/refunds`` (optional ``amount`` for a partial refund; a Pix refund is a devolução),
  again with ``X-Idempotency-Key``.
- Notifications: ``POST <notification_url>?data.id=<id>&type=payment`` with a body
  ``{"action": "payment.updated", "type": "payment", "data": {"id": "<id>"}, ...}`` and the headers
  ``x-request-id`` and ``x-signature: ts=<ts>,v1=<hex>``, where v1 = HMAC-SHA256(secret, manifest) and the
  manifest is ``id:<data.id>;request-id:<x-request-id>;ts:<ts>;``. The notification says only *which*
  payment changed: its status is read with ``GET /v1/payments/{id}``.

Every call has explicit timeouts. Creating a Pix or boleto charge happens when catalog reserved the stock,
under a key derived from the session token, so a retried step finds the same charge; refunds are sent
outside transactions by ``orders.payments.services`` under the refund's own key.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
import orjson
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from common.api import ApiError
from common.brazil.boleto import InvalidBoleto, digitable_line_from_barcode
from common.brazil.documents import DocumentKind, InvalidDocument, document_parse
from common.http import http_client
from orders.payments.providers.base import (
    InvalidSignature,
    OpenedSession,
    RefundFailed,
    SessionSpec,
    StaleSignature,
    WebhookEvent,
)

# A payment's status at Mercado Pago -> the event orders understands (anything else is ignored).
STATUS_EVENTS = {
    "approved": "payment.succeeded",
    "rejected": "payment.failed",
    "cancelled": "payment.failed",
    "charged_back": "payment.disputed",
    "in_mediation": "payment.disputed",
}
METHOD_IDS = {"pix": "pix", "boleto": "bolbradesco"}


class ProviderUnavailable(ApiError):
    """Mercado Pago did not answer (timeout, 5xx): 503, so its notification is retried later."""

    status, code, detail = 503, "payment_provider_unavailable", _("The payment provider did not answer; try again.")


class ProviderRefused(ApiError):
    status, code, detail = 502, "payment_provider_refused", _("The payment provider refused the operation.")


class MercadoPagoProvider:
    name = "mercadopago"

    def __init__(self, client: httpx.Client | None = None):
        self._client = client

    # -- HTTP ---------------------------------------------------------------------------------------------
    def _http(self) -> httpx.Client:
        """The client given (tests), else the process's pooled one (``common.http``): no SSL setup per call."""
        return self._client if self._client is not None else http_client()

    @staticmethod
    def _timeout() -> httpx.Timeout:
        return httpx.Timeout(settings.MERCADOPAGO_TIMEOUT_SECONDS, connect=settings.MERCADOPAGO_CONNECT_TIMEOUT_SECONDS)

    def _call(self, method: str, path: str, *, json: Any = None, idempotency_key: str | None = None) -> dict:
        headers = {"Authorization": f"Bearer {settings.MERCADOPAGO_ACCESS_TOKEN}"}
        if idempotency_key:
            headers["X-Idempotency-Key"] = idempotency_key
        try:
            url = path if self._client is not None else f"{settings.MERCADOPAGO_API_URL.rstrip('/')}{path}"
            response = self._http().request(method, url, json=json, headers=headers, timeout=self._timeout())
        except httpx.HTTPError as exc:
            raise ProviderUnavailable(
                _("Mercado Pago did not answer: %(error)s.") % {"error": type(exc).__name__}
            ) from None
        if response.status_code >= 500:
            raise ProviderUnavailable(_("Mercado Pago answered %(status)s.") % {"status": response.status_code})
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            message = body.get("message") if isinstance(body, dict) else ""
            raise ProviderRefused(
                _("Mercado Pago refused (%(status)s): %(message)s.")
                % {"status": response.status_code, "message": message or _("no detail")}
            )
        return body if isinstance(body, dict) else {}

    # -- sessions -----------------------------------------------------------------------------------------
    def checkout_url(self, *, order_number: str, token: str) -> str:
        # Our page: Pix code / boleto for those methods; for cards it loads MercadoPago.js, whose CardForm
        # turns the card into a token in the browser (the card number never reaches this service).
        return f"{settings.ORDERS_PUBLIC_URL.rstrip('/')}/payments/mercadopago/checkout/{order_number}/{token}"

    def _payer(self, spec: SessionSpec) -> dict[str, Any]:
        payer: dict[str, Any] = {"email": spec.email}
        if spec.payer_document:
            try:
                document = document_parse(spec.payer_document)
            except InvalidDocument:
                document = None
            if document is not None:
                kind = "CPF" if document.kind == DocumentKind.CPF else "CNPJ"
                payer["identification"] = {"type": kind, "number": document.value}
        return payer

    def payment_body(self, *, spec: SessionSpec, method_id: str) -> dict[str, Any]:
        return {
            "transaction_amount": float(spec.amount),
            "description": f"Pedido {spec.order_number}",
            "payment_method_id": method_id,
            "external_reference": spec.order_number,
            "notification_url": f"{settings.ORDERS_PUBLIC_URL.rstrip('/')}/api/orders/payments/mercadopago/webhook",
            "date_of_expiration": spec.expires_at.isoformat(timespec="milliseconds"),
            "payer": self._payer(spec),
        }

    def create_session(self, *, spec: SessionSpec) -> OpenedSession:
        if spec.method not in METHOD_IDS:
            # A card is charged when the browser SDK's token arrives (``card_charge``).
            return OpenedSession(reference=f"mp-card-{spec.token[:24]}")
        body = self._call(
            "POST",
            "/v1/payments",
            json=self.payment_body(spec=spec, method_id=METHOD_IDS[spec.method]),
            idempotency_key=f"session-{spec.token}",
        )
        reference = str(body.get("id") or "")
        if not reference:
            raise ProviderRefused(_("Mercado Pago returned no payment id."))
        if spec.method == "pix":
            data = (body.get("point_of_interaction") or {}).get("transaction_data") or {}
            return OpenedSession(reference=reference, pix_copy_paste=str(data.get("qr_code") or ""))
        barcode = str((body.get("barcode") or {}).get("content") or "")
        try:
            line = digitable_line_from_barcode(barcode)
        except InvalidBoleto:
            raise ProviderRefused(_("Mercado Pago returned an invalid barcode.")) from None
        due = body.get("date_of_expiration")
        due_date = datetime.fromisoformat(due).date() if due else spec.boleto_due_date
        return OpenedSession(reference=reference, boleto_digitable_line=line, boleto_due_date=due_date)

    def card_charge(self, *, spec: SessionSpec, card_token: str, payment_method_id: str, issuer_id: str = "") -> str:
        """Charge the card the browser SDK tokenised, in the installments chosen at checkout."""
        body = self.payment_body(spec=spec, method_id=payment_method_id)
        body.update({"token": card_token, "installments": spec.installments})
        if issuer_id:
            body["issuer_id"] = issuer_id
        answer = self._call("POST", "/v1/payments", json=body, idempotency_key=f"card-{spec.token}-{card_token}")
        return str(answer.get("id") or "")

    # -- notifications ------------------------------------------------------------------------------------
    def parse_webhook(self, *, raw_body: bytes, headers: dict[str, str], query: dict | None = None) -> WebhookEvent:
        lowered = {name.lower(): value for name, value in headers.items()}
        try:
            body = orjson.loads(raw_body) if raw_body else {}
        except orjson.JSONDecodeError:
            body = {}
        data_id = (query or {}).get("data.id") or ((body.get("data") or {}) if isinstance(body, dict) else {}).get("id")
        timestamp, signature = self._signature_parts(lowered.get("x-signature", ""))
        if not data_id:
            raise InvalidSignature()
        # The documented manifest; an alphanumeric data.id is signed in lower case.
        data_id = str(data_id)
        manifest = f"id:{data_id.lower()};request-id:{lowered.get('x-request-id', '')};ts:{timestamp};"
        expected = hmac.new(settings.MERCADOPAGO_WEBHOOK_SECRET.encode(), manifest.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, signature):
            raise InvalidSignature()
        seconds = int(timestamp) / 1000 if len(timestamp) >= 13 else int(timestamp)  # ts may be in milliseconds
        if abs(time.time() - seconds) > settings.ORDERS_WEBHOOK_TOLERANCE_SECONDS:
            raise StaleSignature()
        payment = self._call("GET", f"/v1/payments/{data_id}")
        status = str(payment.get("status") or "")
        try:
            amount = Decimal(str(payment["transaction_amount"]))
        except (KeyError, InvalidOperation):
            raise ProviderRefused(_("Mercado Pago returned a payment without an amount.")) from None
        event_type = STATUS_EVENTS.get(status, f"payment.{status or 'unknown'}")
        return WebhookEvent(
            # One event per state of the payment: a redelivered notification of the same state is a duplicate.
            event_id=f"{data_id}:{status}",
            type=event_type,
            order_number=str(payment.get("external_reference") or ""),
            session_reference=str(payment.get("id") or data_id),
            charge_reference=str(payment.get("id") or data_id),
            amount=amount,
            currency=str(payment.get("currency_id") or "BRL"),
            failure_code=str(payment.get("status_detail") or "") if event_type == "payment.failed" else "",
            dispute_reference=f"cb_{data_id}" if event_type == "payment.disputed" else "",
            reason=str(payment.get("status_detail") or "")[:200],
        )

    @staticmethod
    def _signature_parts(header: str) -> tuple[str, str]:
        parts = {}
        for piece in header.split(","):
            name, _, value = piece.strip().partition("=")
            parts[name.strip()] = value.strip()
        timestamp, signature = parts.get("ts", ""), parts.get("v1", "")
        if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 16 and signature):
            raise InvalidSignature()
        return timestamp, signature

    # -- refunds ------------------------------------------------------------------------------------------
    def refund(self, *, charge_reference: str, amount: Decimal, currency: str, idempotency_key: str) -> str:
        try:
            body = self._call(
                "POST",
                f"/v1/payments/{charge_reference}/refunds",
                json={"amount": float(amount)},
                idempotency_key=idempotency_key,
            )
        except (ProviderUnavailable, ProviderRefused) as exc:
            # Stays ``pending``: payment_refunds_retry asks again under the same key (one refund at the PSP).
            raise RefundFailed(exc.detail) from None
        reference = str(body.get("id") or "")
        if not reference:
            raise RefundFailed(_("Mercado Pago returned no refund id."))
        return reference
