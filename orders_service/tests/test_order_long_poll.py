"""``GET orders/{number}?wait=&status=``: the shopper learns the order's progress without polling.

On PostgreSQL with committed transactions: the status change commits on one connection and its
``NOTIFY`` wakes the request waiting on another thread. Every wait below is released by an event
the test controls (the waiter registered, the change committed), never by a sleep.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction
from django.test import Client

from common import pgnotify
from orders.orders.models import Order
from orders.orders.selectors import ORDER_STATUS_CHANNEL
from orders.orders.state_machine import OrderStatus, order_transition
from tests.conftest import add_line, cart_headers, checkout, new_cart

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 30


@pytest.fixture(autouse=True)
def _listeners_closed():
    yield
    pgnotify.close_listeners()  # its connection would keep the test database from being dropped


def in_thread(work):
    def run():
        try:
            return work()
        finally:
            connection.close()

    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(run)
    pool.shutdown(wait=False)
    return future


def placed(key: str) -> dict:
    headers = cart_headers(new_cart(Client())["token"])
    assert add_line(Client(), headers, "SERUM-30", 1).status_code == 201
    answer = checkout(Client(), headers, key=key)
    assert answer.status_code == 201, answer.content
    return answer.json()


def long_poll(order: dict, **query):
    return Client().get(f"/api/orders/orders/{order['number']}", query, HTTP_X_ORDER_TOKEN=order["access_token"])


def wait_until_watched(number: str) -> None:
    """Block until a request of this process is waiting on ``number`` (it registered its watch)."""
    listener = pgnotify.listener(ORDER_STATUS_CHANNEL)
    registered = threading.Event()
    for _ in range(WAIT * 100):
        if listener.watching(number):
            return
        registered.wait(0.01)
    raise AssertionError(f"nobody waited on {number}")


def test_the_long_poll_answers_with_the_new_status_once_catalog_reserved(postgresql, catalog):
    order = placed("long-poll-reserve")
    assert order["status"] == "pending"
    waiting = in_thread(lambda: long_poll(order, wait=25, status="pending"))
    wait_until_watched(order["number"])
    catalog.process()  # catalog reserves: orders' handler commits awaiting_payment (and its NOTIFY)
    answer = waiting.result(WAIT)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["status"] == "awaiting_payment"
    assert [change["status"] for change in body["history"]] == ["pending", "awaiting_payment"]


def test_a_change_committed_before_the_request_is_answered_at_once(postgresql, catalog):
    """The shopper's known status is stale already: no wait at all (nobody registers a watch)."""
    order = placed("long-poll-stale")
    catalog.process()
    answer = long_poll(order, wait=25, status="pending")
    assert answer.json()["status"] == "awaiting_payment"
    assert pgnotify.listener(ORDER_STATUS_CHANNEL).waiting() == 0


def test_a_rolled_back_change_does_not_answer_the_long_poll(postgresql, catalog, settings):
    """Only a committed move counts: a move rolled back wakes the waiter (or not) but it sees no change."""
    order = placed("long-poll-rollback")
    waiting = in_thread(lambda: long_poll(order, wait=25, status="pending"))
    wait_until_watched(order["number"])
    with pytest.raises(RuntimeError), transaction.atomic():
        order_transition(order=Order.objects.get(number=order["number"]), to=OrderStatus.REJECTED, actor="test")
        raise RuntimeError("rolled back")
    assert not waiting.done()
    catalog.process()  # then the real, committed change
    assert waiting.result(WAIT).json()["status"] == "awaiting_payment"


def test_with_every_waiting_slot_taken_the_order_is_answered_at_once(postgresql, catalog, settings):
    """A waiter holds a gunicorn thread: over the cap the request answers as without ``wait``."""
    settings.ORDERS_LONG_POLL_MAX_WAITERS = 0
    order = placed("long-poll-cap")
    answer = long_poll(order, wait=25, status="pending")
    assert answer.status_code == 200
    assert answer.json()["status"] == "pending"
    assert answer["Retry-After"] == "1"  # the client asks again a second later instead of at once
    assert "Retry-After" not in long_poll(order)  # a plain read has none


def test_the_long_poll_needs_the_orders_access_token(postgresql, catalog):
    order = placed("long-poll-token")
    answer = Client().get(
        f"/api/orders/orders/{order['number']}", {"wait": 25, "status": "pending"}, HTTP_X_ORDER_TOKEN="wrong"
    )
    assert answer.status_code == 404
    assert answer.json()["code"] == "order_not_found"


@pytest.mark.parametrize("wait", ["-1", "26", "soon"])
def test_a_wait_outside_the_bound_is_a_422(postgresql, catalog, wait):
    order = placed(f"long-poll-bound-{wait}")
    answer = long_poll(order, wait=wait)
    assert answer.status_code == 422
    assert answer.json()["code"] == "validation_error"
