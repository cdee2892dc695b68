"""Sandbox payments: the hosted page, test cards, signed webhooks and their retries, refunds."""

import time
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from urllib.parse import urlsplit

import orjson
import pytest
from django.core.management import call_command
from django.utils import timezone

from common.events.testing import published
from orders.orders.models import Order
from orders.payments.models import PaymentTransaction, SandboxCharge, SandboxRefund, SandboxWebhook, WebhookReceipt
from orders.payments.providers.sandbox import sandbox_sign
from orders.payments.sandbox.services import sandbox_webhooks_deliver_due
from tests.conftest import (
    APPROVE,
    APPROVE_LATER,
    DECLINE,
    add_line,
    cart_headers,
    checkout,
    deliver_webhooks,
    new_cart,
    pay,
)

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/orders/payments/sandbox/webhook"


def page(client, order):
    return client.get(urlsplit(order["payment"]["checkout_url"]).path)


def signed_webhook(client, payload: dict, *, timestamp: int | None = None, secret: str | None = None, tamper=False):
    body = orjson.dumps(payload)
    signature = sandbox_sign(raw_body=body, timestamp=timestamp or int(time.time()), secret=secret)
    sent = body.replace(payload["data"]["amount"].encode(), b"0.01") if tamper else body
    return client.post(WEBHOOK, data=sent, content_type="application/json", headers={"Sandbox-Signature": signature})


def succeeded_payload(order: dict, *, event_id="evt_test_1", charge="ch_test_1", amount=None) -> dict:
    return {
        "id": event_id,
        "type": "payment.succeeded",
        "created": int(time.time()),
        "data": {
            "session": "cs_x",
            "order_number": order["number"],
            "charge": charge,
            "amount": amount or order["total"],
            "currency": "BRL",
            "failure_code": "",
        },
    }


