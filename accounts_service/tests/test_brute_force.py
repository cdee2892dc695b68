"""django-axes: 5 failed logins for one account from one client address within 15 minutes -> 429 for
15 minutes (API and admin); a per-client rate limit on login, registration and password reset."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt

from tests.conftest import PASSWORD, post

pytestmark = pytest.mark.django_db


def _fail(client, times: int, email: str = "ana@example.com", **headers):
    return [post(client, "token", {"email": email, "password": "wrong"}, **headers).status_code for _ in range(times)]


def test_four_failures_still_answer_401(client, user):
    assert _fail(client, 4) == [401, 401, 401, 401]
    assert post(client, "token", {"email": "ana@example.com", "password": PASSWORD}).status_code == 200


def test_the_fifth_failure_locks_the_account_with_429_even_for_the_right_password(client, user):
    assert _fail(client, 5) == [401, 401, 401, 401, 429]
    response = post(client, "token", {"email": "ana@example.com", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json() == {
        "detail": (
            "Muitas tentativas de login sem sucesso nesta conta a partir deste endereço; tente de novo em 15 minutos."
        ),
        "code": "too_many_requests",
    }
    assert response["Retry-After"] == "900"


def test_the_lock_is_per_account_and_client_address_so_nobody_locks_the_owner_out_from_elsewhere(client, user):
    assert _fail(client, 5, REMOTE_ADDR="203.0.113.66") == [401, 401, 401, 401, 429]
    from_attacker = post(
        client, "token", {"email": "ana@example.com", "password": PASSWORD}, REMOTE_ADDR="203.0.113.66"
    )
    assert from_attacker.status_code == 429
    from_owner = post(client, "token", {"email": "ana@example.com", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
    assert from_owner.status_code == 200


def test_the_client_address_comes_from_the_trusted_proxy_header_when_configured(client, user, settings):
    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    settings.TRUSTED_PROXY_COUNT = 1
    # Behind our proxy REMOTE_ADDR is always the proxy; the address it appended is the client's. A forged
    # first hop does not help the attacker: the proxy's entry (the last one) is what counts.
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        _fail(client, 1, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.66")
    locked = post(
        client,
        "token",
        {"email": "ana@example.com", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.66",
    )
    assert locked.status_code == 429
    owner = post(
        client,
        "token",
        {"email": "ana@example.com", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert owner.status_code == 200


def test_one_password_sprayed_over_many_accounts_from_one_client_meets_429_with_retry_after(client, make_user):
    for number in range(40):
        make_user(email=f"user{number}@example.com")
    statuses = [
        post(client, "token", {"email": f"user{n}@example.com", "password": "Verao2026!"}).status_code
        for n in range(40)
    ]
    assert statuses == [401] * 20 + [429] * 20
    refused = post(client, "token", {"email": "user0@example.com", "password": PASSWORD})
    assert (refused.status_code, refused.json()["code"]) == (429, "too_many_requests")
    assert 1 <= int(refused["Retry-After"]) <= 600
    other_client = post(client, "token", {"email": "user0@example.com", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    assert other_client.status_code == 200


def test_registration_and_password_reset_are_rate_limited_per_client(client, settings):
    settings.RATE_LIMITS = {"register": (2, 3600), "password_reset": (3, 3600), "password_reset_confirm": (1, 60)}
    register = [
        post(client, "register", {"email": f"n{n}@example.com", "password": PASSWORD, "full_name": "N"}).status_code
        for n in range(3)
    ]
    assert register == [201, 201, 429]
    assert [post(client, "password-reset", {"email": "x@example.com"}).status_code for _ in range(4)] == [
        202,
        202,
        202,
        429,
    ]
    confirm = {"uid": "MQ", "token": "x", "new_password": PASSWORD}
    assert [post(client, "password-reset/confirm", confirm).status_code for _ in range(2)] == [400, 429]


def test_the_email_case_does_not_dodge_the_lock(client, user):
    for email in ("ana@example.com", "ANA@example.com", "Ana@Example.com", "ana@EXAMPLE.com", "aNa@example.com"):
        _fail(client, 1, email=email)
    assert post(client, "token", {"email": "ana@example.com", "password": PASSWORD}).status_code == 429


def test_the_lock_ends_after_15_minutes(client, user):
    _fail(client, 5)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=15, seconds=1)
    )
    assert post(client, "token", {"email": "ana@example.com", "password": PASSWORD}).status_code == 200


def test_failures_older_than_15_minutes_do_not_count(client, user):
    _fail(client, 4)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert _fail(client, 1) == [401]


def test_a_successful_login_resets_the_count(client, user):
    _fail(client, 4)
    assert post(client, "token", {"email": "ana@example.com", "password": PASSWORD}).status_code == 200
    assert _fail(client, 4) == [401, 401, 401, 401]


def _admin_login(client, password: str):
    return client.post("/admin/login/?next=/admin/", {"username": "mara@example.com", "password": password})


def test_admin_login_is_locked_after_five_failures_with_429(client, make_user):
    make_user(email="mara@example.com", is_staff=True)
    statuses = [_admin_login(client, "wrong").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = _admin_login(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_admin_and_api_failures_count_together(client, make_user):
    make_user(email="mara@example.com", is_staff=True)
    [_admin_login(client, "wrong") for _ in range(3)]
    _fail(client, 2, email="mara@example.com")
    assert post(client, "token", {"email": "mara@example.com", "password": PASSWORD}).status_code == 429


def test_admin_login_works_for_staff_with_the_right_password(client, make_user):
    make_user(email="mara@example.com", is_staff=True)
    response = _admin_login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]
