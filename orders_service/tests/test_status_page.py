"""The guest order status page (``/pedidos/<number>/?token=``) the emails link to without a storefront."""

import pytest

pytestmark = pytest.mark.django_db


def test_a_guest_with_the_access_token_sees_the_order_in_portuguese(client, guest_order):
    page = client.get(f"/pedidos/{guest_order['number']}/", {"token": guest_order["access_token"]})

    assert page.status_code == 200
    html = page.content.decode()
    assert f"Pedido {guest_order['number']}" in html
    assert "Aguardando pagamento" in html
    assert "2 &times; " in html and "R$ " in html and "horário de Brasília" in html
    assert page["Cache-Control"] == "private, no-store"


def test_without_the_right_token_the_page_is_the_same_404_as_for_no_order(client, guest_order):
    number = guest_order["number"]
    answers = [
        client.get(f"/pedidos/{number}/"),
        client.get(f"/pedidos/{number}/", {"token": "wrong"}),
        client.get("/pedidos/CO-999999/", {"token": guest_order["access_token"]}),
    ]
    assert [answer.status_code for answer in answers] == [404, 404, 404]
    assert len({answer.content for answer in answers}) == 1
    assert "Pedido não encontrado" in answers[0].content.decode()


def test_the_welcome_landing_page_exists(client, db):
    page = client.get("/pedidos/")
    assert page.status_code == 200
    assert "Boas-vindas" in page.content.decode()
