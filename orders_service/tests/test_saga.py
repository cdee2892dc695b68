"""The reservation saga: catalog's replies move orders; duplicates and late replies are harmless."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from common.events.contracts.catalog import LotAllocation, RejectedLine, StockRejected, StockReserved
from common.events.contracts.common_types import Line
from common.events.testing import published
from orders.orders.models import Order
from orders.payments.models import PaymentTransaction
from tests.conftest import APPROVE, add_line, cart_headers, checkout, deliver_committed, new_cart, pay

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    return checkout(client, headers, key="saga").json()


def reserved(number, minutes=40):
    return StockReserved(
        order_number=number,
        lines=[Line(sku="SERUM-30", quantity=1)],
        expires_at=timezone.now() + timedelta(minutes=minutes),
    )


def rejected(number):
    return StockRejected(
        order_number=number, reason="insufficient_stock", lines=[RejectedLine(sku="SERUM-30", requested=1, available=0)]
    )


def test_stock_reserved_makes_the_order_await_payment_with_an_open_session(pending, settings):
    before = timezone.now()
    assert deliver_committed(reserved(pending["number"])) is True
    order = Order.objects.get(number=pending["number"])
    assert order.status == "awaiting_payment"
    session = order.payment_session
    assert session.status == "open"
    assert session.provider_reference.startswith("cs_sandbox_")
    window = timedelta(minutes=settings.ORDERS_PAYMENT_WINDOW_MINUTES)
    assert before + window <= session.expires_at <= timezone.now() + window


def test_the_payment_window_closes_a_minute_before_catalogs_reservation_ends(pending):
    event = reserved(pending["number"], minutes=5)
    deliver_committed(event)
    session = Order.objects.get(number=pending["number"]).payment_session
    assert session.expires_at == event.expires_at - timedelta(minutes=1)


def test_a_second_reservation_for_the_same_order_changes_nothing(pending):
    deliver_committed(reserved(pending["number"]))
    expires_at = Order.objects.get(number=pending["number"]).payment_session.expires_at
    assert deliver_committed(reserved(pending["number"])) is True  # another event id, same order
    order = Order.objects.get(number=pending["number"])
    assert order.history.count() == 2
    assert order.payment_session.expires_at == expires_at


def test_the_lots_catalog_reserved_are_kept_on_the_line_and_shown_to_support(pending, admin_client):
    lots = [LotAllocation(sku="SERUM-30", lot="L2401", expires_on=date(2027, 1, 31), quantity=1)]
    event = reserved(pending["number"]).model_copy(update={"lots": lots})
    assert deliver_committed(event) is True
    order = Order.objects.get(number=pending["number"])
    [line] = order.lines.all()
    assert line.lots == [{"lot": "L2401", "expires_on": "2027-01-31", "quantity": 1}]
    page = admin_client.get(f"/admin/orders/order/{order.pk}/change/").content.decode()
    assert "L2401 (val. 31/01/2027): 1 un." in page


def test_stock_rejected_rejects_the_order_and_announces_it(pending):
    deliver_committed(rejected(pending["number"]))
    order = Order.objects.get(number=pending["number"])
    assert order.status == "rejected"
    assert order.payment_session.status == "closed"
    assert [(e.key, e.payload["reason"]) for e in published("orders.order_rejected")] == [
        (pending["number"], "insufficient_stock")
    ]
    deliver_committed(rejected(pending["number"]))
    assert len(published("orders.order_rejected")) == 1
    assert order.history.count() == 2


def test_a_reservation_arriving_after_the_shopper_cancelled_is_released_again(client, pending):
    cancelled = client.post(
        f"/api/orders/orders/{pending['number']}/cancel", HTTP_X_ORDER_TOKEN=pending["access_token"]
    )
    assert cancelled.status_code == 200
    assert len(published("orders.order_cancelled")) == 1

    deliver_committed(reserved(pending["number"]))

    assert Order.objects.get(number=pending["number"]).status == "cancelled"
    releases = published("orders.order_cancelled")
    assert len(releases) == 2
    assert releases[1].payload["lines"] == [{"sku": "SERUM-30", "quantity": 1}]


def test_a_reservation_arriving_after_the_order_expired_is_released_again(pending):
    deliver_committed(reserved(pending["number"]))
    Order.objects.filter(number=pending["number"]).update(status="expired")
    deliver_committed(reserved(pending["number"]))
    assert [e.key for e in published("orders.order_expired")] == [pending["number"]]


def test_a_rejection_arriving_after_a_reservation_changes_nothing(pending):
    deliver_committed(reserved(pending["number"]))
    deliver_committed(rejected(pending["number"]))
    assert Order.objects.get(number=pending["number"]).status == "awaiting_payment"
    assert published("orders.order_rejected") == []


def test_replies_for_an_unknown_order_are_ignored(db):
    assert deliver_committed(reserved("CO-2026-999999")) is True
    assert Order.objects.count() == 0 and published() == []


def test_thirty_shoppers_racing_for_five_units_only_five_await_payment_and_nobody_pays_without_stock(client, catalog):
    catalog.on_hand["BATOM-RED"] = 5
    carts = [cart_headers(new_cart(client)["token"]) for _ in range(30)]
    for headers in carts:  # all fill their carts before anyone checks out: each sees 5 available
        assert add_line(client, headers, "BATOM-RED", 1).status_code == 201
    orders = []
    for shopper, headers in enumerate(carts):
        response = checkout(client, headers, key=f"race-{shopper}", email=f"s{shopper}@example.com")
        assert response.status_code == 201
        orders.append(response.json())
    catalog.process()  # catalog takes the order_placed events in the order they were published

    statuses = {order["number"]: Order.objects.get(number=order["number"]).status for order in orders}
    assert list(statuses.values()) == ["awaiting_payment"] * 5 + ["rejected"] * 25

    for order in orders:
        page = pay(client, order, APPROVE)
        assert page.status_code == (200 if statuses[order["number"]] == "awaiting_payment" else 409)
    catalog.process()

    assert Order.objects.filter(status="paid").count() == 5
    assert Order.objects.filter(status="rejected").count() == 25
    assert PaymentTransaction.objects.filter(kind="charge", status="succeeded").count() == 5
    assert not PaymentTransaction.objects.filter(order__status="rejected").exists()
    assert catalog.on_hand["BATOM-RED"] == 0


def test_the_reservation_step_is_a_fixed_number_of_statements(pending, django_assert_num_queries):
    from django.db import connection

    from common.events.testing import deliver
    from config.event_handlers import HANDLERS

    # the consumer's transaction (a savepoint inside the test's), its inbox row, the order locked with its
    # session (joined, not read again), the move, its history row with its NOTIFY, the session's one UPDATE.
    # SQLite (no ON CONFLICT insert there) wraps the inbox row in a savepoint of its own: two more.
    with django_assert_num_queries(7 if connection.vendor == "postgresql" else 9):
        assert deliver(reserved(pending["number"]), handlers=HANDLERS) is True
    assert Order.objects.get(number=pending["number"]).payment_session.status == "creating"
