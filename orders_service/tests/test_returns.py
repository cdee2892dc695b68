"""Returns of delivered orders: opening (shopper API and services), each step, the refund, the history."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from common.api import ApiError
from common.events.testing import published
from common.sealing import unseal
from orders.orders.models import Order, OrderLine
from orders.orders.services import order_deliver, order_fulfil
from orders.payments.models import PaymentTransaction, SandboxRefund
from orders.returns.models import OrderReturn
from orders.returns.services import return_approve, return_open, return_receive, return_refund, return_reject
from tests.conftest import add_line, cart_headers, checkout, new_cart, pay

pytestmark = pytest.mark.django_db


def deliver(order: Order) -> Order:
    order = order_fulfil(order=order, tracking_code="BR123", actor="support:lia")
    return order_deliver(order=order, actor="support:lia")


@pytest.fixture
def delivered(client, guest_order, catalog):
    """2 x SERUM-30 at 89,90 + 12,90 shipping = 192,70, paid and delivered today."""
    pay(client, guest_order)
    order = deliver(Order.objects.get(number=guest_order["number"]))
    return order, guest_order["access_token"]


def post_return(client, number, token, lines, reason="não gostei"):
    return client.post(
        f"/api/orders/orders/{number}/returns",
        {"lines": lines, "reason": reason},
        content_type="application/json",
        HTTP_X_ORDER_TOKEN=token,
    )


def age_delivery(order: Order, days: int) -> None:
    order.history.filter(to_status="delivered").update(created_at=timezone.now() - timedelta(days=days))


def test_a_guest_opens_a_return_within_7_days_and_gets_the_line_and_the_shipping(client, delivered):
    order, token = delivered
    response = post_return(client, order.number, token, [{"sku": "SERUM-30", "quantity": 1}])

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["refund_amount"], body["shipping_refund"]) == ("requested", "102.80", "12.90")
    assert body["lines"] == [
        {"sku": "SERUM-30", "name": "Sérum Vitamina C - 30 ml", "quantity": 1, "amount": "89.90", "condition": None}
    ]
    assert order.history.last().actor == "guest"
    assert "devolução #" in order.history.last().note
    [event] = published("orders.return_requested")
    assert (event.payload["return_id"], event.payload["reason"], unseal(event.payload["access_token_sealed"])) == (
        body["id"],
        "não gostei",
        token,
    )
    assert token not in str(event.payload)  # the guest's key rides sealed only
    listed = client.get(f"/api/orders/orders/{order.number}/returns", HTTP_X_ORDER_TOKEN=token).json()
    assert (listed["count"], listed["items"][0]["id"], listed["items"][0]["status"]) == (1, body["id"], "requested")


def test_a_discounted_line_gives_back_what_was_paid_for_it_split_over_its_units_in_centavos(delivered):
    order, _token = delivered
    # 2 x 89,90 = 179,80 with 17,97 of the order's discounts (a voucher, the Pix discount) on the line
    OrderLine.objects.filter(order=order, sku="SERUM-30").update(discount=Decimal("17.97"))
    first = return_open(order=order, lines={"SERUM-30": 1}, reason="a", actor="guest")
    second = return_open(order=order, lines={"SERUM-30": 1}, reason="b", actor="guest")
    [first_line], [second_line] = first.lines.all(), second.lines.all()
    assert (first_line.amount, second_line.amount) == (Decimal("80.92"), Decimal("80.91"))
    assert first_line.amount + second_line.amount == Decimal("179.80") - Decimal("17.97")
    assert (first.refund_amount, second.refund_amount) == (Decimal("80.92") + Decimal("12.90"), Decimal("80.91"))


def test_after_7_days_the_shipping_is_not_refunded(client, delivered):
    order, token = delivered
    age_delivery(order, 8)
    body = post_return(client, order.number, token, [{"sku": "SERUM-30", "quantity": 2}]).json()
    assert (body["refund_amount"], body["shipping_refund"]) == ("179.80", "0.00")


def test_the_shipping_goes_back_once_per_order(delivered):
    order, _token = delivered
    first = return_open(order=order, lines={"SERUM-30": 1}, reason="a", actor="guest")
    second = return_open(order=order, lines={"SERUM-30": 1}, reason="b", actor="guest")
    assert (first.refund_amount, second.refund_amount) == (Decimal("102.80"), Decimal("89.90"))


def test_without_the_token_the_returns_are_404(client, delivered):
    order, _token = delivered
    assert post_return(client, order.number, "wrong", [{"sku": "SERUM-30", "quantity": 1}]).status_code == 404
    assert client.get(f"/api/orders/orders/{order.number}/returns").status_code == 404
    assert OrderReturn.objects.count() == 0


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([{"sku": "SERUM-30", "quantity": 3}], "return_quantity_exceeded"),
        ([{"sku": "SERUM-30", "quantity": 2}, {"sku": "SERUM-30", "quantity": 1}], "return_quantity_exceeded"),
        ([{"sku": "BATOM-RED", "quantity": 1}], "return_line_not_in_order"),
    ],
)
def test_lines_that_cannot_be_returned_are_409_with_a_code_and_open_nothing(client, delivered, lines, code):
    order, token = delivered
    response = post_return(client, order.number, token, lines)
    assert (response.status_code, response.json()["code"]) == (409, code)
    assert OrderReturn.objects.count() == 0 and published("orders.return_requested") == []


def test_units_already_returning_cannot_be_returned_again_until_that_return_is_rejected(client, delivered):
    order, token = delivered
    first = return_open(order=order, lines={"SERUM-30": 2}, reason="a", actor="guest")
    response = post_return(client, order.number, token, [{"sku": "SERUM-30", "quantity": 1}])
    assert (response.status_code, response.json()["code"]) == (409, "return_quantity_exceeded")
    return_reject(order_return=first, actor="support:lia", reason="fora do prazo de troca")
    assert post_return(client, order.number, token, [{"sku": "SERUM-30", "quantity": 1}]).status_code == 201


def test_an_order_not_delivered_cannot_be_returned(client, guest_order, catalog):
    pay(client, guest_order)
    lines = [{"sku": "SERUM-30", "quantity": 1}]
    response = post_return(client, guest_order["number"], guest_order["access_token"], lines)
    assert (response.status_code, response.json()["code"]) == (409, "order_not_delivered")


def test_after_the_return_window_the_order_cannot_be_returned(client, delivered, settings):
    order, token = delivered
    age_delivery(order, settings.ORDERS_RETURN_WINDOW_DAYS + 1)
    response = post_return(client, order.number, token, [{"sku": "SERUM-30", "quantity": 1}])
    assert (response.status_code, response.json()["code"]) == (409, "return_window_closed")


def test_a_return_without_a_reason_is_422(client, delivered):
    order, token = delivered
    response = post_return(client, order.number, token, [{"sku": "SERUM-30", "quantity": 1}], reason="  ")
    assert (response.status_code, response.json()["code"]) == (422, "return_reason_required")


def test_the_whole_way_approve_receive_refund_moves_the_money_once_and_tells_each_step(delivered):
    order, _token = delivered
    order_return = return_open(order=order, lines={"SERUM-30": 1}, reason="alergia", actor="guest")
    return_approve(order_return=order_return, actor="support:lia")
    return_receive(order_return=order_return, actor="support:lia", conditions={"SERUM-30": "damaged"})
    [refund] = return_refund(order_return=order_return, actor="support:lia")

    assert (refund.amount, refund.status) == (Decimal("102.80"), "succeeded")
    assert list(SandboxRefund.objects.values_list("amount", flat=True)) == [Decimal("102.80")]
    order_return.refresh_from_db()
    assert order_return.status == "refunded" and order_return.refunded_at is not None
    assert Order.objects.get().status == "delivered"  # one of two units came back
    notes = list(order.history.filter(from_status="delivered", to_status="delivered").values_list("note", flat=True))
    assert [note.split(" ", 2)[2].split(" ")[0] for note in notes] == ["aberta", "aprovada", "recebida", "reembolsada:"]
    for step in ("requested", "approved", "received", "refunded"):
        assert len(published(f"orders.return_{step}")) == 1, step
    [received] = published("orders.return_received")
    assert received.payload["lines"][0] | {"amount": None} == {
        "sku": "SERUM-30",
        "name": "Sérum Vitamina C - 30 ml",
        "quantity": 1,
        "amount": None,
        "condition": "damaged",
        "lots": [],
    }
    assert published("orders.return_refunded")[0].payload["shipping_refunded"] is True
    with pytest.raises(ApiError) as caught:
        return_refund(order_return=order_return, actor="support:lia")
    assert caught.value.code == "return_illegal_transition"
    assert PaymentTransaction.objects.filter(kind="refund").count() == 1


def test_returning_every_unit_makes_the_order_refunded(delivered):
    order, _token = delivered
    order_return = return_open(order=order, lines={"SERUM-30": 2}, reason="arrependimento", actor="guest")
    return_approve(order_return=order_return, actor="support:lia")
    return_receive(order_return=order_return, actor="support:lia")
    return_refund(order_return=order_return, actor="support:lia")
    assert Order.objects.get().status == "refunded"
    assert sum(SandboxRefund.objects.values_list("amount", flat=True)) == Decimal("192.70")


def test_steps_out_of_order_are_refused_and_change_nothing(delivered):
    order, _token = delivered
    order_return = return_open(order=order, lines={"SERUM-30": 1}, reason="a", actor="guest")
    for step in (
        lambda: return_receive(order_return=order_return, actor="x"),
        lambda: return_refund(order_return=order_return, actor="x"),
    ):
        with pytest.raises(ApiError) as caught:
            step()
        assert caught.value.code == "return_illegal_transition"
    with pytest.raises(ApiError) as caught:
        return_reject(order_return=order_return, actor="x", reason=" ")
    assert caught.value.code == "return_rejection_reason_required"
    assert OrderReturn.objects.get().status == "requested"
    assert PaymentTransaction.objects.filter(kind="refund").count() == 0


def test_received_units_name_the_lots_they_were_sold_from_skipping_those_already_back(delivered):
    order, _token = delivered
    OrderLine.objects.filter(order=order).update(
        lots=[
            {"lot": "L1", "expires_on": "2027-01-31", "quantity": 1},
            {"lot": "L2", "expires_on": "2027-06-30", "quantity": 1},
        ]
    )
    for expected in (["L1"], ["L2"]):
        order_return = return_open(order=order, lines={"SERUM-30": 1}, reason="a", actor="guest")
        return_approve(order_return=order_return, actor="x")
        return_receive(order_return=order_return, actor="x")
        payload = published("orders.return_received")[-1].payload
        assert [part["lot"] for part in payload["lines"][0]["lots"]] == expected


def test_a_signed_in_shoppers_return_is_theirs_only(client, catalog):
    from common.testing.tokens import auth_header

    headers = {**cart_headers(new_cart(client)["token"]), **auth_header(user_id=7, email="ana@example.com")}
    add_line(client, headers, "CREME-50", 1)
    order = checkout(client, headers, key="signed-in-return", email=None).json()
    catalog.process()
    pay(client, order)
    deliver(Order.objects.get(number=order["number"]))
    url = f"/api/orders/orders/{order['number']}/returns"
    body = {"lines": [{"sku": "CREME-50", "quantity": 1}], "reason": "cor errada"}
    other = client.post(url, body, content_type="application/json", **auth_header(user_id=8, email="x@example.com"))
    assert other.status_code == 404
    mine = client.post(url, body, content_type="application/json", **auth_header(user_id=7, email="ana@example.com"))
    assert mine.status_code == 201
    assert OrderReturn.objects.get().opened_by == "shopper:7"


def test_the_returns_to_handle_are_those_requested_or_received_oldest_first(delivered):
    from orders.returns.selectors import returns_to_handle

    order, _token = delivered
    first = return_open(order=order, lines={"SERUM-30": 1}, reason="a", actor="guest")
    second = return_open(order=order, lines={"SERUM-30": 1}, reason="b", actor="guest")
    return_approve(order_return=second, actor="x")
    assert list(returns_to_handle()) == [first]
    return_receive(order_return=second, actor="x")
    assert list(returns_to_handle()) == [first, second]


def test_the_guest_status_page_the_return_emails_link_to_shows_the_return(client, delivered):
    order, token = delivered
    order_return = return_open(order=order, lines={"SERUM-30": 1}, reason="a", actor="guest")
    return_approve(order_return=order_return, actor="x")
    html = client.get(f"/pedidos/{order.number}/", {"token": token}).content.decode()
    assert (
        f"Devolução #{order_return.pk}: 1 x Sérum Vitamina C - 30 ml · <strong>Aprovada: envie os produtos</strong>"
        " · reembolso de R$ 102,80"
    ) in html


def test_the_orders_home_lists_the_returns_waiting_for_support(client, delivered):
    from django.contrib.auth.models import Group, User

    order, _token = delivered
    order_return = return_open(order=order, lines={"SERUM-30": 1}, reason="alergia", actor="guest")
    agent = User.objects.create_user("lia", "lia@cosmeticos.co", "x", is_staff=True)
    agent.groups.add(Group.objects.get(name="Customer support"))
    client.force_login(agent, backend="django.contrib.auth.backends.ModelBackend")
    home = client.get("/admin/").content.decode()
    assert 'id="dashboard-returns"' in home and "Devoluções para tratar" in home
    assert f"{order.number} · devolução #{order_return.pk}" in home and "1 devolução" in home
