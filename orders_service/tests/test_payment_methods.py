"""Paying the Brazilian way: card in installments, Pix and boleto, each with its window and its document."""

from __future__ import annotations

import binascii
import io
import logging
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image

from common.brazil.boleto import digitable_line_verify
from common.brazil.pix import brcode_parse
from common.events.testing import published
from orders.checkout.models import IdempotencyKey
from orders.orders.models import Order
from orders.payments.models import PaymentSession
from tests.conftest import add_line, cart_headers, deliver_webhooks, new_cart

pytestmark = pytest.mark.django_db

CPF, CNPJ_ALPHANUMERIC = "529.982.247-25", "12.ABC.345/01DE-35"


def place(client, catalog, *, key: str, reserve: bool = True, **payment):
    """A guest's 2 x SERUM-30 (R$ 179,80 + R$ 12,90 shipping = R$ 192,70) checked out with ``payment``."""
    headers = cart_headers(new_cart(client)["token"])
    assert add_line(client, headers, "SERUM-30", 2).status_code == 201
    body = {"email": "bia@example.com", "shipping_address": {**ADDRESS_BR}, **payment}
    response = client.post(
        "/api/orders/checkout", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
    )
    if reserve and response.status_code == 201:
        catalog.process()
    return response


ADDRESS_BR = {
    "full_name": "Bia Lima",
    "line1": "Rua Augusta",
    "number": "100",
    "neighborhood": "Consolação",
    "city": "São Paulo",
    "state": "SP",
    "postal_code": "01304-000",
    "country": "BR",
}


def order_of(client, answer: dict) -> dict:
    response = client.get(f"/api/orders/orders/{answer['number']}", HTTP_X_ORDER_TOKEN=answer["access_token"])
    assert response.status_code == 200, response.content
    return response.json()


def page_post(client, order: dict, data: dict):
    return client.post(urlsplit(order["payment"]["checkout_url"]).path, data)


# -- documents --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["pix", "boleto"])
def test_pix_and_boleto_without_a_document_are_422_document_required_and_leave_nothing(client, catalog, method):
    response = place(client, catalog, key=f"no-doc-{method}", payment_method=method)
    assert response.status_code == 422
    assert response.json()["code"] == "document_required"
    assert Order.objects.count() == 0
    assert not IdempotencyKey.objects.filter(key=f"no-doc-{method}").exists()  # the shopper may retry


@pytest.mark.parametrize(("document", "detail"), [("529.982.247-24", "CPF inválido"), ("11.222.333/0001-82", "CNPJ")])
def test_a_document_whose_check_digits_fail_is_422_invalid_document(client, catalog, document, detail):
    response = place(client, catalog, key="bad-doc", payment_method="pix", document=document)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_document"
    assert detail in body["detail"]
    assert document not in body["detail"]  # never echoed back
    assert Order.objects.count() == 0


def test_the_alphanumeric_cnpj_is_accepted_and_stored_normalised_never_logged(client, catalog, caplog):
    caplog.set_level(logging.DEBUG)
    response = place(client, catalog, key="cnpj", payment_method="boleto", document=CNPJ_ALPHANUMERIC)
    assert response.status_code == 201, response.content
    assert Order.objects.get(number=response.json()["number"]).payer_document == "12ABC34501DE35"
    logged = "\n".join(record.getMessage() + str(record.__dict__) for record in caplog.records)
    assert "12ABC34501DE35" not in logged and CNPJ_ALPHANUMERIC not in logged
    stored = str(IdempotencyKey.objects.get(key="cnpj").response_body)
    assert "12ABC34501DE35" not in stored


