"""Races on PostgreSQL (real row locks and unique indexes; threads, one connection each)."""

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import urlsplit

import orjson
import pytest
from django.db import connection
from django.test import Client

from common.events.testing import published
from orders.checkout.models import IdempotencyKey
from orders.orders.models import Order
from orders.payments.models import PaymentTransaction, SandboxWebhook
from orders.payments.providers.sandbox import sandbox_sign
from tests.conftest import APPROVE, add_line, cart_headers, checkout, deliver_webhooks, new_cart

WEBHOOK = "/api/orders/payments/sandbox/webhook"

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(count: int, work):
    """Start ``count`` calls of ``work(index)`` at the same moment; each thread closes its connection."""
    barrier = threading.Barrier(count)

    def call(index):
        barrier.wait()
        try:
            return work(index)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(call, range(count)))


def test_twenty_concurrent_checkouts_with_one_idempotency_key_make_one_order(postgresql, catalog):
    headers = cart_headers(new_cart(Client())["token"])
    add_line(Client(), headers, "SERUM-30", 1)

    def attempt(_index):
        response = checkout(Client(), headers, key="same-key-20")
        return response.status_code, response.json()

    answers = run_together(20, attempt)

    assert Order.objects.count() == 1
    number = Order.objects.get().number
    statuses = sorted(status for status, _ in answers)
    assert set(statuses) <= {201, 409}
    assert statuses.count(201) >= 1
    assert all(body["number"] == number for status, body in answers if status == 201)
    assert all(body["code"] == "idempotency_request_in_progress" for status, body in answers if status == 409)
    assert IdempotencyKey.objects.get().state == "completed"
    replay = checkout(Client(), headers, key="same-key-20")
    assert (replay.status_code, replay.json()["number"]) == (201, number)


def test_thirty_concurrent_checkouts_for_five_units_get_distinct_numbers_and_five_reservations(postgresql, catalog):
    catalog.on_hand["BATOM-RED"] = 5
    carts = [cart_headers(new_cart(Client())["token"]) for _ in range(30)]
    for headers in carts:
        assert add_line(Client(), headers, "BATOM-RED", 1).status_code == 201

    answers = run_together(30, lambda i: checkout(Client(), carts[i], key=f"buyer-{i}", email=f"b{i}@example.com"))

    assert [response.status_code for response in answers] == [201] * 30
    assert len({response.json()["number"] for response in answers}) == 30
    catalog.process()
    assert Order.objects.filter(status="awaiting_payment").count() == 5
    assert Order.objects.filter(status="rejected").count() == 25


def test_the_same_webhook_delivered_ten_times_at_once_pays_once(postgresql, client, guest_order):
    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    webhook = SandboxWebhook.objects.get()
    body = orjson.dumps(webhook.payload)
    signature = sandbox_sign(raw_body=body, timestamp=int(time.time()))

    def post(_index):
        response = Client().post(
            WEBHOOK, data=body, content_type="application/json", headers={"Sandbox-Signature": signature}
        )
        return response.status_code, response.json()["outcome"]

    answers = run_together(10, post)

    assert sorted(answers) == [(200, "duplicate")] * 9 + [(200, "paid")]
    assert PaymentTransaction.objects.filter(kind="charge").count() == 1
    assert len(published("orders.order_paid")) == 1
    assert Order.objects.get().status == "paid"


def test_a_cancel_racing_the_payment_webhook_never_keeps_the_money(postgresql, client, guest_order):
    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    number = guest_order["number"]

    def race(index):
        if index == 0:
            return (
                Client()
                .post(f"/api/orders/orders/{number}/cancel", HTTP_X_ORDER_TOKEN=guest_order["access_token"])
                .status_code
            )
        return deliver_webhooks(Client())

    run_together(2, race)

    order = Order.objects.get()
    assert order.status in ("cancelled", "refunded")
    charged = sum(t.amount for t in PaymentTransaction.objects.filter(kind="charge", status="succeeded"))
    refunded = sum(t.amount for t in PaymentTransaction.objects.filter(kind="refund", status="succeeded"))
    assert (charged, refunded) == (Decimal("192.70"), Decimal("192.70"))
    assert published("orders.order_paid") == [] or order.status == "refunded"
