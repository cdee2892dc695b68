"""Shipping by CEP: the built-in table, POST cart/shipping-quotes, the Melhor Envio adapter (against a local
server answering in the documented shape, with errors and timeouts falling back to the table), and the
chosen method at checkout."""

from decimal import Decimal
from pathlib import Path

import orjson
import pytest
from django.db import transaction

from common.events.contracts.catalog import ProductUpdated, VariantSnapshot
from common.events.testing import deliver
from config.event_handlers import HANDLERS
from orders.carts.models import Cart, CartLine
from orders.checkout.models import IdempotencyKey
from orders.checkout.services import checkout_place_order
from orders.orders.models import Order
from orders.shipping.errors import ShippingQuoteStale
from orders.shipping.melhorenvio import calculate_request_body
from orders.shipping.parcels import Parcel, ParcelItem, shipping_quote_waive
from orders.shipping.quotes import shipping_quote_for
from orders.shipping.table import table_price, table_quotes
from tests.conftest import ADDRESS, CHECKOUT, add_line, cart_headers, new_cart
from tests.stub_server import StubServer

pytestmark = pytest.mark.django_db

QUOTES = "/api/orders/cart/shipping-quotes"
FIXTURES = Path(__file__).parent / "fixtures" / "melhorenvio"
ME_TOKEN = "me-token-for-tests-only"
CALCULATE = "/api/v2/me/shipment/calculate"


def fixture(name: str):
    return orjson.loads((FIXTURES / f"{name}.json").read_bytes())


def quote(client, headers, postal_code="01304-000"):
    return client.post(QUOTES, {"postal_code": postal_code}, content_type="application/json", **headers)


def place(client, headers, *, key, **body):
    payload = {"email": "guest@example.com", "shipping_address": ADDRESS, **body}
    return client.post(CHECKOUT, payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers)


def parcel_of(grams: int) -> Parcel:
    item = ParcelItem("X", 1, grams, Decimal("0"), Decimal("0"), Decimal("0"), Decimal("10.00"))
    return Parcel(items=(item,))


@pytest.fixture
def serum_cart(client, catalog):
    headers = cart_headers(new_cart(client)["token"])
    assert add_line(client, headers, "SERUM-30", 2).status_code == 201
    return headers


@pytest.fixture
def melhorenvio(settings):
    stub = StubServer().start()
    settings.ORDERS_SHIPPING_PROVIDER = "melhorenvio"
    settings.MELHORENVIO_API_URL = stub.url
    settings.MELHORENVIO_TOKEN = ME_TOKEN
    settings.MELHORENVIO_TIMEOUT_SECONDS = 0.5
    settings.MELHORENVIO_CONNECT_TIMEOUT_SECONDS = 0.5
    settings.ORDERS_SHIPPING_ORIGIN_POSTAL_CODE = "01304000"
    stub.route("POST", CALCULATE, lambda headers, body: (200, fixture("calculate_response")))
    yield stub
    stub.stop()


# -- the built-in table -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("postal_code", "grams", "standard", "express", "days"),
    [
        ("01304000", 300, "12.90", "22.90", (3, 6)),  # SP, Sudeste, up to 1 kg
        ("20040002", 1000, "12.90", "22.90", (3, 6)),  # RJ, exactly 1 kg
        ("30140071", 1001, "16.90", "27.90", (3, 6)),  # MG, just above 1 kg
        ("90010000", 4500, "28.90", "46.90", (4, 8)),  # RS, Sul
        ("70040010", 1500, "24.90", "39.90", (5, 9)),  # DF, Centro-Oeste
        ("40020000", 12000, "76.90", "119.90", (6, 12)),  # BA, Nordeste, up to 20 kg
        ("69005000", 30000, "119.90", "184.90", (8, 15)),  # AM, Norte, 30 kg
    ],
)
def test_the_table_prices_by_the_ceps_region_and_the_weight(postal_code, grams, standard, express, days):
    quotes = table_quotes(parcel=parcel_of(grams), postal_code=postal_code)
    assert [(q.method, q.price, q.days_min if q.method == "standard" else None) for q in quotes] == [
        ("standard", Decimal(standard), days[0]),
        ("express", Decimal(express), None),
    ]
    assert quotes[0].days_max == days[1]


def test_a_parcel_above_30_kg_ships_as_several_parcels():
    prices = table_quotes(parcel=parcel_of(1), postal_code="01304000")[0]
    assert prices.price == Decimal("12.90")
    sudeste = (Decimal("12.90"), Decimal("16.90"), Decimal("22.90"), Decimal("32.90"), Decimal("49.90"))
    sudeste += (Decimal("69.90"),)
    assert table_price(sudeste, 45000) == Decimal("69.90") + Decimal("49.90")
    assert table_price(sudeste, 60000) == Decimal("139.80")


# -- POST cart/shipping-quotes ----------------------------------------------------------------------------


