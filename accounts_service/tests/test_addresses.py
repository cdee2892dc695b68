"""me/addresses: list, create and delete the caller's own addresses; someone else's is 404."""

import pytest

from accounts.addresses.models import Address
from accounts.addresses.services import MAX_ADDRESSES_PER_USER
from tests.conftest import bearer, post

pytestmark = pytest.mark.django_db

HOME = {
    "full_name": "Ana Souza",
    "line1": "Rua Augusta, 1500",
    "line2": "apto 42",
    "city": "São Paulo",
    "state": "SP",
    "postal_code": "01304-001",
    "country": "br",
    "phone": "+55 11 91234-5678",
}


def _create(client, user, body=HOME):
    return post(client, "me/addresses", body, **bearer(user))


def test_create_answers_201_with_the_address(client, user):
    response = _create(client, user)
    assert response.status_code == 201
    address = Address.objects.get()
    assert response.json() == {**HOME, "id": address.pk, "country": "BR"}
    assert address.user == user


def test_create_defaults_line2_phone_and_country(client, user):
    body = {key: HOME[key] for key in ("full_name", "line1", "city", "state", "postal_code")}
    response = _create(client, user, body)
    assert response.status_code == 201
    assert (response.json()["line2"], response.json()["phone"], response.json()["country"]) == ("", "", "BR")


def test_create_without_a_required_field_is_422_and_stores_nothing(client, user):
    body = {key: value for key, value in HOME.items() if key != "city"}
    assert _create(client, user, body).status_code == 422
    assert Address.objects.count() == 0


def test_create_beyond_the_limit_is_409(client, user):
    Address.objects.bulk_create(
        [Address(user=user, **{**HOME, "country": "BR"}) for _ in range(MAX_ADDRESSES_PER_USER)]
    )
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