# -- card in installments -----------------------------------------------------------------------------------
def test_card_in_3x_stores_the_plan_and_is_paid_by_the_test_card(client, catalog):
    answer = place(client, catalog, key="card-3x", payment_method="card", installments=3).json()
    assert answer["payment"]["method"] == "card"
    assert answer["payment"]["installments"] == {
        "count": 3,
        "amount": "64.23",
        "total": "192.70",
        "interest_free": True,
    }
    order = order_of(client, answer)
    page = page_post(client, order, {"action": "card", "card_number": "4242 4242 4242 4242"})
    assert "Pagamento aprovado." in page.content.decode()
    deliver_webhooks(client)
    assert order_of(client, answer)["status"] == "paid"
    [paid] = published("orders.order_paid")
    assert (paid.payload["payment_method"], paid.payload["installments"]) == ("card", 3)


def test_installments_the_shop_does_not_offer_are_422(client, catalog, settings):
    settings.SHOP_INSTALLMENTS_MAX = 6
    response = place(client, catalog, key="card-7x", installments=7)
    assert (response.status_code, response.json()["code"]) == (422, "installments_not_available")
    response = place(client, catalog, key="pix-2x", payment_method="pix", document=CPF, installments=2)
    assert (response.status_code, response.json()["code"]) == (422, "installments_card_only")
    assert Order.objects.count() == 0


def test_the_installments_endpoint_gives_the_same_plans_as_the_checkout(client, settings):
    settings.SHOP_INSTALLMENTS_INTEREST_FREE = 3
    plans = client.get("/api/orders/payments/installments", {"amount": "192.70"}).json()
    assert plans[2] == {"count": 3, "amount": "64.23", "total": "192.70", "interest_free": True}
    assert plans[3]["interest_free"] is False
    assert [plan["count"] for plan in plans] == list(range(1, 13))
    for bad in ("abc", "0", "-5", "1.234"):
        response = client.get("/api/orders/payments/installments", {"amount": bad})
        assert response.status_code == 422, bad


# -- Pix --------------------------------------------------------------------------------------------------
def test_a_pix_order_gets_a_br_code_whose_crc_verifies_and_whose_qr_reads_back(client, catalog):
    answer = place(client, catalog, key="pix", payment_method="pix", document=CPF).json()
    assert answer["payment"]["pix"] is None  # only once the stock is reserved: poll the order
    order = order_of(client, answer)
    pix = order["payment"]["pix"]
    copy_paste = pix["copy_paste"]
    assert copy_paste[-4:] == f"{binascii.crc_hqx(copy_paste[:-4].encode(), 0xFFFF):04X}"
    fields = brcode_parse(copy_paste)
    assert fields["26"]["00"] == "br.gov.bcb.pix"
    assert (fields["53"], fields["54"], fields["58"]) == ("986", "192.70", "BR")
    assert fields["62"]["05"].startswith(answer["number"].replace("-", ""))
    png = client.get(urlsplit(pix["qr_code_url"]).path)
    assert png["Content-Type"] == "image/png"
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))] == [copy_paste]
    session = PaymentSession.objects.get(order__number=answer["number"])
    assert timedelta(minutes=29) < session.expires_at - timezone.now() <= timedelta(minutes=30)
    [placed] = published("orders.order_placed")
    assert (placed.payload["payment_method"], placed.payload["reserve_for_seconds"]) == ("pix", 40 * 60)

    page = client.get(urlsplit(order["payment"]["checkout_url"]).path).content.decode()
    assert "R$ 192,70" in page and copy_paste in page and "Copiar código Pix" in page
    assert "Simular pagamento Pix" in page
    page_post(client, order, {"action": "pix_simulate"})
    deliver_webhooks(client)
    assert order_of(client, answer)["status"] == "paid"
    [paid] = published("orders.order_paid")
    assert paid.payload["payment_method"] == "pix"


def test_a_card_cannot_pay_a_pix_session(client, catalog):
    answer = place(client, catalog, key="pix-card", payment_method="pix", document=CPF).json()
    page = page_post(client, order_of(client, answer), {"action": "card", "card_number": "4242424242424242"})
    assert page.status_code == 409
    deliver_webhooks(client)
    assert order_of(client, answer)["status"] == "awaiting_payment"