def test_quotes_answer_every_method_for_the_cart_and_the_cep_cheapest_first(client, serum_cart):
    response = quote(client, serum_cart, "01304000")
    assert response.status_code == 200
    assert response.json() == [
        {
            "method": "standard",
            "name": "Entrega padrão",
            "price": "12.90",
            "currency": "BRL",
            "days_min": 3,
            "days_max": 6,
        },
        {
            "method": "express",
            "name": "Entrega expressa",
            "price": "22.90",
            "currency": "BRL",
            "days_min": 1,
            "days_max": 3,
        },
    ]


def test_quotes_weigh_the_cart_with_the_weights_catalog_publishes(client, serum_cart):
    deliver(
        ProductUpdated(
            product_id=1,
            slug="serum-vitamina-c",
            name="Sérum Vitamina C",
            brand="Natura",
            published=True,
            variants=[VariantSnapshot(sku="SERUM-30", name="30 ml", price=Decimal("89.90"), weight_grams=700)],
        ),
        handlers=HANDLERS,
        key="serum",
    )
    # 2 x 700 g = 1.4 kg to Porto Alegre (Sul): the 2 kg band
    assert [q["price"] for q in quote(client, serum_cart, "90010-000").json()] == ["21.90", "35.90"]


@pytest.mark.parametrize(
    "postal_code", ["123", "0130400a", "00500-000", "01304-0000", "\uff10\uff11\uff13\uff10\uff14\uff10\uff10\uff10"]
)
def test_quotes_for_an_invalid_cep_are_422(client, serum_cart, postal_code):
    response = quote(client, serum_cart, postal_code)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "CEP inválido: informe 8 dígitos, como 01304-000.",
        "code": "invalid_postal_code",
    }


def test_quotes_for_an_empty_cart_are_409_and_for_an_unknown_cart_404(client, catalog):
    empty = cart_headers(new_cart(client)["token"])
    response = quote(client, empty)
    assert (response.status_code, response.json()["code"]) == (409, "cart_empty")
    unknown = cart_headers("6f1c0e0e-0000-4000-8000-000000000000")
    assert quote(client, unknown).status_code == 404


# -- Melhor Envio -----------------------------------------------------------------------------------------


def test_the_documented_request_example_is_what_the_adapter_builds_for_the_same_product(settings):
    documented = fixture("calculate_request")
    product = documented["products"][0]
    item = ParcelItem(
        product["id"], 1, 1000, Decimal("11"), Decimal("11"), Decimal("17"), Decimal(str(product["insurance_value"]))
    )
    settings.MELHORENVIO_SERVICES = ""
    body = calculate_request_body(
        parcel=Parcel(items=(item,)),
        origin=documented["from"]["postal_code"],
        destination=documented["to"]["postal_code"],
    )
    assert {key: body[key] for key in documented} == documented
    assert body["options"] == {"receipt": False, "own_hand": False}


def test_melhor_envio_quotes_are_the_services_that_can_carry_the_parcel(client, serum_cart, melhorenvio):
    response = quote(client, serum_cart, "20040-002")
    assert response.status_code == 200
    assert response.json() == [
        {
            "method": "melhorenvio-3",
            "name": "Jadlog .Package",
            "price": "26.90",  # custom_price: the account's own price rules
            "currency": "BRL",
            "days_min": 6,
            "days_max": 7,
        },
        {
            "method": "melhorenvio-1",
            "name": "Correios PAC",
            "price": "28.63",
            "currency": "BRL",
            "days_min": 7,
            "days_max": 8,
        },
        {
            "method": "melhorenvio-2",
            "name": "Correios SEDEX",
            "price": "41.15",
            "currency": "BRL",
            "days_min": 2,
            "days_max": 3,
        },
    ]  # "Mini Envios" answered an error: not offered
    [sent] = melhorenvio.requests
    assert sent["headers"]["authorization"] == f"Bearer {ME_TOKEN}"
    assert sent["headers"]["user-agent"] == "Cosmeticos-co (tecnologia@cosmeticos.co)"
    assert sent["headers"]["accept"] == "application/json"
    assert sent["body"] == {
        "from": {"postal_code": "01304000"},
        "to": {"postal_code": "20040002"},
        "products": [
            # not weighed nor measured by catalog: the default weight and box
            {
                "id": "SERUM-30",
                "width": 11.0,
                "height": 4.0,
                "length": 16.0,
                "weight": 0.3,
                "insurance_value": 89.9,
                "quantity": 2,
            }
        ],
        "options": {"receipt": False, "own_hand": False},
    }


TABLE_PRICES = ["12.90", "22.90"]


@pytest.mark.parametrize(
    "failure",
    [
        (500, {"message": "Server Error"}),
        (401, {"message": "Unauthenticated."}),
        (422, {"message": "The given data was invalid.", "errors": {"to.postal_code": ["CEP inválido"]}}),
        (200, b"<html>maintenance</html>"),
        (200, {"message": "not a list"}),
        (200, [{"id": 1, "name": "PAC", "error": "Serviço indisponível para o trecho."}]),
    ],
)
def test_melhor_envio_errors_fall_back_to_the_table(client, serum_cart, melhorenvio, failure):
    melhorenvio.route("POST", CALCULATE, lambda headers, body: failure)
    response = quote(client, serum_cart)
    assert response.status_code == 200
    assert [(q["method"], q["price"]) for q in response.json()] == [("standard", "12.90"), ("express", "22.90")]
    assert len(melhorenvio.requests) == 1


