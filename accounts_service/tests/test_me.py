"""GET / PATCH me: the caller's own profile, behind an access token checked against the live user row."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.tokens.signing import AccountsAccessToken
from common.events.testing import published
from tests.conftest import patch

pytestmark = pytest.mark.django_db


def test_me_answers_the_callers_profile(client, user, auth):
    response = client.get("/api/accounts/me", **auth)
    assert response.status_code == 200
    assert response.json() == {"id": user.pk, "email": "ana@example.com", "full_name": "Ana Souza", "is_staff": False}


def test_me_without_a_token_is_401(client):
    response = client.get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_me_with_a_garbage_token_is_401_invalid_token(client):
    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION="Bearer garbage")
    assert response.status_code == 401
    assert response.json() == {"detail": "O token de acesso é inválido.", "code": "invalid_token"}


def test_me_with_an_expired_token_is_401_token_expired(client, user):
    token = AccountsAccessToken.for_user(user)
    token.set_exp(from_time=timezone.now() - timedelta(minutes=10))
    response = client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_me_refuses_a_deactivated_users_token(client, user, auth):
    user.is_active = False
    user.save()
    response = client.get("/api/accounts/me", **auth)
    assert response.status_code == 401
    assert response.json()["code"] == "user_inactive"


def test_me_refuses_a_refresh_token_as_bearer(client, user):
    from accounts.tokens.services import tokens_for_user

    refresh = tokens_for_user(user=user).refresh
    assert client.get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {refresh}").status_code == 401


def test_patch_me_changes_the_full_name_and_announces_it(client, user, auth):
    response = patch(client, "me", {"full_name": "Ana Souza Lima"}, **auth)
    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": "ana@example.com",
        "full_name": "Ana Souza Lima",
        "is_staff": False,
    }
    user.refresh_from_db()
    assert user.full_name == "Ana Souza Lima"
    [event] = published("accounts.user_access_changed")
    assert event.payload["full_name"] == "Ana Souza Lima"


def test_patch_me_with_the_same_name_announces_nothing(client, user, auth):
    patch(client, "me", {"full_name": "Ana Souza"}, **auth)
    assert published() == []


def test_patch_me_without_a_token_is_401_and_changes_nothing(client, user):
    assert patch(client, "me", {"full_name": "Intruder"}).status_code == 401
    user.refresh_from_db()
    assert user.full_name == "Ana Souza"


def test_patch_me_with_a_too_long_name_is_422(client, user, auth):
    assert patch(client, "me", {"full_name": "x" * 151}, **auth).status_code == 422
    user.refresh_from_db()
    assert user.full_name == "Ana Souza"
