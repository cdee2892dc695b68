"""The one sign-in, an admin's side (``common.auth.sso``), against a real HTTP server standing in for
accounts: the login page sends the browser to accounts, the callback redeems the ticket once and signs
the shadow user in, every request asks whether the sign-on is still open, and signing out ends it."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import path

from common.auth.jwks import key_set
from common.auth.sso import SESSION_KEY
from common.testing.tokens import issue_access_token, jwks
from common.urls import admin_sign_on_urlpatterns
from tests.test_auth_remote import FakeAccounts

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

urlpatterns = [*admin_sign_on_urlpatterns("commontest"), path("admin/", admin.site.urls)]

REDEEM = "/api/accounts/sso/tickets/redeem"


@pytest.fixture
def accounts(settings):
    """A loopback HTTP server answering as accounts does (its JWKS, and the routes a test sets)."""
    fake = FakeAccounts()
    fake.thread.start()
    settings.ACCOUNTS_URL, settings.JWKS_URL, settings.JWT_JWKS = fake.url, "", None
    fake.routes["/.well-known/jwks.json"] = (200, jwks())
    key_set.clear()
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture(autouse=True)
def _sso_backend(settings):
    """What a service's settings say (its shadow users come through ``AccountsBackend``)."""
    settings.AUTHENTICATION_BACKENDS = ["common.auth.backends.AccountsBackend"]


def _accounts_redeems(accounts, sid: str = "sid-1", **claims) -> None:
    claims = {"email": "mara@cosmeticos.co", "is_staff": True, "groups": ("Merchandiser",), **claims}
    accounts.routes[REDEEM] = (
        200,
        {"sid": sid, "access": issue_access_token(**claims), "expires_at": "2026-12-02T00:00:00Z"},
    )
    accounts.routes[f"/api/accounts/sso/sessions/{sid}"] = (200, {"active": True})


def test_the_login_page_sends_the_browser_to_accounts_authorize_page(client, settings):
    settings.SSO_ADMIN_URLS = {**settings.SSO_ADMIN_URLS, "accounts": "https://contas.cosmeticos.co"}
    response = client.get("/admin/login/?next=/admin/products/")
    assert response.status_code == 302
    assert response["Location"] == (
        "https://contas.cosmeticos.co/admin/sso/authorize?service=commontest&next=%2Fadmin%2Fproducts%2F"
    )


def test_the_callback_redeems_the_ticket_and_signs_the_shadow_user_in(accounts, client):
    _accounts_redeems(accounts)
    response = client.get("/admin/sso/callback?ticket=t-1&next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert accounts.requests[0] == (REDEEM, {"ticket": "t-1", "service": "commontest"})
    user = get_user_model().objects.get()
    assert (user.username, user.is_staff, user.has_usable_password()) == ("mara@cosmeticos.co", True, False)
    assert list(user.groups.values_list("name", flat=True)) == ["Merchandiser"]
    assert client.session[SESSION_KEY] == "sid-1"
    assert client.get("/admin/").status_code == 200


def test_a_refused_ticket_signs_nobody_in(accounts, client):
    accounts.routes[REDEEM] = (400, {"detail": "Nope.", "code": "invalid_ticket"})
    response = client.get("/admin/sso/callback?ticket=used&next=/admin/")
    assert response.status_code == 400
    assert get_user_model().objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_the_callback_never_redirects_off_this_admin(accounts, client):
    _accounts_redeems(accounts)
    response = client.get("/admin/sso/callback?ticket=t-1&next=https://evil.example/admin/")
    assert response["Location"] == "/admin/"


def test_a_sign_on_ended_elsewhere_signs_this_admin_out_on_the_next_request(accounts, client):
    _accounts_redeems(accounts)
    client.get("/admin/sso/callback?ticket=t-1&next=/admin/")
    assert client.get("/admin/").status_code == 200
    accounts.routes["/api/accounts/sso/sessions/sid-1"] = (200, {"active": False})
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session


def test_signing_out_ends_the_sign_on_at_accounts_and_goes_to_its_login_page(accounts, client, settings):
    _accounts_redeems(accounts)
    client.get("/admin/sso/callback?ticket=t-1&next=/admin/")
    response = client.post("/admin/logout/")
    assert ("/api/accounts/sso/sessions/sid-1/end", {}) in accounts.requests
    assert response.status_code == 302
    assert response["Location"].startswith(f"{settings.SSO_ADMIN_URLS['accounts']}/admin/login/?next=")
    assert "_auth_user_id" not in client.session


def test_with_accounts_unreachable_a_signed_in_session_is_signed_out(accounts, client, settings):
    _accounts_redeems(accounts)
    client.get("/admin/sso/callback?ticket=t-1&next=/admin/")
    settings.ACCOUNTS_URL = "http://127.0.0.1:9"
    assert client.get("/admin/").status_code == 302