def test_a_melhor_envio_timeout_falls_back_to_the_table(client, serum_cart, melhorenvio, settings):
    settings.MELHORENVIO_TIMEOUT_SECONDS = 0.2
    melhorenvio.delay_seconds = 1.0
    response = quote(client, serum_cart)
    assert [(q["method"], q["price"]) for q in response.json()] == [("standard", "12.90"), ("express", "22.90")]


def test_melhor_envio_unreachable_falls_back_to_the_table(client, serum_cart, melhorenvio, settings):
    melhorenvio.stop()
    response = quote(client, serum_cart)
    assert [q["method"] for q in response.json()] == ["standard", "express"]


# -- checkout ---------------------------------------------------------------------------------------------


def test_checkout_charges_the_chosen_method_and_the_order_keeps_it(client, serum_cart):
    response = place(client, serum_cart, key="ship-express", shipping_method="express")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["subtotal"], answer["shipping"], answer["total"]) == ("179.80", "22.90", "202.70")
    assert answer["shipping_method"] == {"method": "express", "name": "Entrega expressa", "days_min": 1, "days_max": 3}
    order = Order.objects.get()
    assert (order.shipping, order.shipping_method, order.shipping_days_min, order.shipping_days_max) == (
        Decimal("22.90"),
        "express",
        1,
        3,
    )
    assert order.payment_session.amount == Decimal("202.70")


def test_checkout_without_a_method_takes_the_cheapest(client, serum_cart):
    answer = place(client, serum_cart, key="ship-default").json()
    assert (answer["shipping"], answer["shipping_method"]["method"]) == ("12.90", "standard")


def test_checkout_with_a_method_the_fresh_quote_lacks_is_422_places_nothing_and_frees_the_key(client, serum_cart):
    response = place(client, serum_cart, key="ship-unknown", shipping_method="melhorenvio-2")
    assert response.status_code == 422
    assert response.json()["code"] == "shipping_method_unavailable"
    assert Order.objects.count() == 0 and IdempotencyKey.objects.count() == 0
    assert CartLine.objects.count() == 1


def test_checkout_with_a_melhor_envio_method_charges_its_fresh_price(client, serum_cart, melhorenvio):
    response = place(client, serum_cart, key="ship-me", shipping_method="melhorenvio-2")
    assert response.status_code == 201, response.content
    assert (response.json()["shipping"], response.json()["total"]) == ("41.15", "220.95")
    assert Order.objects.get().shipping_method_name == "Correios SEDEX"


def test_checkout_refuses_a_brazilian_address_whose_uf_is_not_the_ceps(client, serum_cart):
    response = place(client, serum_cart, key="ship-bad-uf", shipping_address={**ADDRESS, "state": "RJ"})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert (problem["loc"][-1], problem["type"]) == ("state", "state_postal_code_mismatch")
    assert Order.objects.count() == 0


def test_checkout_outside_brazil_is_422(client, serum_cart):
    foreign = {**ADDRESS, "country": "PT", "state": "Lisboa", "postal_code": "1200-203"}
    response = place(client, serum_cart, key="ship-pt", shipping_address=foreign)
    assert (response.status_code, response.json()["code"]) == (422, "shipping_country_unsupported")
    assert Order.objects.count() == 0


def test_a_quote_made_before_the_cart_changed_is_refused_under_the_lock(client, serum_cart):
    cart = Cart.objects.get()
    stale = shipping_quote_for(cart=cart, postal_code="01304-000", method="standard")
    assert add_line(client, serum_cart, "BATOM-RED", 1).status_code == 201  # between the quote and the lock
    # As checkout calls it: inside a transaction of its own, which the refusal rolls back whole.
    with pytest.raises(ShippingQuoteStale), transaction.atomic():
        checkout_place_order(
            cart=cart, user_id=None, email="a@example.com", shipping_address=ADDRESS, actor="guest", shipping=stale
        )
    assert Order.objects.count() == 0 and CartLine.objects.count() == 2


def test_a_waived_quote_ships_free_and_the_total_is_the_subtotal(client, serum_cart):
    """The hook a free-shipping promotion uses: the chosen method at R$ 0,00."""
    cart = Cart.objects.get()
    chosen = shipping_quote_for(cart=cart, postal_code="01304-000", method="express")
    free = shipping_quote_waive(chosen)
    assert (free.price, free.list_price, free.method) == (Decimal("0.00"), Decimal("22.90"), "express")
    order = checkout_place_order(
        cart=cart, user_id=None, email="a@example.com", shipping_address=ADDRESS, actor="guest", shipping=free
    )
    assert (order.subtotal, order.shipping, order.total, order.shipping_method) == (
        Decimal("179.80"),
        Decimal("0.00"),
        Decimal("179.80"),
        "express",
    )
