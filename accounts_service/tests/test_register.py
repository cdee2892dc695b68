"""POST register: 201, 409 email_taken, 422 weak password; events for the welcome email and other services."""

import pytest

from accounts.users.models import User
from common.events.testing import published
from tests.conftest import PASSWORD, post

pytestmark = pytest.mark.django_db


def test_register_creates_the_account_and_answers_201(client):
    response = post(client, "register", {"email": "Bia@Example.COM", "password": PASSWORD, "full_name": " Bia Lima "})
    assert response.status_code == 201
    user = User.objects.get()
    assert response.json() == {"id": user.pk, "email": "bia@example.com", "full_name": "Bia Lima"}
    assert user.check_password(PASSWORD)
    assert (user.is_staff, user.is_active, user.is_superuser) == (False, True, False)


def test_register_publishes_user_registered_and_user_access_changed(client):
    post(client, "register", {"email": "bia@example.com", "password": PASSWORD, "full_name": "Bia Lima"})
    user = User.objects.get()
    [registered] = published("accounts.user_registered")
    assert registered.key == str(user.pk)
    assert registered.payload == {"user_id": user.pk, "email": "bia@example.com", "full_name": "Bia Lima"}
    [access] = published("accounts.user_access_changed")
    assert access.payload == {
        "user_id": user.pk,
        "email": "bia@example.com",
        "full_name": "Bia Lima",
        "is_active": True,
        "is_staff": False,
        "groups": [],
    }


def test_register_with_a_taken_email_is_409_whatever_its_case(client, user):
    response = post(client, "register", {"email": "ANA@example.com", "password": PASSWORD, "full_name": "Other"})
    assert response.status_code == 409
    assert response.json() == {"detail": "Já existe uma conta com este e-mail.", "code": "email_taken"}
    assert User.objects.count() == 1
    assert published() == []


@pytest.mark.parametrize(
    "password",
    ["short1", "12345678901", "password123", "bia@example.com"],
    ids=["too-short", "numeric", "common", "similar-to-email"],
)
def test_register_with_a_weak_password_is_422_and_creates_nothing(client, password):
    response = post(client, "register", {"email": "bia@example.com", "password": password, "full_name": "Bia"})
    assert response.status_code == 422
    assert response.json()["code"] == "weak_password"
    assert User.objects.count() == 0
    assert published() == []


def test_weak_password_detail_carries_djangos_messages(client):
    response = post(client, "register", {"email": "bia@example.com", "password": "123", "full_name": "Bia"})
    assert "Esta senha é muito curta. Ela precisa conter pelo menos 8 caracteres." in response.json()["detail"]
    assert "Esta senha é inteiramente numérica." in response.json()["detail"]


def test_register_with_an_invalid_email_is_422(client):
    response = post(client, "register", {"email": "not-an-email", "password": PASSWORD, "full_name": "Bia"})
    assert response.status_code == 422
    assert response.json() == {"detail": "Informe um endereço de e-mail válido.", "code": "invalid_email"}
    assert User.objects.count() == 0


def test_register_without_a_field_is_422_validation_error(client):
    response = post(client, "register", {"email": "bia@example.com", "password": PASSWORD})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert User.objects.count() == 0
