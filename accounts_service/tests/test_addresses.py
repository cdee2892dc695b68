"""me/addresses: list, create and delete the caller's own addresses; someone else's is 404."""

import pytest

from accounts.addresses.models import Address
from accounts.addresses.services import MAX_ADDRESSES_PER_USER
from tests.conftest import bearer, post

pytestmark = pytest.mark.django_db

HOME = {
    "full_name": "Ana Souza",
    "line1": "Rua Augusta",
    "number": "1500",
    "line2": "apto 42",
    "neighborhood": "Consolação",
    "city": "São Paulo",
    "state": "SP",
    "postal_code": "01304-001",
    "country": "br",
    "phone": "+55 11 91234-5678",
}
# What the book keeps of HOME: country upper case, the phone in E.164.
HOME_STORED = {**HOME, "country": "BR", "phone": "+5511912345678"}


def _create(client, user, body=HOME):
    return post(client, "me/addresses", body, **bearer(user))


def test_create_answers_201_with_the_address(client, user):
    response = _create(client, user)
    assert response.status_code == 201
    address = Address.objects.get()
    assert response.json() == {**HOME_STORED, "id": address.pk}
    assert address.user == user


def test_create_defaults_line2_phone_and_country(client, user):
    body = {key: HOME[key] for key in ("full_name", "line1", "number", "neighborhood", "city", "state", "postal_code")}
    response = _create(client, user, body)
    assert response.status_code == 201
    assert (response.json()["line2"], response.json()["phone"], response.json()["country"]) == ("", "", "BR")


def test_create_without_a_required_field_is_422_and_stores_nothing(client, user):
    body = {key: value for key, value in HOME.items() if key != "city"}
    assert _create(client, user, body).status_code == 422
    assert Address.objects.count() == 0


def test_create_beyond_the_limit_is_409(client, user):
    Address.objects.bulk_create([Address(user=user, **HOME_STORED) for _ in range(MAX_ADDRESSES_PER_USER)])
    response = _create(client, user)
    assert response.status_code == 409
    assert response.json()["code"] == "too_many_addresses"
    assert Address.objects.count() == MAX_ADDRESSES_PER_USER


def test_list_answers_only_the_callers_addresses_newest_first(client, user, make_user):
    other = make_user(email="bia@example.com")
    first = _create(client, user).json()
    _create(client, other, {**HOME, "full_name": "Bia"})
    second = _create(client, user, {**HOME, "line1": "Av. Paulista, 900"}).json()
    response = client.get("/api/accounts/me/addresses", **bearer(user))
    assert response.status_code == 200
    assert response.json() == {"items": [second, first], "count": 2, "page": 1, "pages": 1}


def test_list_is_paginated(client, user):
    for number in range(3):
        _create(client, user, {**HOME, "line1": f"Rua {number}"})
    response = client.get("/api/accounts/me/addresses?page=2&page_size=2", **bearer(user))
    body = response.json()
    assert (body["count"], body["page"], body["pages"]) == (3, 2, 2)
    assert [item["line1"] for item in body["items"]] == ["Rua 0"]


def test_list_takes_a_constant_number_of_queries(client, user, django_assert_num_queries):
    for number in range(5):
        _create(client, user, {**HOME, "line1": f"Rua {number}"})
    header = bearer(user)
    with django_assert_num_queries(3):  # the user, the count, the page
        client.get("/api/accounts/me/addresses", **header)


def test_delete_removes_the_callers_address(client, user):
    address_id = _create(client, user).json()["id"]
    response = client.delete(f"/api/accounts/me/addresses/{address_id}", **bearer(user))
    assert response.status_code == 204
    assert Address.objects.count() == 0


def test_delete_of_someone_elses_address_is_404_and_keeps_it(client, user, make_user):
    other = make_user(email="bia@example.com")
    address_id = _create(client, other).json()["id"]
    response = client.delete(f"/api/accounts/me/addresses/{address_id}", **bearer(user))
    assert response.status_code == 404
    assert response.json() == {"detail": "Endereço não encontrado.", "code": "not_found"}
    assert Address.objects.filter(pk=address_id).exists()


