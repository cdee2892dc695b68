"""What ``common.auth`` fetches from accounts, against a real HTTP server on loopback.

- the JWKS: fetched once and cached, refetched on an unknown kid at most once per interval, kept
  through an outage, 503 when there is nothing to verify with;
- ``AccountsBackend``: admin single sign-on through accounts' token endpoint, with local shadow users.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib import admin
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import path

from common.api import ApiError
from common.auth.backends import AccountsBackend
from common.auth.errors import InvalidToken, KeysUnavailable
from common.auth.jwks import key_set
from common.auth.tokens import authenticate_access_token
from common.testing.tokens import access_claims, issue_access_token, jwks, public_jwk, signing_key

pytestmark = pytest.mark.django_db

urlpatterns = [path("admin/", admin.site.urls)]  # for the admin login test (pytest.mark.urls)


class FakeAccounts:
    """Routes ``path -> (status, json body)``; records each request path (and JSON body)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[int, dict]] = {}
        self.requests: list[tuple[str, dict | None]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: dict | None) -> None:
                fake.requests.append((self.path, body))
                status, payload = fake.routes.get(self.path, (404, {"detail": "Not found.", "code": "not_found"}))
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                self._answer(None)

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                self._answer(json.loads(self.rfile.read(length) or b"{}"))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)

    def fetches(self, path: str) -> int:
        return sum(1 for requested, _ in self.requests if requested == path)


@pytest.fixture
def accounts(settings):
    fake = FakeAccounts()
    fake.thread.start()
    settings.JWT_JWKS = None
    settings.ACCOUNTS_URL = fake.url
    settings.JWKS_URL = ""
    settings.JWKS_MIN_REFETCH_SECONDS = 30
    fake.routes["/.well-known/jwks.json"] = (200, jwks())
    key_set.clear()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


JWKS_PATH = "/.well-known/jwks.json"


def test_the_jwks_is_fetched_once_and_cached(accounts):
    assert authenticate_access_token(issue_access_token(user_id=5)).id == 5
    assert authenticate_access_token(issue_access_token(user_id=6)).id == 6
    assert accounts.fetches(JWKS_PATH) == 1


def test_jwks_url_setting_wins_over_accounts_url(accounts, settings):
    accounts.routes["/keys"] = (200, jwks())
    settings.JWKS_URL = f"{accounts.url}/keys"
    authenticate_access_token(issue_access_token())
    assert [path for path, _ in accounts.requests] == ["/keys"]


def test_an_unknown_kid_triggers_one_refetch_that_finds_a_rotated_key(accounts, settings):
    settings.JWKS_MIN_REFETCH_SECONDS = 0
    authenticate_access_token(issue_access_token())
    new_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    accounts.routes[JWKS_PATH] = (200, {"keys": [public_jwk(new_key, kid="new"), public_jwk()]})
    token = jwt.encode(access_claims(user_id=8), new_key, algorithm="RS256", headers={"kid": "new"})
    assert authenticate_access_token(token).id == 8
    assert accounts.fetches(JWKS_PATH) == 2


def test_refetches_for_unknown_kids_are_rate_limited(accounts):
    authenticate_access_token(issue_access_token())
    forged = [
        jwt.encode(access_claims(), signing_key(), algorithm="RS256", headers={"kid": f"forged-{n}"}) for n in range(5)
    ]
    for token in forged:
        with pytest.raises(InvalidToken):
            authenticate_access_token(token)
    assert accounts.fetches(JWKS_PATH) == 1


def test_keys_are_kept_through_an_accounts_outage(accounts, settings):
    settings.JWKS_MIN_REFETCH_SECONDS = 0
    settings.JWKS_CACHE_SECONDS = 0  # every call wants a fresh copy
    authenticate_access_token(issue_access_token())
    accounts.routes[JWKS_PATH] = (503, {"detail": "down", "code": "dependency_unavailable"})
    assert authenticate_access_token(issue_access_token(user_id=4)).id == 4
    assert accounts.fetches(JWKS_PATH) == 2


def test_no_keys_at_all_is_503_not_a_401(accounts):
    accounts.routes[JWKS_PATH] = (500, {"detail": "boom", "code": "internal_error"})
    with pytest.raises(KeysUnavailable) as caught:
        authenticate_access_token(issue_access_token())
    assert (caught.value.status, caught.value.code) == (503, "auth_unavailable")


def test_an_unreachable_accounts_is_503(settings):
    settings.JWT_JWKS = None
    settings.JWKS_URL = "http://127.0.0.1:9/.well-known/jwks.json"  # discard port: connection refused
    key_set.clear()
    with pytest.raises(KeysUnavailable):
        authenticate_access_token(issue_access_token())


