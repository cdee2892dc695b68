"""The Mercado Pago adapter against a local server answering in its documented shapes (fixtures/mercadopago)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from django.utils import timezone

from common.brazil.boleto import digitable_line_verify
from common.brazil.pix import brcode_parse
from orders.orders.models import Order
from orders.orders.refunds import order_refund_partial
from orders.payments.models import PaymentTransaction, WebhookReceipt
from orders.payments.providers.base import SessionSpec
from orders.payments.providers.mercadopago import MercadoPagoProvider, ProviderRefused
from orders.payments.services import payment_refunds_retry
from tests.mercadopago_server import TOKEN, WEBHOOK_SECRET, fixture, sign_notification
from tests.test_payment_methods import CPF, place

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/orders/payments/mercadopago/webhook"


def spec(method: str, **extra) -> SessionSpec:
    return SessionSpec(
        order_number="CO-2026-000042",
        token="tok-abc",
        amount=Decimal("192.70"),
        currency="BRL",
        email="bia@example.com",
        expires_at=timezone.now(),
        method=method,
        payer_document="52998224725",
        **extra,
    )


def notify(client, payment_id: str, *, secret: str = WEBHOOK_SECRET, ts: int | None = None):
    body = fixture("notification_payment_updated")
    body["data"]["id"] = payment_id
    signature = sign_notification(data_id=payment_id, request_id="req-1", ts=ts, secret=secret)
    return client.post(
        f"{WEBHOOK}?data.id={payment_id}&type=payment",
        data=orjson.dumps(body),
        content_type="application/json",
        headers={"x-signature": signature, "x-request-id": "req-1"},
    )


def test_a_pix_charge_is_created_once_per_session_with_the_payers_cpf(mercadopago):
    opened = MercadoPagoProvider().create_session(spec=spec("pix"))
    again = MercadoPagoProvider().create_session(spec=spec("pix"))
    assert opened == again and len(mercadopago.payments) == 1  # the same X-Idempotency-Key
    request = mercadopago.requests[0]
    assert request["headers"]["x-idempotency-key"] == "session-tok-abc"
    assert request["headers"]["authorization"] == f"Bearer {TOKEN}"
    assert request["body"]["payment_method_id"] == "pix"
    assert request["body"]["payer"] == {
        "email": "bia@example.com",
        "identification": {"type": "CPF", "number": "52998224725"},
    }
    assert brcode_parse(opened.pix_copy_paste)["54"] == "192.70"


def test_a_boleto_gets_its_digitable_line_from_the_bar_code(mercadopago):
    opened = MercadoPagoProvider().create_session(spec=spec("boleto"))
    assert mercadopago.requests[0]["body"]["payment_method_id"] == "bolbradesco"
    assert digitable_line_verify(opened.boleto_digitable_line).startswith("2379")


def test_a_refused_request_is_a_clear_error_not_a_crash(mercadopago):
    mercadopago.fail_next = (400, fixture("error_bad_request"))
    with pytest.raises(ProviderRefused) as caught:
        MercadoPagoProvider().create_session(spec=spec("pix"))
    assert "Invalid user identification number" in caught.value.detail


def test_a_pix_order_is_paid_by_a_signed_notification_once(client, catalog, mercadopago):
    answer = place(client, catalog, key="mp-pix", payment_method="pix", document=CPF).json()
    order = Order.objects.get(number=answer["number"])
    [payment_id] = mercadopago.payments
    assert order.payment_session.provider_reference == payment_id
    assert brcode_parse(order.payment_session.pix_copy_paste)["54"] == "192.70"
    mercadopago.set_status(payment_id, "approved")
    first = notify(client, payment_id)
    assert (first.status_code, first.json()["outcome"]) == (200, "paid")
    again = notify(client, payment_id)
    assert (again.status_code, again.json()["outcome"]) == (200, "duplicate")
    assert Order.objects.get(pk=order.pk).status == "paid"


def test_a_notification_with_a_bad_signature_is_400_and_changes_nothing(client, catalog, mercadopago):
    answer = place(client, catalog, key="mp-bad", payment_method="pix", document=CPF).json()
    [payment_id] = mercadopago.payments
    mercadopago.set_status(payment_id, "approved")
    response = notify(client, payment_id, secret="not-the-secret")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_signature")
    stale = notify(client, payment_id, ts=int(time.time()) - 3600)
    assert (stale.status_code, stale.json()["code"]) == (400, "stale_signature")
    garbage = client.post(WEBHOOK, data=b"{", content_type="application/json", headers={"x-signature": "ts=1,v1="})
    assert garbage.status_code == 400
    assert WebhookReceipt.objects.count() == 0
    assert Order.objects.get(number=answer["number"]).status == "awaiting_payment"


def test_a_provider_that_does_not_answer_the_status_lookup_is_503_so_it_retries(client, catalog, mercadopago):
    place(client, catalog, key="mp-down", payment_method="pix", document=CPF)
    [payment_id] = mercadopago.payments
    mercadopago.fail_next = (500, {"message": "internal_error"})
    response = notify(client, payment_id)
    assert (response.status_code, response.json()["code"]) == (503, "payment_provider_unavailable")
    assert WebhookReceipt.objects.count() == 0


def test_a_refund_retried_after_a_timeout_is_one_refund(client, catalog, mercadopago):
    answer = place(client, catalog, key="mp-refund", payment_method="pix", document=CPF).json()
    [payment_id] = mercadopago.payments
    mercadopago.set_status(payment_id, "approved")
    assert notify(client, payment_id).json()["outcome"] == "paid"
    mercadopago.stall_refund_seconds = 1.5  # longer than the adapter's 0.5 s timeout
    order = Order.objects.get(number=answer["number"])
    [refund] = order_refund_partial(order=order, actor="support:lia", reason="avaria", amount=Decimal("20"))
    assert refund.status == "pending"  # the answer never came
    time.sleep(1.2)  # the stalled answer is thrown away
    assert payment_refunds_retry() == 1
    assert len(mercadopago.refunds[payment_id]) == 1  # the PSP refunded once
    refund = PaymentTransaction.objects.get(pk=refund.pk)
    assert (refund.status, refund.provider_reference) == ("succeeded", str(mercadopago.refunds[payment_id][0]["id"]))
    keys = [r["headers"]["x-idempotency-key"] for r in mercadopago.requests if r["path"].endswith("/refunds")]
    assert keys == [refund.idempotency_key, refund.idempotency_key]


def settings_import(**env) -> subprocess.CompletedProcess:
    service = Path(__file__).resolve().parent.parent
    return subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=service,
        env={**os.environ, "DEBUG": "false", "SANDBOX_WEBHOOK_SECRET": "x" * 40, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_on_the_sandbox_unless_explicitly_allowed():
    refused = settings_import(SHOP_ENVIRONMENT="production", ORDERS_PAYMENT_PROVIDER="sandbox")
    assert refused.returncode != 0 and "ORDERS_ALLOW_SANDBOX_IN_PRODUCTION" in refused.stderr
    allowed = settings_import(
        SHOP_ENVIRONMENT="production", ORDERS_PAYMENT_PROVIDER="sandbox", ORDERS_ALLOW_SANDBOX_IN_PRODUCTION="true"
    )
    assert allowed.returncode == 0, allowed.stderr
    no_credentials = settings_import(SHOP_ENVIRONMENT="production", ORDERS_PAYMENT_PROVIDER="mercadopago")
    assert no_credentials.returncode != 0 and "MERCADOPAGO_ACCESS_TOKEN" in no_credentials.stderr
    configured = settings_import(
        SHOP_ENVIRONMENT="production",
        ORDERS_PAYMENT_PROVIDER="mercadopago",
        MERCADOPAGO_ACCESS_TOKEN=TOKEN,
        MERCADOPAGO_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )
    assert configured.returncode == 0, configured.stderr


def test_the_card_page_charges_the_browser_token_in_the_chosen_installments(client, catalog, mercadopago):
    answer = place(client, catalog, key="mp-card", payment_method="card", installments=3).json()
    url = answer["payment"]["checkout_url"].split("8003", 1)[1]
    page = client.get(url).content.decode()
    assert "sdk.mercadopago.com/js/v2" in page and "3x de R$ 64,23" in page
    done = client.post(url, {"token": "card-token-from-the-sdk", "payment_method_id": "visa"})
    assert done.status_code == 200, done.content
    [request] = [r for r in mercadopago.requests if r["body"].get("token")]
    assert (request["body"]["token"], request["body"]["installments"]) == ("card-token-from-the-sdk", 3)
    [payment_id] = [pid for pid, p in mercadopago.payments.items() if p["payment_method_id"] == "visa"]
    assert notify(client, payment_id).json()["outcome"] == "paid"  # approved at the fake PSP


def test_the_pix_page_shows_mercado_pagos_code(client, catalog, mercadopago):
    answer = place(client, catalog, key="mp-pix-page", payment_method="pix", document=CPF).json()
    order = Order.objects.get(number=answer["number"])
    page = client.get(answer["payment"]["checkout_url"].split("8003", 1)[1]).content.decode()
    assert order.payment_session.pix_copy_paste in page and "R$ 192,70" in page
