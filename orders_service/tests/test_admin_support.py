"""Customer support's order page and list: the formatted address, the buttons (ship, deliver, cancel with
a reason and a confirmation, refund, open a return), internal notes, search, the Excel CSV of a filtered
list, the returns' steps, and what a support agent may see."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from common.events.testing import published
from orders.orders.models import Order, OrderNote
from orders.orders.services import order_deliver, order_fulfil
from orders.payments.models import PaymentTransaction, SandboxRefund
from orders.returns.models import OrderReturn
from tests.conftest import ADDRESS, add_line, cart_headers, checkout, new_cart, pay

pytestmark = pytest.mark.django_db
ORDERS = "/admin/orders/order/"
RETURNS = "/admin/returns/orderreturn/"
FORMATTED = [
    "Ana Souza",
    "Rua Augusta, 100 - apto 12",
    "Consolação",
    "São Paulo/SP - CEP 01304-000",
    "Tel. (11) 99999-0000",
]


@pytest.fixture
def support(client):
    user = User.objects.create_user("lia", "lia@cosmeticos.co", "x", is_staff=True)
    user.groups.add(Group.objects.get(name="Customer support"))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


@pytest.fixture
def paid_order(client, guest_order, catalog):
    pay(client, guest_order)
    order = Order.objects.get(number=guest_order["number"])
    Order.objects.filter(pk=order.pk).update(
        payer_document="52998224725",
        shipping_address={
            **ADDRESS,
            "line1": "Rua Augusta",
            "number": "100",
            "line2": "apto 12",
            "neighborhood": "Consolação",
            "postal_code": "01304000",
        },
    )
    order.refresh_from_db()
    return order


def page(client, order):
    response = client.get(f"{ORDERS}{order.pk}/change/")
    assert response.status_code == 200
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(message) for message in response.wsgi_request._messages]


def test_the_order_page_shows_the_address_formatted_and_buttons_instead_of_a_save_button(client, support, paid_order):
    content = page(client, paid_order)
    assert (
        "Ana Souza<br>Rua Augusta, 100 - apto 12<br>Consolação<br>São Paulo/SP - CEP 01304-000<br>Tel. (11) 99999-0000"
        in content
    )
    assert '"full_name"' not in content  # no raw JSON
    assert 'name="_save"' not in content and 'name="_continue"' not in content
    for name in ("fulfil", "cancel", "refund"):
        assert f'href="{ORDERS}{paid_order.pk}/{name}/"' in content, name
    for name in ("deliver", "return"):  # not offered for a paid order
        assert f'href="{ORDERS}{paid_order.pk}/{name}/"' not in content, name


def test_ship_with_carrier_and_tracking_link_then_deliver_from_the_order_page(client, support, paid_order):
    form = client.get(f"{ORDERS}{paid_order.pk}/fulfil/")
    assert form.status_code == 200 and b'name="tracking_url"' in form.content
    response = client.post(
        f"{ORDERS}{paid_order.pk}/fulfil/",
        {"carrier": "Correios", "tracking_code": "BR123456789", "tracking_url": "https://rastreio.example/BR123456789"},
    )
    assert response.status_code == 302 and response["Location"] == f"{ORDERS}{paid_order.pk}/change/"
    order = Order.objects.get()
    assert (order.status, order.carrier, order.tracking_code, order.tracking_url) == (
        "fulfilled",
        "Correios",
        "BR123456789",
        "https://rastreio.example/BR123456789",
    )
    [event] = published("orders.order_fulfilled")
    assert (event.payload["carrier"], event.payload["tracking_url"]) == (
        "Correios",
        "https://rastreio.example/BR123456789",
    )
    assert 'href="https://rastreio.example/BR123456789"' in page(client, order)

    assert client.get(f"{ORDERS}{order.pk}/deliver/").status_code == 200
    assert Order.objects.get().status == "fulfilled"  # the GET only asks
    client.post(f"{ORDERS}{order.pk}/deliver/")
    assert Order.objects.get().status == "delivered"
    assert Order.objects.get().history.last().actor == "support:lia"


def test_cancel_needs_a_reason_then_a_confirmation_before_it_refunds(client, support, paid_order):
    url = f"{ORDERS}{paid_order.pk}/cancel/"
    without_reason = client.post(url, {"reason": "  "})
    assert without_reason.status_code == 200 and without_reason.context["form"].errors
    confirmation = client.post(url, {"reason": "cliente desistiu por telefone"})
    assert confirmation.status_code == 200
    content = confirmation.content.decode()
    assert "cliente desistiu por telefone" in content and "R$ 192,70" in content
    assert 'name="confirmed" value="yes"' in content
    assert Order.objects.get().status == "paid" and PaymentTransaction.objects.filter(kind="refund").count() == 0

    done = client.post(url, {"reason": "cliente desistiu por telefone", "confirmed": "yes"})

    assert done.status_code == 302
    assert Order.objects.get().status == "refunded"
    assert PaymentTransaction.objects.get(kind="refund").amount == Decimal("192.70")
    assert published("orders.order_cancelled")[0].payload["reason"] == "cliente desistiu por telefone"


def test_a_cancel_the_state_machine_refuses_is_shown_and_changes_nothing(client, support, paid_order):
    order = order_fulfil(order=paid_order, tracking_code="BR1", actor="x")
    response = client.post(f"{ORDERS}{order.pk}/cancel/", {"reason": "tarde demais", "confirmed": "yes"})
    assert response.status_code == 302
    assert len(messages_of(response)) == 1 and messages_of(response)[0].startswith(f"{order.number}: ")
    assert Order.objects.get().status == "fulfilled"


def test_refund_full_after_delivery_and_partial_by_items(client, support, paid_order):
    order = order_deliver(order=order_fulfil(order=paid_order, tracking_code="BR1", actor="x"), actor="x")
    url = f"{ORDERS}{order.pk}/refund/"
    client.post(url, {"kind": "partial", "lines": "SERUM-30=1", "reason": "avariado no transporte"})
    assert list(SandboxRefund.objects.values_list("amount", flat=True)) == [Decimal("89.90")]
    client.post(url, {"kind": "full", "reason": "acordo com o cliente"})
    assert sorted(SandboxRefund.objects.values_list("amount", flat=True)) == [Decimal("89.90"), Decimal("102.80")]
    assert Order.objects.get().status == "delivered"


def test_support_opens_a_return_from_the_order_page_and_takes_it_through_its_steps(client, support, paid_order):
    order = order_deliver(order=order_fulfil(order=paid_order, tracking_code="BR1", actor="x"), actor="x")
    assert f'href="{ORDERS}{order.pk}/return/"' in page(client, order)
    client.post(f"{ORDERS}{order.pk}/return/", {"lines": "SERUM-30=1", "reason": "alergia (ligação)"})
    order_return = OrderReturn.objects.get()
    assert (order_return.opened_by, order_return.refund_amount) == ("support:lia", Decimal("102.80"))
    assert f'href="{RETURNS}{order_return.pk}/change/"' in page(client, order)

    def buttons():
        content = client.get(f"{RETURNS}{order_return.pk}/change/").content.decode()
        return [
            name
            for name in ("approve", "reject", "receive", "refund")
            if f"{RETURNS}{order_return.pk}/{name}/" in content
        ]

    assert buttons() == ["approve", "reject"]
    client.post(f"{RETURNS}{order_return.pk}/approve/")
    assert buttons() == ["receive"]
    line = order_return.lines.get()
    client.post(f"{RETURNS}{order_return.pk}/receive/", {f"condition_{line.pk}": "damaged"})
    assert buttons() == ["refund"]
    assert published("orders.return_received")[0].payload["lines"][0]["condition"] == "damaged"
    client.post(f"{RETURNS}{order_return.pk}/refund/")
    assert buttons() == []
    assert OrderReturn.objects.get().status == "refunded"
    assert list(SandboxRefund.objects.values_list("amount", flat=True)) == [Decimal("102.80")]


def test_rejecting_a_return_needs_a_reason(client, support, paid_order):
    order = order_deliver(order=order_fulfil(order=paid_order, tracking_code="BR1", actor="x"), actor="x")
    client.post(f"{ORDERS}{order.pk}/return/", {"lines": "SERUM-30=2", "reason": "não gostei"})
    order_return = OrderReturn.objects.get()
    assert client.post(f"{RETURNS}{order_return.pk}/reject/", {"reason": ""}).status_code == 200
    assert OrderReturn.objects.get().status == "requested"
    client.post(f"{RETURNS}{order_return.pk}/reject/", {"reason": "produto aberto e usado"})
    assert (OrderReturn.objects.get().status, OrderReturn.objects.get().rejection_reason) == (
        "rejected",
        "produto aberto e usado",
    )
    assert published("orders.return_rejected")[0].payload["rejection_reason"] == "produto aberto e usado"


def test_internal_notes_are_kept_with_author_and_time_and_shown_on_the_order(client, support, paid_order):
    client.post(f"{ORDERS}{paid_order.pk}/note/", {"body": "Cliente pediu entrega após as 18h."})
    client.post(f"{ORDERS}{paid_order.pk}/note/", {"body": "   "})
    note = OrderNote.objects.get()
    assert (note.order_id, note.author, note.body) == (paid_order.pk, "lia", "Cliente pediu entrega após as 18h.")
    assert note.created_at is not None
    content = page(client, paid_order)
    assert "Cliente pediu entrega após as 18h." in content and 'id="order-note-form"' in content


@pytest.mark.parametrize(
    "term",
    ["ana souza", "BIA@example.com", "529.982.247-25", "52998224725", "(11) 99999-0000", "11999990000"],
)
def test_support_finds_an_order_by_name_email_cpf_and_phone(client, support, paid_order, term):
    assert paid_order.number.encode() in client.get(ORDERS, {"q": term}).content


def test_support_finds_an_order_by_its_number_with_or_without_the_prefix(client, support, paid_order):
    serial = paid_order.number.rsplit("-", 1)[1]  # "000001"
    year_and_serial = paid_order.number.removeprefix("CO-")
    for term in (paid_order.number, paid_order.number.lower(), year_and_serial, serial, str(int(serial))):
        assert paid_order.number.encode() in client.get(ORDERS, {"q": term}).content, term
    for term in ("nobody@example.com", "Maria", "98765432100", str(int(serial) + 1000)):
        assert paid_order.number.encode() not in client.get(ORDERS, {"q": term}).content, term


def second_order(client, catalog, *, email: str) -> Order:
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "BATOM-RED", 1)
    response = checkout(client, headers, key=f"key-{email}", email=email)
    catalog.process()
    return Order.objects.get(number=response.json()["number"])


def read_csv(response) -> list[list[str]]:
    raw = response.content
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))


def test_the_csv_export_takes_the_filtered_list_with_customer_lines_and_address_excel_ready(
    client, support, paid_order, catalog
):
    other = second_order(client, catalog, email="caio@example.com")  # awaiting payment: filtered out
    assert client.get(ORDERS).content.count(b'class="action-select"') == 2
    listing = client.get(ORDERS, {"status__exact": "paid"}).content.decode()
    assert f'href="{ORDERS}export/?status__exact=paid"' in listing

    response = client.get(f"{ORDERS}export/", {"status__exact": "paid"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = read_csv(response)
    assert header[:9] == ["pedido", "data", "status", "cliente", "e-mail", "CPF/CNPJ", "telefone", "endereço", "itens"]
    assert len(rows) == 1 and other.number not in response.content.decode("utf-8-sig")
    row = dict(zip(header, rows[0], strict=True))
    assert (row["pedido"], row["cliente"], row["e-mail"], row["telefone"]) == (
        paid_order.number,
        "Ana Souza",
        "bia@example.com",
        "(11) 99999-0000",
    )
    assert row["CPF/CNPJ"] != "52998224725" and row["CPF/CNPJ"].endswith("25")  # masked
    assert (
        row["endereço"]
        == "Ana Souza | Rua Augusta, 100 - apto 12 | Consolação | São Paulo/SP - CEP 01304-000 | Tel. (11) 99999-0000"
    )
    assert row["itens"] == "2 x SERUM-30 Sérum Vitamina C - 30 ml (179,80)"
    assert (row["subtotal"], row["frete"], row["total"]) == ("179,80", "12,90", "192,70")


def test_the_csv_export_follows_the_search_too(client, support, paid_order, catalog):
    second_order(client, catalog, email="caio@example.com")
    header, *rows = read_csv(client.get(f"{ORDERS}export/", {"q": "caio@"}))
    assert [row[header.index("e-mail")] for row in rows] == ["caio@example.com"]


def test_a_support_agent_sees_orders_and_returns_but_not_the_plumbing(client, support, paid_order):
    index = client.get("/admin/").content.decode()
    assert "/admin/orders/order/" in index and "/admin/returns/orderreturn/" in index
    for plumbing in (
        "/admin/payments/webhookreceipt/",
        "/admin/payments/sandboxwebhook/",
        "/admin/checkout/idempotencykey/",
        "/admin/outbox/outboxmessage/",
    ):
        assert plumbing not in index, plumbing
    assert client.get("/admin/payments/webhookreceipt/").status_code == 403
    assert client.get(RETURNS).status_code == 200


def test_someone_without_change_permission_gets_no_buttons_and_cannot_post_them(client, paid_order):
    viewer = User.objects.create_user("leo", "leo@cosmeticos.co", "x", is_staff=True)
    from django.contrib.auth.models import Permission

    viewer.user_permissions.add(Permission.objects.get(codename="view_order"))
    client.force_login(viewer, backend="django.contrib.auth.backends.ModelBackend")
    content = page(client, paid_order)
    assert f"{ORDERS}{paid_order.pk}/cancel/" not in content and 'id="order-note-form"' not in content
    assert client.post(f"{ORDERS}{paid_order.pk}/cancel/", {"reason": "x", "confirmed": "yes"}).status_code == 403
    assert Order.objects.get().status == "paid"