def test_non_rsa_or_kidless_keys_in_the_jwks_are_ignored(accounts):
    accounts.routes[JWKS_PATH] = (
        200,
        {"keys": [{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}, public_jwk()]},
    )
    hmac_token = jwt.encode(
        access_claims(), "secret-secret-secret-secret-secret", algorithm="HS256", headers={"kid": "hmac"}
    )
    with pytest.raises(ApiError):
        authenticate_access_token(hmac_token)
    assert authenticate_access_token(issue_access_token()).id == 1


# Admin single sign-on -------------------------------------------------------------------------------

TOKEN_PATH = "/api/accounts/token"


@pytest.fixture(autouse=True)
def _sso_backend(settings):
    """What a service's settings add for admin single sign-on."""
    settings.AUTHENTICATION_BACKENDS = ["common.auth.backends.AccountsBackend"]


def _accounts_answers_tokens(accounts, **claims) -> None:
    accounts.routes[TOKEN_PATH] = (200, {"access": issue_access_token(**claims), "refresh": "unused"})


def test_sso_creates_a_staff_shadow_user_with_the_tokens_groups(accounts):
    _accounts_answers_tokens(accounts, user_id=3, email="mara@cosmeticos.co", is_staff=True, groups=("Merchandiser",))
    user = authenticate(None, username="Mara@Cosmeticos.co", password="s3cret-pass")
    assert accounts.requests[0] == (TOKEN_PATH, {"email": "mara@cosmeticos.co", "password": "s3cret-pass"})
    assert (user.username, user.email, user.is_staff, user.is_superuser) == (
        "mara@cosmeticos.co",
        "mara@cosmeticos.co",
        True,
        False,
    )
    assert list(user.groups.values_list("name", flat=True)) == ["Merchandiser"]
    assert user.has_usable_password() is False
    assert user.backend == "common.auth.backends.AccountsBackend"


def test_sso_updates_the_shadow_user_on_the_next_login(accounts):
    _accounts_answers_tokens(accounts, email="mara@cosmeticos.co", is_staff=True, groups=("Merchandiser",))
    authenticate(None, username="mara@cosmeticos.co", password="p")
    _accounts_answers_tokens(accounts, email="mara@cosmeticos.co", is_staff=True, groups=("Customer support",))
    user = authenticate(None, username="mara@cosmeticos.co", password="p")
    assert get_user_model().objects.count() == 1
    assert list(user.groups.values_list("name", flat=True)) == ["Customer support"]
    assert sorted(Group.objects.values_list("name", flat=True)) == ["Customer support", "Merchandiser"]


def test_sso_makes_a_superuser_when_accounts_says_so(accounts):
    _accounts_answers_tokens(accounts, email="root@cosmeticos.co", is_staff=True, is_superuser=True)
    assert authenticate(None, username="root@cosmeticos.co", password="p").is_superuser is True


def test_sso_refuses_wrong_credentials_and_creates_no_user(accounts):
    accounts.routes[TOKEN_PATH] = (401, {"detail": "No.", "code": "invalid_credentials"})
    assert authenticate(None, username="mara@cosmeticos.co", password="wrong") is None
    assert get_user_model().objects.count() == 0


def test_sso_refuses_a_token_it_cannot_verify(accounts):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(access_claims(is_staff=True), other_key, algorithm="RS256", headers={"kid": "test-signing-key"})
    accounts.routes[TOKEN_PATH] = (200, {"access": forged, "refresh": "x"})
    assert authenticate(None, username="ana@example.com", password="p") is None
    assert get_user_model().objects.count() == 0


def test_sso_passes_on_accounts_lockout(accounts):
    accounts.routes[TOKEN_PATH] = (429, {"detail": "Locked.", "code": "too_many_requests"})
    with pytest.raises(PermissionDenied):
        AccountsBackend().authenticate(None, username="ana@example.com", password="p")


def test_sso_with_accounts_down_refuses_the_login(settings):
    settings.ACCOUNTS_URL = "http://127.0.0.1:9"
    assert AccountsBackend().authenticate(None, username="ana@example.com", password="p") is None


@pytest.mark.urls(__name__)
def test_the_admin_login_page_signs_in_through_accounts(accounts, client):
    _accounts_answers_tokens(accounts, email="mara@cosmeticos.co", is_staff=True)
    response = client.post("/admin/login/", {"username": "mara@cosmeticos.co", "password": "p"})
    assert response.status_code == 302
    assert client.session["_auth_user_backend"] == "common.auth.backends.AccountsBackend"
