"""Returns racing on PostgreSQL with a controlled interleaving: the first step is held inside its
transaction (its row locks taken) until a second attempt on its own connection waits on those locks
(seen in ``pg_stat_activity``) or has finished; then the first goes on."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.db import connection

from common.api import ApiError
from common.events.testing import published
from orders.orders.models import Order
from orders.orders.services import order_deliver, order_fulfil
from orders.payments.models import PaymentTransaction, SandboxRefund
from orders.returns import services as return_services
from orders.returns.models import OrderReturn
from orders.returns.services import return_approve, return_open, return_receive, return_refund
from tests.conftest import pay

pytestmark = pytest.mark.django_db(transaction=True)
WAIT = 30


class Pause:
    """Wraps ``module.name`` so that its first call stops until released, after saying it arrived."""

    def __init__(self, monkeypatch, module, name: str):
        self.arrived, self.release = threading.Event(), threading.Event()
        original, calls = getattr(module, name), []

        def paused(*args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                self.arrived.set()
                assert self.release.wait(WAIT), "the test never released the paused step"
            return original(*args, **kwargs)

        monkeypatch.setattr(module, name, paused)


def in_thread(work) -> Future:
    def run():
        try:
            return work()
        except ApiError as exc:
            return exc.code
        finally:
            connection.close()

    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(run)
    pool.shutdown(wait=False)
    return future


def wait_until_blocked_or_done(future: Future) -> None:
    """Until another connection waits on a row lock, or ``future`` finished (it did not wait at all)."""
    deadline = time.monotonic() + WAIT
    with connection.cursor() as cursor:
        while not future.done():
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, "the second attempt neither waited nor finished"
            time.sleep(0.005)


@pytest.fixture
def received_return(postgresql, client, guest_order, catalog):
    pay(client, guest_order)
    order = Order.objects.get(number=guest_order["number"])
    order = order_deliver(order=order_fulfil(order=order, tracking_code="BR1", actor="x"), actor="x")
    order_return = return_open(order=order, lines={"SERUM-30": 1}, reason="não serviu", actor="guest")
    return return_approve(order_return=order_return, actor="support:lia")


def race(monkeypatch, paused_name: str, step) -> list:
    pause = Pause(monkeypatch, return_services, paused_name)
    first = in_thread(step)
    assert pause.arrived.wait(WAIT)
    second = in_thread(step)
    wait_until_blocked_or_done(second)
    pause.release.set()
    return [first.result(WAIT), second.result(WAIT)]


def test_two_concurrent_receives_take_the_goods_back_once(monkeypatch, received_return):
    answers = race(
        monkeypatch,
        "publish_return_received",
        lambda: return_receive(order_return=received_return, actor="support:lia").status,
    )
    assert sorted(answers) == ["received", "return_illegal_transition"]
    assert len(published("orders.return_received")) == 1
    assert OrderReturn.objects.get().status == "received"


def test_two_concurrent_refunds_of_one_return_refund_once(monkeypatch, received_return):
    return_receive(order_return=received_return, actor="support:lia")
    answers = race(
        monkeypatch,
        "payment_refund_request_partial",
        lambda: [refund.amount for refund in return_refund(order_return=received_return, actor="support:lia")],
    )
    assert sorted(answers, key=str) == [[Decimal("102.80")], "return_illegal_transition"]
    assert list(PaymentTransaction.objects.filter(kind="refund").values_list("amount", "status")) == [
        (Decimal("102.80"), "succeeded")
    ]
    assert list(SandboxRefund.objects.values_list("amount", flat=True)) == [Decimal("102.80")]
    assert len(published("orders.return_refunded")) == 1


def test_two_concurrent_returns_cannot_together_return_more_than_was_bought(monkeypatch, postgresql, client, catalog):
    from tests.conftest import add_line, cart_headers, checkout, new_cart

    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 2)
    placed = checkout(client, headers, key="race-returns", email="bia@example.com").json()
    catalog.process()
    pay(client, placed)
    order = Order.objects.get(number=placed["number"])
    order = order_deliver(order=order_fulfil(order=order, tracking_code="BR1", actor="x"), actor="x")

    answers = race(
        monkeypatch,
        "returned_quantities",
        lambda: return_open(order=order, lines={"SERUM-30": 2}, reason="arrependimento", actor="guest").status,
    )

    assert sorted(answers) == ["requested", "return_quantity_exceeded"]
    assert list(OrderReturn.objects.values_list("lines__quantity", flat=True)) == [2]
    assert len(published("orders.return_requested")) == 1
