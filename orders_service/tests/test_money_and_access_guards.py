"""Issue 21 (orders side): late payments, paid orders without stock, limits, stuck pending orders, emails,
order numbers, webhook signatures and secrets. Each test failed before its fix."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import orjson
import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from common.events.contracts.catalog import StockCommitFailed, UncoveredLine
from common.events.testing import deliver, published
from common.sealing import unseal
from common.testing.tokens import auth_header
from config.event_handlers import HANDLERS
from orders.carts.models import CartLine
from orders.checkout.models import IdempotencyKey
from orders.orders.models import Order
from orders.payments.models import PaymentSession, PaymentTransaction, SandboxRefund, SandboxWebhook
from orders.payments.providers.sandbox import sandbox_sign
from orders.payments.sandbox.services import sandbox_webhooks_deliver_due
from tests.conftest import APPROVE, CART, add_line, cart_headers, checkout, deliver_webhooks, new_cart, pay

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/orders/payments/sandbox/webhook"
SERVICE_DIR = Path(__file__).resolve().parent.parent


# -- 2: a payment after the payment window is refused and refunded, even when the expiry loop lags
def test_a_payment_after_the_window_closed_is_refunded_and_expires_the_order_though_expiry_lags(client, guest_order):
    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    # The window closes before the webhook gets through; order_expire_overdue has not run.
    PaymentSession.objects.update(expires_at=timezone.now() - timedelta(minutes=15))

    assert deliver_webhooks(client) == 1

    order = Order.objects.get()
    assert order.status == "expired"
    assert list(PaymentTransaction.objects.values_list("kind", "status")) == [
        ("charge", "succeeded"),
        ("refund", "succeeded"),
    ]
    assert SandboxRefund.objects.get().reference == PaymentTransaction.objects.get(kind="refund").provider_reference
    assert published("orders.order_paid") == []
    assert [event.key for event in published("orders.order_expired")] == [order.number]


def _paid(client, guest_order, catalog) -> Order:
    pay(client, guest_order)
    return Order.objects.get(number=guest_order["number"])


def _commit_failed(number: str):
    return deliver(
        StockCommitFailed(
            order_number=number,
            reason="reservation_released",
            lines=[UncoveredLine(sku="SERUM-30", quantity=2, on_hand=0)],
        ),
        handlers=HANDLERS,
        key=number,
    )


def test_a_paid_order_catalog_cannot_cover_becomes_paid_out_of_stock_for_support(client, guest_order, catalog):
    order = _paid(client, guest_order, catalog)

    _commit_failed(order.number)
    _commit_failed(order.number)  # a redelivery under another event id changes nothing

    order.refresh_from_db()
    assert order.status == "paid_out_of_stock"
    change = order.history.last()
    assert (change.from_status, change.to_status, change.actor) == ("paid", "paid_out_of_stock", "catalog")
    assert "reservation_released" in change.note and "SERUM-30: 2 (on hand 0)" in change.note
    assert order.history.count() == 4

    support = User.objects.create_user("lia", "lia@cosmeticos.co", "x", is_staff=True)
    support.groups.add(Group.objects.get(name="Customer support"))
    client.force_login(support, backend="django.contrib.auth.backends.ModelBackend")
    listed = client.get("/admin/orders/order/", {"attention": "paid_out_of_stock"})
    assert listed.status_code == 200 and order.number in listed.content.decode()
    assert order.number in client.get("/admin/orders/order/", {"status__exact": "paid_out_of_stock"}).content.decode()

    cancelled = client.post(f"/api/orders/orders/{order.number}/cancel", HTTP_X_ORDER_TOKEN=guest_order["access_token"])
    assert cancelled.json()["status"] == "refunded"
    assert PaymentTransaction.objects.get(kind="refund").status == "succeeded"


def test_a_commit_failure_for_an_order_no_longer_paid_changes_nothing(client, guest_order, catalog):
    order = _paid(client, guest_order, catalog)
    client.post(f"/api/orders/orders/{order.number}/cancel", HTTP_X_ORDER_TOKEN=guest_order["access_token"])
    _commit_failed(order.number)
    _commit_failed("CO-2026-999999")
    assert Order.objects.get().status == "refunded"


# -- 4: keys longer than the limit are refused, not cut
def test_an_idempotency_key_longer_than_255_is_400_and_is_not_cut(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    assert checkout(client, headers, key="k" * 255).status_code == 201
    add_line(client, headers, "SERUM-30", 1)

    response = checkout(client, headers, key="k" * 255 + "-another-request")

    assert (response.status_code, response.json()["code"]) == (400, "idempotency_key_too_long")
    assert Order.objects.count() == 1 and IdempotencyKey.objects.count() == 1


# -- 5: the 999 limit holds per line and per cart, including on merge
def test_three_adds_of_999_leave_one_line_of_999_and_checkout_refuses_a_bigger_one(client, catalog):
    catalog.on_hand["SERUM-30"] = 5000
    headers = cart_headers(token := new_cart(client)["token"])
    assert add_line(client, headers, "SERUM-30", 999).status_code == 201
    for _ in range(2):
        refused = add_line(client, headers, "SERUM-30", 999)
        assert (refused.status_code, refused.json()["code"]) == (409, "quantity_limit_exceeded")
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [999]

    CartLine.objects.update(quantity=2997)  # a line written before the limit held
    response = checkout(client, headers, key="too-many")
    assert (response.status_code, response.json()["code"]) == (409, "quantity_limit_exceeded")
    assert Order.objects.count() == 0
    assert client.get(CART, HTTP_X_CART_TOKEN=token).status_code == 200


def test_a_cart_holds_at_most_999_units_across_its_lines(client, catalog):
    catalog.on_hand.update({"SERUM-30": 2000, "BATOM-RED": 2000})
    headers = cart_headers(new_cart(client)["token"])
    assert add_line(client, headers, "SERUM-30", 600).status_code == 201
    refused = add_line(client, headers, "BATOM-RED", 400)
    assert (refused.status_code, refused.json()["code"]) == (409, "quantity_limit_exceeded")
    line = CartLine.objects.get()
    patched = client.patch(f"{CART}/lines/{line.pk}", {"quantity": 1000}, content_type="application/json", **headers)
    assert patched.status_code == 422  # over the per-line limit in the schema
    assert add_line(client, headers, "BATOM-RED", 399).status_code == 201


def test_merging_a_guest_cart_keeps_lines_and_the_cart_within_the_limits(client, catalog):
    catalog.on_hand.update({"SERUM-30": 5000, "BATOM-RED": 5000})
    auth = auth_header(user_id=9, email="dani@example.com")
    new_cart(client, **auth)
    assert add_line(client, auth, "SERUM-30", 900).status_code == 201
    guest = new_cart(client)["token"]
    add_line(client, cart_headers(guest), "SERUM-30", 500)
    add_line(client, cart_headers(guest), "BATOM-RED", 500)

    merged = client.get(CART, **cart_headers(guest), **auth).json()

    assert [(line["sku"], line["quantity"]) for line in merged["lines"]] == [("SERUM-30", 999)]
    assert sum(line["quantity"] for line in merged["lines"]) <= 999


# -- 7: pending orders do not wait forever
def test_a_pending_order_is_asked_for_again_then_rejected_after_the_timeout(client, catalog, settings):
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    number = checkout(client, headers, key="lost-placed").json()["number"]  # catalog never sees order_placed
    placed_at = timezone.now() - timedelta(minutes=settings.ORDERS_PENDING_RETRY_MINUTES + 1)
    Order.objects.update(created_at=placed_at, reservation_requested_at=None)  # as placed before the field existed

    call_command("order_expire_overdue", stdout=(out := StringIO()))

    assert "asked again for 1" in out.getvalue()
    assert [event.key for event in published("orders.order_placed")] == [number, number]
    assert Order.objects.get().status == "pending"
    call_command("order_expire_overdue", stdout=StringIO())
    assert len(published("orders.order_placed")) == 2  # not again before the retry interval

    late = timezone.now() - timedelta(minutes=settings.ORDERS_PENDING_TIMEOUT_MINUTES + 1)
    Order.objects.update(created_at=late, reservation_requested_at=late)
    call_command("order_expire_overdue", stdout=(out := StringIO()))

    order = Order.objects.get()
    assert (order.status, order.history.last().note) == ("rejected", "stock_reservation_timeout")
    assert "rejected 1" in out.getvalue()
    assert [event.payload["reason"] for event in published("orders.order_rejected")] == ["stock_reservation_timeout"]
    assert [event.key for event in published("orders.order_expired")] == [number]  # any late hold is released


def test_support_sees_orders_stuck_pending(client, catalog, settings):
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    number = checkout(client, headers, key="stuck").json()["number"]
    support = User.objects.create_user("lia", "lia@cosmeticos.co", "x", is_staff=True)
    support.groups.add(Group.objects.get(name="Customer support"))
    client.force_login(support, backend="django.contrib.auth.backends.ModelBackend")
    assert number not in client.get("/admin/orders/order/", {"attention": "stuck_pending"}).content.decode()
    Order.objects.update(created_at=timezone.now() - timedelta(minutes=settings.ORDERS_PENDING_RETRY_MINUTES + 1))
    assert number in client.get("/admin/orders/order/", {"attention": "stuck_pending"}).content.decode()


# -- 8: a signed-in shopper's order uses the account's email
def test_a_signed_in_shoppers_order_goes_to_the_accounts_email_not_the_one_sent(client, catalog):
    auth = auth_header(user_id=3, email="carla@example.com")
    new_cart(client, **auth)
    add_line(client, auth, "SERUM-30", 1)

    answer = checkout(client, auth, key="mine", email="stranger@example.com").json()

    assert answer["email"] == "carla@example.com"
    assert Order.objects.get().email == "carla@example.com"
    [placed] = published("orders.order_placed")
    assert placed.payload["email"] == "carla@example.com"


# -- 9: sandbox webhooks stop retrying after a bounded number of attempts
def test_the_sandbox_gives_a_webhook_up_after_the_maximum_attempts(client, guest_order, settings):
    settings.SANDBOX_WEBHOOK_MAX_ATTEMPTS = 3
    client.post(urlsplit(guest_order["payment"]["checkout_url"]).path, {"card_number": APPROVE})
    for attempt in range(1, 4):
        SandboxWebhook.objects.update(deliver_after=timezone.now())
        sandbox_webhooks_deliver_due(send=lambda url, body, headers: 503)
        assert SandboxWebhook.objects.get().attempts == attempt
    webhook = SandboxWebhook.objects.get()
    assert webhook.abandoned_at is not None and webhook.delivered_at is None
    SandboxWebhook.objects.update(deliver_after=timezone.now())
    assert sandbox_webhooks_deliver_due(send=lambda url, body, headers: 200) == 0
    assert SandboxWebhook.objects.get().attempts == 3


# -- 10: the order number's year is São Paulo's
def test_an_order_placed_on_new_years_eve_in_sao_paulo_keeps_that_year(client, catalog, monkeypatch):
    eve = datetime(2026, 1, 1, 1, 30, tzinfo=UTC)  # 2025-12-31 22:30 in São Paulo
    monkeypatch.setattr("orders.orders.services.timezone.now", lambda: eve)
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    assert checkout(client, headers, key="eve").json()["number"].startswith("CO-2025-")


# -- 18: malformed signature headers are 400, not 500
@pytest.mark.parametrize(
    "header",
    ["t=²,v1=abc", "t=" + "9" * 5000 + ",v1=abc", "t=" + "1" * 4000 + ",v1=abc", "t=١٢٣,v1=abc", "garbage", ""],
)
def test_a_malformed_signature_header_is_400_invalid_signature(client, guest_order, header):
    body = orjson.dumps({"id": "evt_1", "type": "payment.succeeded", "data": {}})
    response = client.post(WEBHOOK, data=body, content_type="application/json", headers={"Sandbox-Signature": header})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_signature")
    assert PaymentTransaction.objects.count() == 0


# -- 17: the webhook secret is a setting of its own
def _settings_in_a_process(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SANDBOX_WEBHOOK_SECRET", "DEBUG", "SECRET_KEY")}
    script = "import django; django.setup(); from django.conf import settings; print(settings.SANDBOX_WEBHOOK_SECRET)"
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=SERVICE_DIR,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_debug_the_service_refuses_to_start_without_its_own_webhook_secret():
    refused = _settings_in_a_process(DEBUG="false", SECRET_KEY="a-real-secret-key-" + "x" * 40)
    assert refused.returncode != 0 and "SANDBOX_WEBHOOK_SECRET" in refused.stderr
    short = _settings_in_a_process(
        DEBUG="false", SECRET_KEY="a-real-secret-key-" + "x" * 40, SANDBOX_WEBHOOK_SECRET="short"
    )
    assert short.returncode != 0 and "SANDBOX_WEBHOOK_SECRET" in short.stderr
    secret = "w" * 40
    started = _settings_in_a_process(
        DEBUG="false", SECRET_KEY="a-real-secret-key-" + "x" * 40, SANDBOX_WEBHOOK_SECRET=secret
    )
    assert (started.returncode, started.stdout.strip()) == (0, secret), started.stderr


def test_a_webhook_signed_with_a_secret_derived_from_secret_key_is_refused(client, guest_order, settings):
    import hashlib
    import hmac

    derived = hmac.new(settings.SECRET_KEY.encode(), b"sandbox-webhook-signing", hashlib.sha256).hexdigest()
    data = {
        "session": "cs_x",
        "order_number": guest_order["number"],
        "charge": "ch_forged",
        "amount": guest_order["total"],
        "currency": "BRL",
        "failure_code": "",
    }
    body = orjson.dumps({"id": "evt_forged", "type": "payment.succeeded", "data": data})
    signature = sandbox_sign(raw_body=body, timestamp=int(timezone.now().timestamp()), secret=derived)
    response = client.post(
        WEBHOOK, data=body, content_type="application/json", headers={"Sandbox-Signature": signature}
    )
    assert (response.status_code, response.json()["code"]) == (400, "invalid_signature")
    assert Order.objects.get().status == "awaiting_payment"


# -- 10a: the longest line name the catalog allows goes through the purchase and its events
def test_the_longest_product_and_variant_names_go_through_checkout_payment_and_the_events(client, catalog):
    from tests.conftest import publish_product

    publish_product(9, "longest", "P" * 200, [("LONG-1", "V" * 100, "10.00")])
    catalog.on_hand["LONG-1"] = 5
    headers = cart_headers(new_cart(client)["token"])
    assert add_line(client, headers, "LONG-1", 1).status_code == 201
    order = checkout(client, headers, key="longest").json()
    catalog.process()
    pay(client, order)

    longest = "P" * 200 + " - " + "V" * 100
    assert Order.objects.get().status == "paid"
    [paid] = published("orders.order_paid")
    assert [line["name"] for line in paid.payload["lines"]] == [longest]
    assert "access_token" not in paid.payload  # v2: only sealed
    assert unseal(paid.payload["access_token_sealed"]) == order["access_token"]