def test_delete_of_an_unknown_address_is_404(client, user):
    assert client.delete("/api/accounts/me/addresses/999", **bearer(user)).status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/accounts/me/addresses"),
        ("post", "/api/accounts/me/addresses"),
        ("delete", "/api/accounts/me/addresses/1"),
    ],
)
def test_addresses_need_a_token(client, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_the_address_book_stores_what_the_shared_address_schema_accepts():
    """One set of limits (common.addresses): the columns hold exactly what the schema lets through."""
    from common.addresses import AddressIn

    for name, field in AddressIn.model_fields.items():
        limit = next(rule.max_length for rule in field.metadata if hasattr(rule, "max_length"))
        assert Address._meta.get_field(name).max_length == limit, name


def test_create_normalises_the_cep_the_uf_and_the_phone(client, user):
    body = {**HOME, "postal_code": " 01304001 ", "state": "sp", "phone": "(11) 3333-4444"}
    response = _create(client, user, body)
    assert response.status_code == 201
    address = Address.objects.get()
    assert (address.postal_code, address.state, address.phone) == ("01304-001", "SP", "+551133334444")


BAD_CEP = "CEP inválido: informe 8 dígitos, como 01304-000."


@pytest.mark.parametrize(
    ("change", "field", "code", "message"),
    [
        ({"postal_code": "123"}, "postal_code", "postal_code_invalid", BAD_CEP),
        ({"postal_code": "0130400a"}, "postal_code", "postal_code_invalid", BAD_CEP),
        ({"postal_code": "00500-000"}, "postal_code", "postal_code_invalid", BAD_CEP),
        ({"state": "XX"}, "state", "state_invalid", "UF inválida: use a sigla de um dos 27 estados, como SP."),
        (
            {"state": "RJ"},
            "state",
            "state_postal_code_mismatch",
            "O CEP 01304-001 é de SP, não de RJ: confira o CEP e a UF.",
        ),
        ({"phone": "abc"}, "phone", "phone_invalid", "Telefone inválido: informe DDD e número, como (11) 91234-5678."),
        ({"number": ""}, "number", "number_required", 'Informe o número (ou "S/N" se não houver).'),
        ({"neighborhood": " "}, "neighborhood", "neighborhood_required", "Informe o bairro."),
    ],
)
def test_create_refuses_a_brazilian_address_that_breaks_a_rule_with_422_and_stores_nothing(
    client, user, change, field, code, message
):
    response = _create(client, user, {**HOME, **change})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert [(problem["loc"][-1], problem["type"], problem["msg"]) for problem in body["detail"]] == [
        (field, code, message)
    ]
    assert Address.objects.count() == 0


def test_a_foreign_address_needs_no_cep_number_or_neighborhood(client, user):
    body = {
        "full_name": "Ana Souza",
        "line1": "Rua Garrett 19",
        "city": "Lisboa",
        "state": "Lisboa",
        "postal_code": "1200-203",
        "country": "PT",
        "phone": "+351 21 000 0000",
    }
    response = _create(client, user, body)
    assert response.status_code == 201
    assert (response.json()["postal_code"], response.json()["phone"]) == ("1200-203", "+351 21 000 0000")


def test_get_answers_the_callers_address_by_id(client, user):
    created = _create(client, user).json()
    response = client.get(f"/api/accounts/me/addresses/{created['id']}", **bearer(user))
    assert response.status_code == 200
    assert response.json() == created


def test_get_of_someone_elses_address_is_404(client, user, make_user):
    other = make_user(email="bia@example.com")
    address_id = _create(client, other).json()["id"]
    response = client.get(f"/api/accounts/me/addresses/{address_id}", **bearer(user))
    assert response.status_code == 404
    assert response.json() == {"detail": "Endereço não encontrado.", "code": "not_found"}


def test_get_of_an_id_beyond_the_column_is_404_not_500(client, user):
    assert client.get(f"/api/accounts/me/addresses/{2**64}", **bearer(user)).status_code == 404
