"""A guest and a signed-in shopper, each from an empty cart to a paid order."""

import pytest
from django.conf import settings

from common.events.testing import published
from common.testing.tokens import auth_header
from orders.orders.models import Order
from tests.conftest import DECLINE, add_line, cart_headers, checkout, new_cart, pay

pytestmark = pytest.mark.django_db


def test_guest_goes_from_empty_cart_to_paid_and_catalog_commits_the_stock(client, catalog):
    cart = new_cart(client)
    assert cart["lines"] == [] and cart["subtotal"] == "0.00" and cart["currency"] == "BRL"
    headers = cart_headers(cart["token"])
    assert add_line(client, headers, "SERUM-30", 2).status_code == 201
    assert add_line(client, headers, "BATOM-RED", 1).status_code == 201

    response = checkout(client, headers, key="guest-journey", email="bia@example.com")

    assert response.status_code == 201
    order = response.json()
    assert order["status"] == "pending"
    assert [(line["sku"], line["quantity"], line["unit_price"], line["line_total"]) for line in order["lines"]] == [
        ("SERUM-30", 2, "89.90", "179.80"),
        ("BATOM-RED", 1, "49.90", "49.90"),
    ]
    assert (order["subtotal"], order["shipping"], order["total"], order["currency"]) == (
        "229.70",
        "12.90",  # the cheapest method (none was chosen): the table's standard, Sudeste, up to 1 kg
        "242.60",
        "BRL",
    )
    assert order["payment"]["provider"] == "sandbox"
    assert order["payment"]["checkout_url"].startswith(
        f"{settings.ORDERS_PUBLIC_URL}/payments/sandbox/checkout/{order['number']}/"  # 8003 unless RUN_PORT_BASE
    )
    assert client.get("/api/orders/cart", **headers).json()["lines"] == []

    catalog.process()  # catalog reserves on orders.order_placed
    assert Order.objects.get(number=order["number"]).status == "awaiting_payment"
    assert catalog.available("SERUM-30") == 98

    pay(client, order)
    catalog.process()  # catalog commits on orders.order_paid

    detail = client.get(f"/api/orders/orders/{order['number']}", {"token": order["access_token"]}).json()
    assert detail["status"] == "paid"
    assert [change["status"] for change in detail["history"]] == ["pending", "awaiting_payment", "paid"]
    assert [change["actor"] for change in detail["history"]] == ["guest", "catalog", "payments:sandbox"]
    assert catalog.on_hand["SERUM-30"] == 98 and catalog.on_hand["BATOM-RED"] == 99
    paid = published("orders.order_paid")
    assert [(event.key, event.payload["total"], event.payload["email"]) for event in paid] == [
        (order["number"], "242.60", "bia@example.com")
    ]


def test_signed_in_shopper_goes_from_empty_cart_to_paid_with_the_email_of_the_token(client, catalog):
    auth = auth_header(user_id=41, email="carla@example.com")
    cart = new_cart(client, **auth)
    assert add_line(client, auth, "CREME-50", 1).status_code == 201

    response = checkout(client, auth, key="user-journey", email=None)

    assert response.status_code == 201
    order = response.json()
    assert (order["subtotal"], order["shipping"], order["total"]) == ("129.90", "12.90", "142.80")
    assert order["email"] == "carla@example.com"
    catalog.process()
    pay(client, order)
    catalog.process()

    listing = client.get("/api/orders/orders", **auth).json()
    assert listing["count"] == 1 and listing["pages"] == 1
    assert [(item["number"], item["status"], item["total"]) for item in listing["items"]] == [
        (order["number"], "paid", "142.80")
    ]
    assert Order.objects.get(number=order["number"]).user_id == 41
    assert catalog.on_hand["CREME-50"] == 99
    assert cart["token"] == client.get("/api/orders/cart", **auth).json()["token"]


def test_business_metrics_count_placed_paid_rejected_and_declined_orders(
    client, catalog, django_capture_on_commit_callbacks
):
    from prometheus_client import REGISTRY

    def sample(name, **labels):
        return REGISTRY.get_sample_value(name, labels) or 0

    names = {
        "placed": ("shop_orders_placed_total", {}),
        "paid": ("shop_orders_paid_total", {}),
        "rejected": ("shop_orders_rejected_total", {}),
        "declined": ("shop_payment_failures_total", {"provider": "sandbox"}),
        "checkouts": ("shop_checkout_seconds_count", {}),
    }
    before = {key: sample(name, **labels) for key, (name, labels) in names.items()}
    catalog.on_hand["BATOM-RED"] = 1
    orders = []
    with django_capture_on_commit_callbacks(execute=True):
        for index in range(2):
            headers = cart_headers(new_cart(client)["token"])
            add_line(client, headers, "BATOM-RED", 1)
            orders.append(checkout(client, headers, key=f"metrics-{index}").json())
        catalog.process()
        pay(client, orders[0], DECLINE)
        pay(client, orders[0])

    after = {key: sample(name, **labels) for key, (name, labels) in names.items()}
    assert {key: after[key] - before[key] for key in names} == {
        "placed": 2,
        "paid": 1,
        "rejected": 1,
        "declined": 1,
        "checkouts": 2,
    }


def test_every_event_of_a_purchase_carries_the_checkouts_correlation_id(client, catalog):
    """The webhook that pays the order is another request, yet order_paid names the checkout's id."""
    headers = cart_headers(new_cart(client)["token"])
    assert add_line(client, headers, "SERUM-30", 1).status_code == 201
    response = checkout(client, headers, key="traced", email="bia@example.com", HTTP_X_CORRELATION_ID="purchase-42")
    assert response.status_code == 201
    assert response["X-Correlation-ID"] == "purchase-42"
    catalog.process()
    pay(client, response.json())

    order = Order.objects.get()
    assert (order.status, order.correlation_id) == ("paid", "purchase-42")
    traced = [(e.type, e.correlation_id) for e in published() if e.type in ("orders.order_placed", "orders.order_paid")]
    assert traced == [("orders.order_placed", "purchase-42"), ("orders.order_paid", "purchase-42")]
