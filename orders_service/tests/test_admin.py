"""Customer support's admin: finding orders, reading them, and the actions (through the services)."""

import pytest
from django.contrib.auth.models import Group, User

from common.events.testing import published
from orders.orders.models import Order
from orders.payments.models import PaymentTransaction
from tests.conftest import pay

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/orders/order/"


@pytest.fixture
def support(client):
    user = User.objects.create_user("lia", "lia@cosmeticos.co", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Customer support"))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


@pytest.fixture
def paid_order(client, guest_order, catalog):
    pay(client, guest_order)
    return Order.objects.get(number=guest_order["number"])


def action(client, name, orders, **extra):
    data = {"action": name, "_selected_action": [order.pk for order in orders], **extra}
    return client.post(CHANGELIST, data)


def test_the_customer_support_group_may_view_and_change_orders_but_not_add_or_delete():
    codenames = set(Group.objects.get(name="Customer support").permissions.values_list("codename", flat=True))
    assert {"view_order", "change_order", "view_orderstatuschange", "view_paymenttransaction"} <= codenames
    assert "add_order" not in codenames and "delete_order" not in codenames


def test_support_finds_orders_by_number_email_status_and_total(client, support, paid_order):
    assert paid_order.number.encode() in client.get(CHANGELIST, {"q": paid_order.number}).content
    assert paid_order.number.encode() in client.get(CHANGELIST, {"q": "bia@example"}).content
    assert paid_order.number.encode() not in client.get(CHANGELIST, {"q": "nobody@example.com"}).content
    assert paid_order.number.encode() in client.get(CHANGELIST, {"status__exact": "paid"}).content
    assert paid_order.number.encode() not in client.get(CHANGELIST, {"status__exact": "pending"}).content
    assert paid_order.number.encode() in client.get(CHANGELIST, {"total_range": "100-199"}).content
    assert paid_order.number.encode() not in client.get(CHANGELIST, {"total_range": "gte500"}).content


def test_the_order_page_shows_lines_payments_and_history_read_only(client, support, paid_order):
    response = client.get(f"{CHANGELIST}{paid_order.pk}/change/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "SERUM-30" in content and "Histórico de status" in content and "payments:sandbox" in content
    assert 'name="email"' not in content  # read-only
    assert PaymentTransaction.objects.get().provider_reference in content


def test_mark_fulfilled_asks_for_tracking_codes_then_ships(client, support, paid_order):
    form = action(client, "mark_fulfilled", [paid_order])
    assert form.status_code == 200
    assert f'name="tracking_{paid_order.pk}"'.encode() in form.content
    assert Order.objects.get().status == "paid"

    done = action(client, "mark_fulfilled", [paid_order], apply="1", **{f"tracking_{paid_order.pk}": "BR987654321"})

    assert done.status_code == 302
    order = Order.objects.get()
    assert (order.status, order.tracking_code) == ("fulfilled", "BR987654321")
    assert order.history.last().actor == "support:lia"
    assert [e.payload["tracking_code"] for e in published("orders.order_fulfilled")] == ["BR987654321"]
    action(client, "mark_delivered", [order])
    assert Order.objects.get().status == "delivered"


def test_an_action_the_state_machine_refuses_is_reported_and_changes_nothing(client, support, guest_order):
    order = Order.objects.get()
    response = action(client, "mark_delivered", [order])
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == [
        f"Não marcado(s) como entregue(s): {order.number} "
        f"(O pedido {order.number} não pode passar de awaiting_payment para delivered.)"
    ]
    assert Order.objects.get().status == "awaiting_payment"


def test_resend_confirmation_publishes_a_resend_request(client, support, paid_order):
    action(client, "resend_confirmation", [paid_order])
    [event] = published("orders.order_confirmation_resend_requested")
    assert (event.key, event.payload["email"], event.payload["requested_by"]) == (
        paid_order.number,
        "bia@example.com",
        "support:lia",
    )


def test_the_order_page_shows_neither_the_guests_token_nor_its_hash_or_sealed_copy(
    client, support, guest_order, paid_order
):
    content = client.get(f"{CHANGELIST}{paid_order.pk}/change/").content.decode()
    assert paid_order.number in content and guest_order["access_token"] not in content
    assert paid_order.access_token_hash not in content and paid_order.access_token_sealed not in content
