"""The order state machine, cancel and refund, the payment window, and who may see an order."""

import hashlib
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from common.events.testing import published
from common.testing.tokens import auth_header
from orders.orders.models import Order
from orders.orders.services import order_deliver, order_fulfil
from orders.orders.state_machine import TRANSITIONS, IllegalTransition, OrderStatus, order_transition
from orders.payments.models import PaymentSession, PaymentTransaction, SandboxRefund
from tests.conftest import add_line, checkout, new_cart, pay

pytestmark = pytest.mark.django_db

ILLEGAL = [
    (current, to) for current in OrderStatus.values for to in OrderStatus.values if to not in TRANSITIONS[current]
]


def make_order(status: str) -> Order:
    order = Order.objects.create(
        number=f"CO-2026-{Order.objects.count() + 1:06d}",
        email="x@example.com",
        status=status,
        subtotal=Decimal("10.00"),
        shipping=Decimal("19.90"),
        total=Decimal("29.90"),
    )
    return order


@pytest.mark.parametrize(("current", "to"), ILLEGAL)
def test_every_illegal_transition_is_a_409_and_changes_nothing(current, to):
    order = make_order(current)
    with pytest.raises(IllegalTransition) as raised:
        order_transition(order=order, to=to, actor="test", note="")
    assert (raised.value.status, raised.value.code) == (409, "illegal_transition")
    order.refresh_from_db()
    assert order.status == current
    assert order.history.count() == 0


def test_a_legal_transition_is_stored_in_the_history_with_actor_and_note():
    order = make_order(OrderStatus.PENDING)
    order_transition(order=order, to=OrderStatus.AWAITING_PAYMENT, actor="catalog", note="stock reserved")
    change = Order.objects.get(pk=order.pk).history.get()
    assert (change.from_status, change.to_status, change.actor, change.note) == (
        "pending",
        "awaiting_payment",
        "catalog",
        "stock reserved",
    )
    assert change.created_at <= timezone.now()


def test_the_transition_table_covers_exactly_the_contracts_statuses():
    assert (
        set(TRANSITIONS)
        == set(OrderStatus.values)
        == {
            "pending",
            "awaiting_payment",
            "paid",
            "paid_out_of_stock",
            "fulfilled",
            "delivered",
            "rejected",
            "cancelled",
            "expired",
            "refunded",
        }
    )


def test_cancelling_an_unpaid_order_cancels_it_and_releases_the_stock(client, guest_order, catalog):
    response = client.post(
        f"/api/orders/orders/{guest_order['number']}/cancel", HTTP_X_ORDER_TOKEN=guest_order["access_token"]
    )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"
    [event] = published("orders.order_cancelled")
    assert (event.payload["was_paid"], event.payload["refunded"]) == (False, False)
    catalog.process()
    assert catalog.available("SERUM-30") == 100
    assert Order.objects.get().payment_session.status == "closed"


def test_cancelling_a_paid_order_refunds_it_through_the_provider(client, guest_order, catalog):
    pay(client, guest_order)
    catalog.process()
    response = client.post(
        f"/api/orders/orders/{guest_order['number']}/cancel", HTTP_X_ORDER_TOKEN=guest_order["access_token"]
    )
    assert response.status_code == 200
    assert response.json()["status"] == "refunded"
    assert [change["status"] for change in response.json()["history"]] == [
        "pending",
        "awaiting_payment",
        "paid",
        "refunded",
    ]
    refund = PaymentTransaction.objects.get(kind="refund")
    assert (refund.status, refund.amount) == ("succeeded", Decimal("192.70"))
    assert SandboxRefund.objects.get().reference == refund.provider_reference
    [event] = published("orders.order_cancelled")
    assert (event.payload["was_paid"], event.payload["refunded"]) == (True, True)
    catalog.process()
    assert catalog.on_hand["SERUM-30"] == 100