def test_the_hosted_page_waits_for_stock_while_the_order_is_pending(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    order = checkout(client, headers, key="page").json()
    response = page(client, order)
    assert response.status_code == 200
    assert b'data-state="waiting_for_stock"' in response.content
    assert b'http-equiv="refresh"' in response.content
    assert client.post(urlsplit(order["payment"]["checkout_url"]).path, {"card_number": APPROVE}).status_code == 409
    assert SandboxCharge.objects.count() == 0


def test_the_hosted_page_takes_a_card_once_stock_is_reserved(client, guest_order):
    response = page(client, guest_order)
    assert b'data-state="open"' in response.content
    assert "R$ 192,70" in response.content.decode()  # pt-BR formatting, the real's symbol


def test_a_wrong_token_in_the_payment_url_is_404(client, guest_order):
    assert client.get(f"/payments/sandbox/checkout/{guest_order['number']}/not-the-token").status_code == 404


def test_an_approved_card_pays_the_order_through_the_signed_webhook(client, guest_order):
    response = client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    assert response.status_code == 200
    assert Order.objects.get().status == "awaiting_payment"  # nothing changes until the webhook arrives
    assert b'data-state="processing"' in response.content

    assert deliver_webhooks(client) == 1

    order = Order.objects.get()
    assert order.status == "paid" and order.paid_at is not None
    assert order.payment_session.status == "paid"
    charge = PaymentTransaction.objects.get()
    assert (charge.kind, charge.status, charge.amount) == ("charge", "succeeded", Decimal("192.70"))
    assert len(published("orders.order_paid")) == 1
    assert b'data-state="paid"' in page(client, guest_order).content
    assert SandboxWebhook.objects.get().delivered_at is not None


def test_a_declined_card_leaves_the_order_awaiting_payment_and_records_the_failure(client, guest_order):
    response = pay(client, guest_order, DECLINE)
    assert response.status_code == 402
    assert "Seu cartão foi recusado" in response.content.decode()
    order = Order.objects.get()
    assert order.status == "awaiting_payment"
    failure = PaymentTransaction.objects.get()
    assert (failure.status, failure.failure_code) == ("failed", "card_declined")
    assert published("orders.order_paid") == []
    pay(client, guest_order, APPROVE)  # another card within the window still works
    assert Order.objects.get().status == "paid"


def test_an_unknown_card_number_is_refused_without_a_charge(client, guest_order):
    response = pay(client, guest_order, "1234 5678 9012 3456")
    assert response.status_code == 422
    assert SandboxCharge.objects.count() == 0 and SandboxWebhook.objects.count() == 0


def test_the_delayed_card_is_confirmed_only_after_its_delay(client, guest_order, settings):
    settings.SANDBOX_DELAYED_APPROVAL_SECONDS = 60
    pay(client, guest_order, APPROVE_LATER)
    assert Order.objects.get().status == "awaiting_payment"
    SandboxWebhook.objects.update(deliver_after=timezone.now())
    assert deliver_webhooks(client) == 1
    assert Order.objects.get().status == "paid"


def test_a_paid_session_takes_no_second_card(client, guest_order):
    pay(client, guest_order, APPROVE)
    response = client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    assert response.status_code == 409
    assert SandboxCharge.objects.count() == 1


def test_a_webhook_with_a_bad_signature_is_400_and_changes_nothing(client, guest_order):
    response = signed_webhook(client, succeeded_payload(guest_order), secret="someone-elses-secret")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"
    tampered = signed_webhook(client, succeeded_payload(guest_order), tamper=True)
    assert tampered.status_code == 400
    missing = client.post(WEBHOOK, data=orjson.dumps(succeeded_payload(guest_order)), content_type="application/json")
    assert missing.status_code == 400
    assert Order.objects.get().status == "awaiting_payment"
    assert WebhookReceipt.objects.count() == 0 and PaymentTransaction.objects.count() == 0


def test_a_webhook_signed_more_than_five_minutes_ago_is_400_stale(client, guest_order):
    response = signed_webhook(client, succeeded_payload(guest_order), timestamp=int(time.time()) - 301)
    assert response.status_code == 400
    assert response.json()["code"] == "stale_signature"
    assert Order.objects.get().status == "awaiting_payment"


def test_a_duplicate_webhook_is_200_and_changes_nothing(client, guest_order):
    first = signed_webhook(client, succeeded_payload(guest_order))
    second = signed_webhook(client, succeeded_payload(guest_order))
    other_event_same_charge = signed_webhook(client, succeeded_payload(guest_order, event_id="evt_test_2"))
    assert (first.status_code, second.status_code, other_event_same_charge.status_code) == (200, 200, 200)
    assert (first.json()["outcome"], second.json()["outcome"], other_event_same_charge.json()["outcome"]) == (
        "paid",
        "duplicate",
        "duplicate",
    )
    assert PaymentTransaction.objects.count() == 1
    assert len(published("orders.order_paid")) == 1
    assert Order.objects.get().history.count() == 3


def test_a_payment_arriving_after_the_order_expired_is_refunded_through_the_provider(client, guest_order):
    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    Order.objects.update(status="expired")  # the window ran out before the webhook got through

    assert deliver_webhooks(client) == 1

    order = Order.objects.get()
    assert order.status == "expired"
    assert list(PaymentTransaction.objects.values_list("kind", "status", "amount")) == [
        ("charge", "succeeded", Decimal("192.70")),
        ("refund", "succeeded", Decimal("192.70")),
    ]
    refund = PaymentTransaction.objects.get(kind="refund")
    assert refund.refund_of.provider_reference == SandboxCharge.objects.get().reference
    assert SandboxRefund.objects.get().reference == refund.provider_reference
    assert published("orders.order_paid") == []


def test_a_payment_arriving_after_the_shopper_cancelled_is_refunded(client, guest_order):
    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    assert (
        client.post(
            f"/api/orders/orders/{guest_order['number']}/cancel", HTTP_X_ORDER_TOKEN=guest_order["access_token"]
        ).status_code
        == 200
    )

    deliver_webhooks(client)

    assert Order.objects.get().status == "cancelled"
    assert list(PaymentTransaction.objects.values_list("kind", "status")) == [
        ("charge", "succeeded"),
        ("refund", "succeeded"),
    ]


def test_a_refund_the_provider_refuses_stays_pending_and_is_retried_under_the_same_key(client, guest_order):
    number = guest_order["number"]
    client.post(f"/api/orders/orders/{number}/cancel", HTTP_X_ORDER_TOKEN=guest_order["access_token"])
    response = signed_webhook(client, succeeded_payload(guest_order, charge="ch_unknown"))
    assert response.status_code == 200
    assert response.json()["outcome"] == "refund_pending"
    refund = PaymentTransaction.objects.get(kind="refund")
    assert (refund.status, refund.attempts, refund.failure_code) == ("pending", 1, "refund_failed")
    assert refund.idempotency_key.startswith("refund-sandbox-")
    assert WebhookReceipt.objects.count() == 1  # the money owed is recorded: a redelivery changes nothing
    assert signed_webhook(client, succeeded_payload(guest_order, charge="ch_unknown")).json()["outcome"] == "duplicate"

    SandboxCharge.objects.create(  # the provider's ledger catches up: the charge is now refundable
        reference="ch_unknown", session_reference="cs", order_number=number, amount=refund.amount, succeeded=True
    )
    out = StringIO()
    call_command("order_expire_overdue", stdout=out)  # the deployed housekeeping loop resends it

    refund.refresh_from_db()
    assert (refund.status, refund.attempts) == ("succeeded", 2)
    assert SandboxRefund.objects.get().idempotency_key == refund.idempotency_key
    assert "confirmed 1 pending refund(s)" in out.getvalue()


def test_a_payment_of_the_wrong_amount_is_refunded_not_accepted(client, guest_order):
    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    webhook = SandboxWebhook.objects.get()
    webhook.payload["data"]["amount"] = "1.00"
    SandboxWebhook.objects.filter(pk=webhook.pk).update(payload=webhook.payload)
    SandboxCharge.objects.update(amount=Decimal("1.00"))
    deliver_webhooks(client)
    assert Order.objects.get().status == "awaiting_payment"
    assert list(PaymentTransaction.objects.values_list("kind", "amount")) == [
        ("charge", Decimal("1.00")),
        ("refund", Decimal("1.00")),
    ]


def test_webhook_delivery_is_retried_with_backoff_until_answered_2xx(client, guest_order):
    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    answers = iter([503, 500])

    assert sandbox_webhooks_deliver_due(send=lambda url, body, headers: next(answers)) == 0
    webhook = SandboxWebhook.objects.get()
    assert (webhook.attempts, webhook.last_error, webhook.delivered_at) == (1, "HTTP 503", None)
    assert webhook.deliver_after > timezone.now()
    assert sandbox_webhooks_deliver_due(send=lambda url, body, headers: next(answers)) == 0  # not due yet

    SandboxWebhook.objects.update(deliver_after=timezone.now() - timedelta(seconds=1))
    assert sandbox_webhooks_deliver_due(send=lambda url, body, headers: next(answers)) == 0
    assert SandboxWebhook.objects.get().attempts == 2
    SandboxWebhook.objects.update(deliver_after=timezone.now() - timedelta(seconds=1))
    assert deliver_webhooks(client) == 1
    assert Order.objects.get().status == "paid"


def test_a_webhook_for_an_order_orders_does_not_know_is_acknowledged_and_changes_nothing(client, guest_order):
    payload = succeeded_payload(guest_order)
    payload["data"]["order_number"] = "CO-2026-999999"
    response = signed_webhook(client, payload)
    assert (response.status_code, response.json()["outcome"]) == (200, "unknown_order")
    assert PaymentTransaction.objects.count() == 0
    assert Order.objects.get().status == "awaiting_payment"


def test_a_webhook_for_an_unknown_provider_is_404(client, db):
    response = client.post("/api/orders/payments/no-such-psp/webhook", data=b"{}", content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (404, "unknown_provider")


def test_due_webhooks_are_sent_several_at_once_each_with_a_valid_signature(client, guest_order):
    from orders.payments.providers.sandbox import SandboxProvider

    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": DECLINE})
    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": DECLINE})
    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    received = []

    def send(url, body, headers):  # runs in the delivery threads: no database here
        received.append(SandboxProvider().parse_webhook(raw_body=body, headers=headers).type)
        return 204

    assert sandbox_webhooks_deliver_due(send=send, concurrency=3) == 3
    assert sorted(received) == ["payment.failed", "payment.failed", "payment.succeeded"]
    assert SandboxWebhook.objects.filter(delivered_at__isnull=True).count() == 0


def test_a_paid_webhook_reads_the_order_and_its_session_once_and_announces_how_it_was_paid(client, guest_order):
    """The order is locked with its session read in the same statement; paying it reads neither again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from orders.payments.models import PaymentSession

    session_table = PaymentSession._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        assert signed_webhook(client, succeeded_payload(guest_order)).status_code == 200

    reads = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert sum(f'"{Order._meta.db_table}"' in sql.split(" WHERE ")[0] for sql in reads) == 1
    assert sum(f'"{session_table}"' in sql for sql in reads) == 1  # the lock's join, nothing after it
    assert Order.objects.get().payment_session.status == "paid"
    [paid] = published("orders.order_paid")
    assert (paid.payload["payment_method"], paid.payload["installments"]) == ("card", 1)
