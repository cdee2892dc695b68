"""A signed-in shopper checks out with a saved address (``address_id``): orders reads it from accounts'
``GET me/addresses/{id}`` with the shopper's own token (a local server answering as accounts does)."""

import pytest

from common.testing.tokens import auth_header
from orders.checkout.models import IdempotencyKey
from orders.orders.models import Order
from tests.conftest import ADDRESS, CHECKOUT, add_line
from tests.stub_server import StubServer

pytestmark = pytest.mark.django_db

SAVED = {
    "id": 7,
    "full_name": "Carla Dias",
    "line1": "Av. Sete de Setembro",
    "number": "1500",
    "line2": "sala 3",
    "neighborhood": "Centro",
    "city": "Salvador",
    "state": "BA",
    "postal_code": "40060-001",
    "country": "BR",
    "phone": "+5571991234567",
}


@pytest.fixture
def shopper():
    return auth_header(user_id=41, email="carla@example.com")


@pytest.fixture
def accounts(settings, shopper):
    """Accounts' address book: address 7 is the shopper's, 8 someone else's (404, as accounts answers)."""
    stub = StubServer().start()
    settings.ACCOUNTS_URL = stub.url
    settings.ORDERS_ACCOUNTS_TIMEOUT_SECONDS = 0.5

    def own(address):
        def answer(headers, body):
            if headers.get("authorization") != shopper["HTTP_AUTHORIZATION"]:
                return 401, {"detail": "Authentication credentials were not provided or are invalid.", "code": "x"}
            return (200, address) if address else (404, {"detail": "Address not found.", "code": "not_found"})

        return answer

    stub.route("GET", "/api/accounts/me/addresses/7", own(SAVED))
    stub.route("GET", "/api/accounts/me/addresses/8", own(None))
    stub.route("GET", "/api/accounts/me/addresses/9", own({**SAVED, "id": 9, "neighborhood": ""}))
    yield stub
    stub.stop()


@pytest.fixture
def shopper_cart(client, catalog, shopper):
    assert add_line(client, shopper, "SERUM-30", 1).status_code == 201
    return shopper


def place(client, headers, *, key, **body):
    return client.post(CHECKOUT, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers)


def test_a_signed_in_shopper_checks_out_with_a_saved_address(client, accounts, shopper_cart):
    response = place(client, shopper_cart, key="saved-7", address_id=7, shipping_method="standard")
    assert response.status_code == 201, response.content
    answer = response.json()
    expected = {key: value for key, value in SAVED.items() if key != "id"}
    assert answer["shipping_address"] == expected
    # Salvador (BA, Nordeste), up to 1 kg
    assert (answer["shipping"], answer["total"], answer["shipping_method"]["days_max"]) == ("21.90", "111.80", 12)
    assert Order.objects.get().shipping_address == expected
    [read] = accounts.requests
    assert (read["method"], read["path"]) == ("GET", "/api/accounts/me/addresses/7")
    assert read["headers"]["authorization"] == shopper_cart["HTTP_AUTHORIZATION"]


def test_someone_elses_or_an_unknown_address_id_is_404_and_places_nothing(client, accounts, shopper_cart):
    response = place(client, shopper_cart, key="saved-8", address_id=8)
    assert response.status_code == 404
    assert response.json() == {"detail": "Endereço salvo não encontrado na sua conta.", "code": "address_not_found"}
    assert Order.objects.count() == 0 and IdempotencyKey.objects.count() == 0


def test_a_saved_address_without_a_neighborhood_is_422(client, accounts, shopper_cart):
    response = place(client, shopper_cart, key="saved-9", address_id=9)
    assert response.status_code == 422
    assert response.json() == {
        "detail": "O endereço salvo está incompleto: Informe o bairro. Corrija-o na sua conta ou informe o endereço.",
        "code": "saved_address_neighborhood_required",
    }
    assert Order.objects.count() == 0


def test_a_guest_cannot_check_out_with_an_address_id(client, catalog, accounts):
    cart = client.post("/api/orders/cart").json()
    headers = {"HTTP_X_CART_TOKEN": cart["token"]}
    add_line(client, headers, "SERUM-30", 1)
    response = place(client, headers, key="guest-saved", email="g@example.com", address_id=7)
    assert (response.status_code, response.json()["code"]) == (422, "address_id_needs_sign_in")
    assert accounts.requests == [] and Order.objects.count() == 0


def test_accounts_too_slow_is_503_and_places_nothing(client, accounts, shopper_cart, settings):
    settings.ORDERS_ACCOUNTS_TIMEOUT_SECONDS = 0.2
    accounts.delay_seconds = 1.0
    response = place(client, shopper_cart, key="saved-slow", address_id=7)
    assert (response.status_code, response.json()["code"]) == (503, "accounts_unavailable")
    assert Order.objects.count() == 0 and IdempotencyKey.objects.count() == 0


def test_accounts_down_is_503(client, accounts, shopper_cart):
    accounts.stop()
    response = place(client, shopper_cart, key="saved-down", address_id=7)
    assert (response.status_code, response.json()["code"]) == (503, "accounts_unavailable")


@pytest.mark.parametrize("body", [{}, {"address_id": 7, "shipping_address": ADDRESS}])
def test_exactly_one_of_address_and_address_id_is_required(client, accounts, shopper_cart, body):
    response = place(client, shopper_cart, key="saved-none", **body)
    assert response.status_code == 422
    assert [problem["type"] for problem in response.json()["detail"]] == ["address_required"]
    assert accounts.requests == [] and Order.objects.count() == 0