@pytest.mark.parametrize("status", ["fulfilled", "delivered", "rejected", "cancelled", "expired", "refunded"])
def test_cancelling_an_order_that_shipped_or_closed_is_409_not_cancellable(client, guest_order, status):
    Order.objects.update(status=status)
    response = client.post(
        f"/api/orders/orders/{guest_order['number']}/cancel", HTTP_X_ORDER_TOKEN=guest_order["access_token"]
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_cancellable"
    assert Order.objects.get().status == status
    assert published("orders.order_cancelled") == []


def test_fulfilling_and_delivering_a_paid_order(client, guest_order, catalog):
    pay(client, guest_order)
    order = order_fulfil(order=Order.objects.get(), tracking_code="BR123456789", actor="support:lia")
    assert (order.status, order.tracking_code) == ("fulfilled", "BR123456789")
    [event] = published("orders.order_fulfilled")
    assert event.payload["tracking_code"] == "BR123456789"
    assert order_deliver(order=order, actor="support:lia").status == "delivered"


def test_order_expire_overdue_expires_unpaid_orders_and_releases_their_stock(client, guest_order, catalog):
    PaymentSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    out = StringIO()
    call_command("order_expire_overdue", stdout=out)
    assert "expired 1" in out.getvalue()
    order = Order.objects.get()
    assert order.status == "expired"
    assert order.history.last().actor == "system:expiry"
    assert [e.key for e in published("orders.order_expired")] == [order.number]
    catalog.process()
    assert catalog.available("SERUM-30") == 100
    assert pay(client, guest_order).status_code == 409  # the page takes no card any more


def test_orders_within_their_window_do_not_expire(guest_order):
    call_command("order_expire_overdue", stdout=StringIO())
    assert Order.objects.get().status == "awaiting_payment"


def test_a_guest_reaches_their_order_only_with_its_access_token_not_its_email(client, guest_order):
    url = f"/api/orders/orders/{guest_order['number']}"
    token = guest_order["access_token"]
    stored = Order.objects.get()
    assert len(token) >= 40 and stored.access_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert client.get(url, HTTP_X_ORDER_TOKEN=token).status_code == 200
    assert client.get(url, {"token": token}).status_code == 200  # as in the email link
    assert client.get(url, {"email": "bia@example.com"}).status_code == 404
    assert client.get(url, HTTP_X_ORDER_TOKEN=token[:-1] + ("A" if token[-1] != "A" else "B")).status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/cancel?email=bia@example.com").status_code == 404
    assert client.post(f"{url}/cancel", HTTP_X_ORDER_TOKEN="wrong").status_code == 404
    assert Order.objects.get().status == "awaiting_payment"
    assert client.post(f"{url}/cancel", HTTP_X_ORDER_TOKEN=token).json()["status"] == "cancelled"


def test_a_signed_in_shoppers_order_has_no_access_token_and_a_token_does_not_open_it(client, catalog):
    owner = auth_header(user_id=1, email="ana@example.com")
    new_cart(client, **owner)
    add_line(client, owner, "SERUM-30", 1)
    answer = checkout(client, owner, key="own-token", email=None).json()
    stored = Order.objects.get()
    assert answer["access_token"] is None and (stored.access_token_hash, stored.access_token_sealed) == ("", "")
    url = f"/api/orders/orders/{answer['number']}"
    assert client.get(url, HTTP_X_ORDER_TOKEN="").status_code == 404


def test_another_shoppers_order_is_404_even_with_its_email(client, catalog):
    owner = auth_header(user_id=1, email="ana@example.com")
    new_cart(client, **owner)
    add_line(client, owner, "SERUM-30", 1)
    number = checkout(client, owner, key="own", email=None).json()["number"]
    other = auth_header(user_id=2, email="ana@example.com")
    assert client.get(f"/api/orders/orders/{number}", **owner).status_code == 200
    assert client.get(f"/api/orders/orders/{number}", {"email": "ana@example.com"}, **other).status_code == 404
    assert client.get(f"/api/orders/orders/{number}", {"email": "ana@example.com"}).status_code == 404
    assert client.get("/api/orders/orders", **other).json()["count"] == 0
    assert client.post(f"/api/orders/orders/{number}/cancel", **other).status_code == 404
    assert Order.objects.get().status == "pending"


def test_listing_orders_needs_a_token(client):
    response = client.get("/api/orders/orders")
    assert response.status_code == 401


def test_the_order_list_and_detail_take_a_fixed_number_of_queries(client, catalog, django_assert_num_queries):
    auth = auth_header(user_id=3, email="q@example.com")
    new_cart(client, **auth)
    numbers = []
    for index in range(5):
        add_line(client, auth, "BATOM-RED", 1)
        numbers.append(checkout(client, auth, key=f"q-{index}", email=None).json()["number"])
    with django_assert_num_queries(2):  # count, page (the token user is cached)
        assert client.get("/api/orders/orders", {"page_size": 50}, **auth).json()["count"] == 5
    with django_assert_num_queries(3):  # order with its payment session (joined), lines, history
        assert client.get(f"/api/orders/orders/{numbers[0]}", **auth).status_code == 200
