"""pt-BR everywhere a person reads in orders: the catalogue is complete and compiled, the support admin
renders in pt-BR without an English msgid, the payment page is pt-BR, and API error details follow
Accept-Language while the code stays."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.conf import settings

from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.testing.locales import (
    COMMON_PO,
    admin_page_problems,
    api_error_problems,
    catalogue_problems,
    compiled_catalogue_problems,
    english_words_in,
    label_problems,
    service_po,
    visible_text,
)
from orders.checkout.services import PriceChanged
from tests.conftest import CART, cart_headers, pay

PACKAGES = ("orders", "common")
PO_FILES = (service_po(settings.BASE_DIR), COMMON_PO)
SEEN_IN_ENGLISH = ("order(s)", "cancelled by customer support", "Mark fulfilled (enter")


@pytest.mark.parametrize("po_path", PO_FILES, ids=["orders", "common"])
def test_every_msgid_has_a_pt_br_translation(po_path):
    assert catalogue_problems(po_path) == []


@pytest.mark.parametrize("po_path", PO_FILES, ids=["orders", "common"])
def test_the_committed_mo_is_compiled_from_the_po(po_path):
    assert compiled_catalogue_problems(po_path) == []


def test_every_admin_label_goes_through_translation():
    assert label_problems(PACKAGES, PO_FILES) == []


@pytest.mark.django_db
def test_every_admin_page_renders_in_pt_br_without_english(admin_client, client, guest_order):
    pay(client, guest_order)
    DeadLetter.objects.create(event_type="catalog.stock_reserved", source="orders.catalog", body="{}")
    ProcessedEvent.objects.create(event_id="00000000-0000-0000-0000-000000000001", event_type="catalog.x")

    assert admin_page_problems(admin_client, PACKAGES, PO_FILES, also=SEEN_IN_ENGLISH) == []


@pytest.mark.django_db
def test_the_payment_page_is_pt_br_by_default_and_english_on_request(client, guest_order):
    path = urlsplit(guest_order["payment"]["checkout_url"]).path
    portuguese = visible_text(client.get(path).content.decode())
    english = visible_text(client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert english_words_in(portuguese) == []
    assert "Pagar R$ 192,70" in portuguese
    assert "(horário de Brasília)" in portuguese
    assert "Pay R$ 192,70" in english
    assert "Back to the shop" in english
    declined = client.post(path, {"card_number": "4000000000000002"})
    assert "Seu cartão foi recusado. Tente outro cartão." in declined.content.decode()


def test_every_api_error_detail_is_pt_br_and_english_on_request():
    factories = {PriceChanged: lambda: PriceChanged({"SERUM-30": (Decimal("89.90"), Decimal("99.90"))})}
    assert api_error_problems(PACKAGES, factories=factories) == []


@pytest.mark.django_db
def test_an_api_error_detail_follows_accept_language_and_its_code_stays(client):
    unknown = cart_headers("no-such-cart-token")
    portuguese = client.get(CART, **unknown)
    english = client.get(CART, **unknown, HTTP_ACCEPT_LANGUAGE="en")
    assert portuguese.status_code == english.status_code == 404
    assert portuguese.json() == {
        "detail": "Nenhum carrinho corresponde ao cabeçalho X-Cart-Token (ou ao cliente conectado).",
        "code": "cart_not_found",
    }
    assert english.json() == {
        "detail": "No cart matches the X-Cart-Token header (or the signed-in shopper).",
        "code": "cart_not_found",
    }


@pytest.mark.django_db
def test_the_order_list_shows_money_as_reais(admin_client, guest_order):
    page = visible_text(admin_client.get("/admin/orders/order/").content.decode())
    assert "R$ 192,70" in page
    assert "192.70" not in page
