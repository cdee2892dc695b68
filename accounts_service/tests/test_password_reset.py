"""password-reset (202 always, one-time link through the outbox) and password-reset/confirm (once, in time)."""

import uuid
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.tokens import default_token_generator
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken

from accounts.passwords.services import password_reset_url
from accounts.tokens.services import tokens_for_user
from common.events.testing import published
from common.sealing import unseal
from tests.conftest import PASSWORD, post

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new passphrase"


def _link(user) -> dict[str, str]:
    query = parse_qs(urlsplit(password_reset_url(user=user)).query)
    return {"uid": query["uid"][0], "token": query["token"][0]}


def _confirm(client, link: dict, new_password: str = NEW_PASSWORD):
    return post(client, "password-reset/confirm", {**link, "new_password": new_password})


def test_reset_for_a_known_email_answers_202_and_publishes_the_link(client, user, settings):
    settings.STOREFRONT_URL = "https://loja.cosmeticos.co/"
    response = post(client, "password-reset", {"email": "ANA@example.com"})
    assert response.status_code == 202
    assert response.content == b""
    [event] = published("accounts.password_reset_requested")
    assert event.key == str(user.pk)
    payload = event.payload
    assert (payload["user_id"], payload["email"], payload["full_name"]) == (user.pk, "ana@example.com", "Ana Souza")
    assert "reset_url" not in payload
    url = urlsplit(unseal(payload["reset_url_sealed"]))
    assert (url.scheme, url.netloc, url.path) == ("https", "loja.cosmeticos.co", "/reset-password")
    query = parse_qs(url.query)
    assert set(query) == {"uid", "token"}
    assert default_token_generator.check_token(user, query["token"][0])
    expires_at = datetime.fromisoformat(payload["expires_at"])
    assert timedelta(minutes=59) < expires_at - event.occurred_at <= timedelta(hours=1)


@pytest.mark.parametrize("email", ["nobody@example.com", "not-an-email"])
def test_reset_for_an_unknown_email_answers_the_same_202_and_publishes_nothing(client, user, email):
    response = post(client, "password-reset", {"email": email})
    assert response.status_code == 202
    assert response.content == b""
    assert published() == []


def test_a_second_reset_within_the_throttle_window_sends_no_second_email(client, make_user, settings):
    settings.PASSWORD_RESET_THROTTLE_SECONDS = 60
    email = f"throttle-{uuid.uuid4().hex}@example.com"  # the throttle lives in the cache, maybe Redis
    make_user(email=email)
    assert post(client, "password-reset", {"email": email}).status_code == 202
    assert post(client, "password-reset", {"email": email}).status_code == 202
    assert len(published("accounts.password_reset_requested")) == 1


def test_reset_for_a_deactivated_account_publishes_nothing(client, make_user):
    make_user(is_active=False)
    assert post(client, "password-reset", {"email": "ana@example.com"}).status_code == 202
    assert published() == []


def test_confirm_sets_the_new_password_and_answers_204(client, user):
    response = _confirm(client, _link(user))
    assert response.status_code == 204
    assert post(client, "token", {"email": "ana@example.com", "password": NEW_PASSWORD}).status_code == 200
    assert post(client, "token", {"email": "ana@example.com", "password": PASSWORD}).status_code == 401


def test_confirm_logs_the_user_out_everywhere(client, user):
    tokens_for_user(user=user)
    _confirm(client, _link(user))
    assert BlacklistedToken.objects.filter(token__user=user).count() == 1


def test_a_link_works_only_once(client, user):
    link = _link(user)
    assert _confirm(client, link).status_code == 204
    response = _confirm(client, link, new_password="yet another passphrase")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Este link de redefinição de senha é inválido ou expirou.",
        "code": "invalid_token",
    }
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_an_expired_link_is_400(client, user, settings, monkeypatch):
    issued_at = datetime.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)
    monkeypatch.setattr(default_token_generator, "_now", lambda: issued_at)
    link = _link(user)
    monkeypatch.undo()
    assert _confirm(client, link).json()["code"] == "invalid_token"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_link_still_in_time_works(client, user, settings, monkeypatch):
    issued_at = datetime.now() - timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT - 60)
    monkeypatch.setattr(default_token_generator, "_now", lambda: issued_at)
    link = _link(user)
    monkeypatch.undo()
    assert _confirm(client, link).status_code == 204


@pytest.mark.parametrize(
    "link",
    [{"uid": "garbage", "token": "x"}, {"uid": "OTk5", "token": "x"}, {"uid": "", "token": ""}],
    ids=["bad-uid", "unknown-user", "empty"],
)
def test_a_bad_uid_or_token_is_400_invalid_token(client, user, link):
    response = _confirm(client, link)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_token"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_another_users_token_does_not_work_for_this_uid(client, user, make_user):
    other = make_user(email="bia@example.com")
    link = {"uid": _link(user)["uid"], "token": _link(other)["token"]}
    assert _confirm(client, link).status_code == 400


def test_a_weak_new_password_is_422_and_keeps_the_link_usable(client, user):
    link = _link(user)
    response = _confirm(client, link, new_password="123")
    assert response.status_code == 422
    assert response.json()["code"] == "weak_password"
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert _confirm(client, link).status_code == 204
