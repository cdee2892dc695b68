"""Issue 21 races on PostgreSQL with a controlled interleaving: one request is held at a chosen point
(threading events) while another runs to the end on its own connection, then the first goes on."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from common.testing.tokens import auth_header
from orders.carts import apis as cart_apis
from orders.carts.models import Cart, CartLine
from orders.checkout import services as checkout_services
from orders.checkout.models import IdempotencyKey
from orders.orders.models import Order
from orders.orders.services import order_cancel
from orders.payments import services as payment_services
from orders.payments.models import PaymentTransaction, SandboxCharge
from tests.conftest import ADDRESS, CART, add_line, cart_headers, checkout, new_cart, pay

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 30


class Pause:
    """Wraps ``module.name`` so the first call stops until released, after saying it arrived."""

    def __init__(self, monkeypatch, module, name: str):
        self.arrived, self.release = threading.Event(), threading.Event()
        self.original = getattr(module, name)
        self.calls = 0

        def paused(*args, **kwargs):
            self.calls += 1
            if self.calls == 1:
                self.arrived.set()
                assert self.release.wait(WAIT), "the test never released the paused request"
            return self.original(*args, **kwargs)

        monkeypatch.setattr(module, name, paused)


def in_thread(work):
    """Run ``work`` on another thread (its own database connection); returns the future."""

    def run():
        try:
            return work()
        finally:
            connection.close()

    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(run)
    pool.shutdown(wait=False)
    return future


def _age_claims(seconds: int = 3600) -> None:
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(seconds=seconds))


# -- 4: a stale worker can neither delete the claim that took over nor finish under it
def test_a_stale_worker_cannot_delete_the_completed_key_of_the_worker_that_took_over(postgresql, monkeypatch, catalog):
    headers = cart_headers(new_cart(Client())["token"])
    add_line(Client(), headers, "SERUM-30", 1)
    pause = Pause(monkeypatch, checkout_services, "checkout_place_order")

    first = in_thread(lambda: checkout(Client(), headers, key="fenced-key"))  # claims, then stalls
    assert pause.arrived.wait(WAIT)
    _age_claims()  # the stale timeout passes: the first worker is presumed dead
    taken_over = checkout(Client(), headers, key="fenced-key")
    assert taken_over.status_code == 201
    pause.release.set()
    stale = first.result(WAIT)

    assert stale.status_code == 409  # the cart is empty now; its cleanup must not touch the new claim
    key = IdempotencyKey.objects.get()
    assert (key.state, key.claim_version, key.order.number) == ("completed", 2, taken_over.json()["number"])
    add_line(Client(), headers, "SERUM-30", 1)
    replay = checkout(Client(), headers, key="fenced-key")
    assert (replay.status_code, replay.json()["number"]) == (201, taken_over.json()["number"])
    assert Order.objects.count() == 1


def test_a_stale_worker_cannot_complete_a_key_that_was_taken_over(postgresql, monkeypatch, catalog):
    headers = cart_headers(new_cart(Client())["token"])
    add_line(Client(), headers, "SERUM-30", 1)
    pause = Pause(monkeypatch, checkout_services, "checkout_place_order")

    first = in_thread(lambda: checkout(Client(), headers, key="fenced-2"))
    assert pause.arrived.wait(WAIT)
    _age_claims()
    body = {"email": "guest@example.com", "shipping_address": ADDRESS}
    cart = Cart.objects.get()
    fingerprint = checkout_services.request_fingerprint(body=body, owner=f"cart:{cart.token}")
    claim, completed = checkout_services._claim(key="fenced-2", fingerprint=fingerprint)  # a retry takes over
    assert completed is None and claim.claim_version == 2
    pause.release.set()
    stale = first.result(WAIT)

    assert (stale.status_code, stale.json()["code"]) == (409, "idempotency_request_in_progress")
    assert Order.objects.count() == 0  # its order was rolled back with the refused completion
    assert CartLine.objects.count() == 1
    key = IdempotencyKey.objects.get()
    assert (key.state, key.claim_version) == ("in_progress", 2)


# -- 6: a cart merged away mid-request answers 404 with a code, never 500
def _merge(token: str, auth: dict) -> None:
    assert Client().get(CART, **cart_headers(token), **auth).status_code == 200


def test_checkout_of_a_guest_cart_merged_away_meanwhile_is_404_cart_not_found(postgresql, monkeypatch, catalog):
    auth = auth_header(user_id=21, email="rita@example.com")
    token = new_cart(Client())["token"]
    add_line(Client(), cart_headers(token), "SERUM-30", 1)
    pause = Pause(monkeypatch, checkout_services, "checkout_place_order")

    guest = in_thread(lambda: checkout(Client(), cart_headers(token), key="merged-away"))
    assert pause.arrived.wait(WAIT)
    _merge(token, auth)  # the shopper signs in on another tab: the guest cart is merged and deleted
    pause.release.set()
    response = guest.result(WAIT)

    assert (response.status_code, response.json()["code"]) == (404, "cart_not_found")
    assert Order.objects.count() == 0 and IdempotencyKey.objects.count() == 0
    assert list(CartLine.objects.values_list("cart__user_id", "quantity")) == [(21, 1)]


def test_adding_a_line_to_a_guest_cart_merged_away_meanwhile_is_404_cart_not_found(postgresql, monkeypatch, catalog):
    auth = auth_header(user_id=22, email="rui@example.com")
    token = new_cart(Client())["token"]
    add_line(Client(), cart_headers(token), "SERUM-30", 1)
    pause = Pause(monkeypatch, cart_apis, "cart_line_add")

    adding = in_thread(lambda: add_line(Client(), cart_headers(token), "BATOM-RED", 1))
    assert pause.arrived.wait(WAIT)
    _merge(token, auth)
    pause.release.set()
    response = adding.result(WAIT)

    assert (response.status_code, response.json()["code"]) == (404, "cart_not_found")
    assert list(CartLine.objects.values_list("sku", "cart__user_id")) == [("SERUM-30", 22)]


# -- 5: two adds racing on one line cannot pass the limit together
def test_two_adds_racing_on_one_line_cannot_pass_999_together(postgresql, monkeypatch, catalog):
    catalog.on_hand["SERUM-30"] = 5000
    headers = cart_headers(new_cart(Client())["token"])
    add_line(Client(), headers, "SERUM-30", 500)
    pause = Pause(monkeypatch, catalog, "stock_available")  # both checked the stock; one is held there
    monkeypatch.setattr("orders.products.catalog_client.stock_available", catalog.stock_available)

    first = in_thread(lambda: add_line(Client(), headers, "SERUM-30", 499))
    assert pause.arrived.wait(WAIT)
    second = add_line(Client(), headers, "SERUM-30", 499)
    pause.release.set()
    answers = sorted([first.result(WAIT).status_code, second.status_code])

    assert answers == [201, 409]
    assert list(CartLine.objects.values_list("quantity", flat=True)) == [999]


# -- 9: the provider is called outside any database transaction
def test_a_refund_calls_the_provider_outside_any_transaction_with_its_idempotency_key(
    postgresql, monkeypatch, client, guest_order
):
    pay(client, guest_order)
    seen = []
    provider = payment_services.get_provider("sandbox")
    original = type(provider).refund

    def refund(self, **kwargs):
        seen.append((connection.in_atomic_block, kwargs["idempotency_key"]))
        return original(self, **kwargs)

    monkeypatch.setattr(type(provider), "refund", refund)
    cancel = client.post(
        f"/api/orders/orders/{guest_order['number']}/cancel", HTTP_X_ORDER_TOKEN=guest_order["access_token"]
    )

    assert cancel.json()["status"] == "refunded"
    refund_row = PaymentTransaction.objects.get(kind="refund")
    assert seen == [(False, refund_row.idempotency_key)]
    assert refund_row.status == "succeeded"


def test_a_refund_whose_recording_failed_is_retried_under_its_key_and_refunds_once(
    postgresql, monkeypatch, client, guest_order
):
    pay(client, guest_order)

    class CommitLost(Exception):
        pass

    def lose_the_first_confirmation(refund_id):
        # The provider refunded, then this process died before recording it.
        refund = PaymentTransaction.objects.get(pk=refund_id)
        payment_services.get_provider(refund.provider).refund(
            charge_reference=refund.refund_of.provider_reference,
            amount=refund.amount,
            currency=refund.currency,
            idempotency_key=refund.idempotency_key,
        )
        raise CommitLost()

    monkeypatch.setattr(payment_services, "payment_refund_send", lose_the_first_confirmation)
    with pytest.raises(CommitLost):
        order_cancel(order=Order.objects.get(), actor="guest", reason="cancelled by the shopper")
    monkeypatch.undo()
    assert PaymentTransaction.objects.get(kind="refund").status == "pending"
    assert Order.objects.get().status == "refunded"  # the decision committed before the provider was called

    assert payment_services.payment_refunds_retry() == 1
    assert payment_services.payment_refunds_retry() == 0

    charge = SandboxCharge.objects.get()
    refund = PaymentTransaction.objects.get(kind="refund")
    assert (refund.status, refund.provider_reference) == ("succeeded", charge.refunds.get().reference)