# -- boleto -----------------------------------------------------------------------------------------------
def test_a_boleto_order_holds_stock_for_days_and_is_paid_when_the_bank_reports_it(client, catalog, settings):
    settings.SANDBOX_BOLETO_SETTLEMENT_SECONDS = 0
    answer = place(client, catalog, key="boleto", payment_method="boleto", document=CPF).json()
    [placed] = published("orders.order_placed")
    assert placed.payload["reserve_for_seconds"] == (3 + 1) * 86400 + 10 * 60  # due days + bank grace + grace
    order = order_of(client, answer)
    boleto = order["payment"]["boleto"]
    assert digitable_line_verify(boleto["digitable_line"]).startswith("2379")
    assert boleto["digitable_line"].replace(" ", "").replace(".", "").endswith("0000019270")
    today = timezone.localdate()
    assert boleto["due_date"] == str(today + timedelta(days=3))
    session = PaymentSession.objects.get(order__number=answer["number"])
    assert timedelta(days=3, hours=23) < session.expires_at - timezone.now() <= timedelta(days=4)

    slip = client.get(urlsplit(boleto["pdf_url"]).path).content.decode()
    assert boleto["digitable_line"] in slip and "R$ 192,70" in slip
    assert "CPF ***25" in slip and "529.982.247" not in slip

    page_post(client, order, {"action": "boleto_simulate"})
    deliver_webhooks(client)
    assert order_of(client, answer)["status"] == "paid"
    catalog.process()
    assert catalog.on_hand["SERUM-30"] == 98  # committed
    assert published("orders.order_paid")[0].payload["payment_method"] == "boleto"


def test_an_unpaid_boleto_expires_after_its_due_date_and_grace(client, catalog):
    from orders.orders.overdue import order_expire_overdue

    answer = place(client, catalog, key="boleto-late", payment_method="boleto", document=CPF).json()
    assert order_expire_overdue(now=timezone.now() + timedelta(days=3, hours=12)) == 0
    assert order_expire_overdue(now=timezone.now() + timedelta(days=4, minutes=1)) == 1
    assert Order.objects.get(number=answer["number"]).status == "expired"


def test_the_qr_and_slip_need_the_sessions_token(client, catalog):
    answer = place(client, catalog, key="pix-token", payment_method="pix", document=CPF).json()
    assert client.get(f"/payments/pix/{answer['number']}/wrong-token/qr.png").status_code == 404
    assert client.get(f"/payments/boleto/{answer['number']}/wrong-token").status_code == 404


def test_the_cart_hints_the_same_plan_as_the_installments_endpoint(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    cart = add_line(client, headers, "SERUM-30", 2).json()
    assert cart["installments"] == {"count": 6, "amount": "29.96"}  # R$ 179,80 in 6x without interest
    plans = client.get("/api/orders/payments/installments", {"amount": cart["subtotal"]}).json()
    assert plans[5] == {"count": 6, "amount": "29.96", "total": "179.80", "interest_free": True}


def test_payment_fields_at_their_defaults_replay_the_same_order_as_a_body_without_them(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    assert add_line(client, headers, "SERUM-30", 1).status_code == 201
    plain = {"email": "bia@example.com", "shipping_address": ADDRESS_BR}
    first = client.post(
        "/api/orders/checkout", plain, content_type="application/json", HTTP_IDEMPOTENCY_KEY="defaults", **headers
    )
    explicit = {**plain, "payment_method": "card", "installments": None, "document": None}
    again = client.post(
        "/api/orders/checkout", explicit, content_type="application/json", HTTP_IDEMPOTENCY_KEY="defaults", **headers
    )
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["number"] == first.json()["number"]
    other = {**plain, "payment_method": "pix", "document": CPF}
    reused = client.post(
        "/api/orders/checkout", other, content_type="application/json", HTTP_IDEMPOTENCY_KEY="defaults", **headers
    )
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency_key_reused")
