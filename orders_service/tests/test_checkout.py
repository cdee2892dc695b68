"""Checkout: Idempotency-Key semantics, prices checked again, the order it creates."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from common.events.testing import published
from common.testing.tokens import auth_header
from orders.carts.models import CartLine
from orders.checkout.models import IdempotencyKey
from orders.checkout.services import request_fingerprint
from orders.orders.models import Order
from tests.conftest import ADDRESS, CHECKOUT, add_line, cart_headers, checkout, new_cart, publish_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def headers(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    return headers


def test_checkout_without_idempotency_key_is_400_and_creates_nothing(client, headers):
    response = client.post(
        CHECKOUT, {"email": "a@example.com", "shipping_address": ADDRESS}, content_type="application/json", **headers
    )
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    assert Order.objects.count() == 0 and IdempotencyKey.objects.count() == 0


def test_checkout_with_same_idempotency_key_returns_the_first_order(client, headers):
    first = checkout(client, headers, key="k-1")
    again = checkout(client, headers, key="k-1")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Order.objects.count() == 1
    assert len(published("orders.order_placed")) == 1


def test_same_key_with_another_body_is_422_and_creates_nothing(client, headers):
    checkout(client, headers, key="k-2", email="first@example.com")
    response = checkout(client, headers, key="k-2", email="second@example.com")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert list(Order.objects.values_list("email", flat=True)) == ["first@example.com"]


def test_same_key_from_another_shopper_is_422(client, catalog, headers):
    checkout(client, headers, key="k-3")
    other = cart_headers(new_cart(client)["token"])
    add_line(client, other, "SERUM-30", 1)
    response = checkout(client, other, key="k-3")
    assert response.status_code == 422
    assert Order.objects.count() == 1


def test_a_key_still_in_flight_is_409_in_progress(client, headers):
    token = headers["HTTP_X_CART_TOKEN"]
    body = {"email": "guest@example.com", "shipping_address": ADDRESS}
    IdempotencyKey.objects.create(key="k-4", fingerprint=request_fingerprint(body=body, owner=f"cart:{token}"))
    response = checkout(client, headers, key="k-4")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_request_in_progress"
    assert Order.objects.count() == 0


def test_a_claim_abandoned_by_a_crashed_worker_is_taken_over(client, headers):
    token = headers["HTTP_X_CART_TOKEN"]
    body = {"email": "guest@example.com", "shipping_address": ADDRESS}
    claim = IdempotencyKey.objects.create(key="k-5", fingerprint=request_fingerprint(body=body, owner=f"cart:{token}"))
    IdempotencyKey.objects.filter(pk=claim.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    response = checkout(client, headers, key="k-5")
    assert response.status_code == 201
    assert IdempotencyKey.objects.get(key="k-5").order.number == response.json()["number"]


def test_a_guest_must_give_an_email_and_the_key_is_released(client, headers):
    response = checkout(client, headers, key="k-6", email=None)
    assert response.status_code == 422
    assert response.json()["code"] == "email_required"
    assert Order.objects.count() == 0 and IdempotencyKey.objects.count() == 0
    assert checkout(client, headers, key="k-6", email="late@example.com").status_code == 201


def test_an_invalid_email_is_422(client, headers):
    response = checkout(client, headers, key="k-7", email="not-an-email")
    assert response.status_code == 422
    assert Order.objects.count() == 0


def test_an_empty_cart_is_409_cart_empty(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    response = checkout(client, headers, key="k-8")
    assert response.status_code == 409
    assert response.json()["code"] == "cart_empty"
    assert Order.objects.count() == 0 and published("orders.order_placed") == []


def test_a_changed_price_is_409_price_changed_and_the_cart_shows_the_new_price(client, headers):
    publish_product(1, "serum-vitamina-c", "Sérum Vitamina C", [("SERUM-30", "30 ml", "99.90")])
    response = checkout(client, headers, key="k-9")
    assert response.status_code == 409
    assert response.json()["code"] == "price_changed"
    assert Order.objects.count() == 0 and published("orders.order_placed") == []
    assert CartLine.objects.get().unit_price == Decimal("99.90")
    retried = checkout(client, headers, key="k-9")
    assert retried.status_code == 201
    assert retried.json()["subtotal"] == "99.90"


def test_an_unpublished_product_is_409_product_unavailable(client, headers):
    publish_product(1, "serum-vitamina-c", "Sérum Vitamina C", [("SERUM-30", "30 ml", "89.90")], published_flag=False)
    response = checkout(client, headers, key="k-10")
    assert response.status_code == 409
    assert response.json()["code"] == "product_unavailable"
    assert Order.objects.count() == 0
    assert CartLine.objects.count() == 1


def test_client_sent_prices_totals_and_status_are_ignored(client, headers):
    body = {
        "email": "x@example.com",
        "shipping_address": ADDRESS,
        "total": "0.01",
        "status": "paid",
        "lines": [{"sku": "SERUM-30", "quantity": 1, "unit_price": "0.01"}],
    }
    response = client.post(CHECKOUT, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-11", **headers)
    assert response.status_code == 201
    order = Order.objects.get()
    assert (order.status, order.total, order.subtotal) == ("pending", Decimal("102.80"), Decimal("89.90"))


def test_checkout_creates_a_numbered_pending_order_with_history_and_announces_it(client, headers):
    response = checkout(client, headers, key="k-12", email="num@example.com")
    number = response.json()["number"]
    assert re.fullmatch(rf"CO-{timezone.now().year}-\d{{6,}}", number)
    order = Order.objects.get(number=number)
    assert list(order.history.values_list("from_status", "to_status", "actor")) == [("", "pending", "guest")]
    assert order.payment_session.status == "waiting_for_stock"
    [placed] = published("orders.order_placed")
    assert placed.key == number
    assert placed.payload["lines"] == [
        {
            "sku": "SERUM-30",
            "quantity": 1,
            "name": "Sérum Vitamina C - 30 ml",
            "unit_price": "89.90",
            "line_total": "89.90",
        }
    ]
    # shipping: the table's standard method, Sudeste, up to 1 kg (orders.shipping.table)
    assert (placed.payload["subtotal"], placed.payload["shipping"], placed.payload["total"]) == (
        "89.90",
        "12.90",
        "102.80",
    )


def test_order_numbers_follow_each_other(client, catalog):
    numbers = []
    for index in range(3):
        headers = cart_headers(new_cart(client)["token"])
        add_line(client, headers, "BATOM-RED", 1)
        numbers.append(checkout(client, headers, key=f"seq-{index}").json()["number"])
    first = int(numbers[0].rsplit("-", 1)[1])
    assert numbers == [f"CO-{timezone.now().year}-{first + step:06d}" for step in range(3)]


def test_a_signed_in_shopper_checking_out_with_a_guest_cart_token_buys_the_merged_cart(client, catalog):
    auth = auth_header(user_id=70, email="eva@example.com")
    guest = cart_headers(new_cart(client)["token"])
    add_line(client, guest, "BATOM-RED", 2)
    response = checkout(client, {**guest, **auth}, key="k-13", email=None)
    assert response.status_code == 201
    order = Order.objects.get()
    assert (order.user_id, order.email, order.subtotal) == (70, "eva@example.com", Decimal("99.80"))


def test_completed_keys_older_than_a_day_are_purged_and_younger_or_running_ones_kept(client, headers):
    from io import StringIO

    from django.core.management import call_command

    checkout(client, headers, key="old-done")
    IdempotencyKey.objects.create(key="old-running", fingerprint="f")
    add_line(client, headers, "SERUM-30", 1)
    checkout(client, headers, key="young-done")
    IdempotencyKey.objects.filter(key__startswith="old-").update(created_at=timezone.now() - timedelta(hours=25))
    out = StringIO()
    call_command("checkout_purge_idempotency_keys", stdout=out)
    assert out.getvalue().strip() == "deleted 1 idempotency key(s)"
    assert sorted(IdempotencyKey.objects.values_list("key", flat=True)) == ["old-running", "young-done"]
    assert Order.objects.count() == 2


def test_a_shipping_name_beyond_the_shared_address_limit_is_422_and_places_nothing(client, catalog):
    from common.addresses import FULL_NAME_MAX

    headers = cart_headers(new_cart(client)["token"])
    assert add_line(client, headers, "SERUM-30", 1).status_code == 201
    address = {**ADDRESS, "full_name": "A" * (FULL_NAME_MAX + 1)}
    response = checkout(client, headers, key="too-long-name", address=address)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert Order.objects.count() == 0
