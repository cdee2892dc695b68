"""Carts per the contract: guest by token, shopper by JWT, merge, availability, other people's carts."""

import uuid

import pytest

from common.events.testing import published
from common.testing.tokens import auth_header
from orders.carts.models import Cart, CartLine
from tests.conftest import CART, add_line, cart_headers, new_cart, publish_product

pytestmark = pytest.mark.django_db


def test_posting_a_cart_creates_an_empty_guest_cart_with_a_token(client):
    body = new_cart(client)
    assert body == {
        "token": body["token"],
        "lines": [],
        "subtotal": "0.00",
        "currency": "BRL",
        "installments": None,
        "vouchers": [],
        "discounts": [],
        "gifts": [],
        "discount_total": "0.00",
        "total": "0.00",
    }
    assert Cart.objects.get(token=body["token"]).user_id is None


def test_adding_a_line_answers_201_with_the_priced_cart_and_announces_it(client, catalog):
    cart = new_cart(client)
    response = add_line(client, cart_headers(cart["token"]), "CREME-50", 2)
    assert response.status_code == 201
    body = response.json()
    line = body["lines"][0]
    assert body["lines"] == [
        {
            "id": line["id"],
            "sku": "CREME-50",
            "name": "Creme Hidratante - 50 g",
            "quantity": 2,
            "unit_price": "129.90",
            "line_total": "259.80",
        }
    ]
    assert body["subtotal"] == "259.80"
    events = published("orders.cart_line_added")
    assert [
        (e.payload["sku"], e.payload["quantity"], e.payload["cart_token"], e.payload["user_id"]) for e in events
    ] == [("CREME-50", 2, cart["token"], None)]


def test_adding_the_same_sku_again_adds_to_its_line(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    body = add_line(client, headers, "SERUM-30", 2).json()
    assert [(line["sku"], line["quantity"], line["line_total"]) for line in body["lines"]] == [
        ("SERUM-30", 3, "269.70")
    ]


def test_unknown_sku_is_404_unknown_sku_and_the_cart_is_unchanged(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    response = add_line(client, headers, "NO-SUCH-SKU", 1)
    assert response.status_code == 404
    assert response.json()["code"] == "unknown_sku"
    assert CartLine.objects.count() == 0
    assert published("orders.cart_line_added") == []


def test_unpublished_product_cannot_be_added(client, catalog):
    publish_product(3, "batom-matte", "Batom Matte", [("BATOM-RED", "Vermelho", "49.90")], published_flag=False)
    response = add_line(client, cart_headers(new_cart(client)["token"]), "BATOM-RED", 1)
    assert response.status_code == 409
    assert response.json()["code"] == "product_unavailable"
    assert CartLine.objects.count() == 0


def test_more_than_catalog_has_is_409_insufficient_stock(client, catalog):
    catalog.on_hand["SERUM-30"] = 3
    headers = cart_headers(new_cart(client)["token"])
    assert add_line(client, headers, "SERUM-30", 2).status_code == 201
    response = add_line(client, headers, "SERUM-30", 2)
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert list(CartLine.objects.values_list("sku", "quantity")) == [("SERUM-30", 2)]


def test_when_catalog_is_down_the_line_is_still_added(client, catalog):
    catalog.down = True
    response = add_line(client, cart_headers(new_cart(client)["token"]), "SERUM-30", 5)
    assert response.status_code == 201
    assert response.json()["lines"][0]["quantity"] == 5


@pytest.mark.parametrize("quantity", [0, -3, 1000, "two"])
def test_a_quantity_that_is_not_positive_is_refused_with_4xx(client, catalog, quantity):
    response = add_line(client, cart_headers(new_cart(client)["token"]), "SERUM-30", quantity)
    assert response.status_code == 422
    assert CartLine.objects.count() == 0


def test_patch_sets_the_quantity_and_delete_removes_the_line(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    line_id = add_line(client, headers, "SERUM-30", 1).json()["lines"][0]["id"]
    patched = client.patch(f"{CART}/lines/{line_id}", {"quantity": 4}, content_type="application/json", **headers)
    assert patched.status_code == 200
    assert (patched.json()["lines"][0]["quantity"], patched.json()["subtotal"]) == (4, "359.60")
    deleted = client.delete(f"{CART}/lines/{line_id}", **headers)
    assert deleted.status_code == 200
    assert deleted.json()["lines"] == []


def test_patch_beyond_the_stock_is_409_and_keeps_the_quantity(client, catalog):
    catalog.on_hand["SERUM-30"] = 2
    headers = cart_headers(new_cart(client)["token"])
    line_id = add_line(client, headers, "SERUM-30", 1).json()["lines"][0]["id"]
    response = client.patch(f"{CART}/lines/{line_id}", {"quantity": 3}, content_type="application/json", **headers)
    assert response.status_code == 409
    assert CartLine.objects.get(pk=line_id).quantity == 1


def test_a_cart_token_that_does_not_exist_is_404(client):
    for token in (str(uuid.uuid4()), "not-a-uuid"):
        response = client.get(CART, **cart_headers(token))
        assert response.status_code == 404
        assert response.json()["code"] == "cart_not_found"
    assert client.get(CART).status_code == 404


def test_another_guests_line_is_404_and_stays(client, catalog):
    mine = cart_headers(new_cart(client)["token"])
    theirs = cart_headers(new_cart(client)["token"])
    their_line = add_line(client, theirs, "SERUM-30", 1).json()["lines"][0]["id"]
    patch = client.patch(f"{CART}/lines/{their_line}", {"quantity": 9}, content_type="application/json", **mine)
    delete = client.delete(f"{CART}/lines/{their_line}", **mine)
    assert (patch.status_code, delete.status_code) == (404, 404)
    assert CartLine.objects.get(pk=their_line).quantity == 1


def test_a_shoppers_cart_cannot_be_reached_by_its_token_without_their_token(client, catalog):
    owner = auth_header(user_id=5, email="owner@example.com")
    token = new_cart(client, **owner)["token"]
    add_line(client, owner, "SERUM-30", 1)
    assert client.get(CART, **cart_headers(token)).status_code == 404
    intruder = auth_header(user_id=6, email="intruder@example.com")
    intruders_view = client.get(CART, **cart_headers(token), **intruder).json()
    assert intruders_view["lines"] == [] and intruders_view["token"] != token
    assert CartLine.objects.get().cart.user_id == 5


def test_signing_in_with_a_guest_cart_merges_it_into_the_shoppers_cart(client, catalog):
    auth = auth_header(user_id=9, email="dani@example.com")
    new_cart(client, **auth)
    add_line(client, auth, "SERUM-30", 1)
    guest = new_cart(client)["token"]
    add_line(client, cart_headers(guest), "SERUM-30", 2)
    add_line(client, cart_headers(guest), "BATOM-RED", 1)

    merged = client.get(CART, **cart_headers(guest), **auth).json()

    assert sorted((line["sku"], line["quantity"]) for line in merged["lines"]) == [("BATOM-RED", 1), ("SERUM-30", 3)]
    assert merged["token"] != guest
    assert not Cart.objects.filter(token=guest).exists()
    assert Cart.objects.count() == 1


def test_bad_bearer_token_is_401_not_a_guest(client):
    response = client.post(CART, HTTP_AUTHORIZATION="Bearer not-a-jwt")
    assert response.status_code == 401
    assert Cart.objects.count() == 0
