"""Fixtures of the accounts tests: a fast password hasher, a per-run signing key, users and tokens."""

from __future__ import annotations

import json

import pytest

from accounts.tokens.services import tokens_for_user
from accounts.users.models import User

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def signing_key_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("jwt")


@pytest.fixture(autouse=True)
def _accounts_test_settings(settings, signing_key_dir):
    """MD5 keeps login tests cheap (real settings keep Argon2 first: see test_settings.py)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.JWT_PRIVATE_KEY = ""
    settings.JWT_PRIVATE_KEY_PATH = str(signing_key_dir / "signing.pem")
    settings.JWT_RETIRED_KEYS_PATH = str(signing_key_dir / "retired.json")
    settings.JWT_NEXT_KEY_PATH = str(signing_key_dir / "next.pem")
    settings.PASSWORD_RESET_THROTTLE_SECONDS = 0  # the throttle's own test turns it on


@pytest.fixture
def make_user(db):
    def make(email: str = "ana@example.com", password: str = PASSWORD, full_name: str = "Ana Souza", **fields) -> User:
        return User.objects.create_user(email=email, password=password, full_name=full_name, **fields)

    return make


@pytest.fixture
def user(make_user) -> User:
    return make_user()


@pytest.fixture
def auth(user) -> dict[str, str]:
    """The Authorization header of ``user`` for Django's test client."""
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens_for_user(user=user).access}"}


def bearer(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {tokens_for_user(user=user).access}"}


def post(client, path: str, body: dict | None = None, **headers):
    return client.post(f"/api/accounts/{path}", json.dumps(body or {}), content_type="application/json", **headers)


def patch(client, path: str, body: dict, **headers):
    return client.patch(f"/api/accounts/{path}", json.dumps(body), content_type="application/json", **headers)
