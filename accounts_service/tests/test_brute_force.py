"""django-axes: 5 failed logins for one account within 15 minutes -> 429 for 15 minutes (API and admin)."""

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
        "detail": "Too many failed logins for this account; try again in 15 minutes.",
        "code": "too_many_requests",
    }
    assert response["Retry-After"] == "900"


def test_the_lock_is_per_account_whatever_the_ip(client, user, make_user):
    make_user(email="bia@example.com")
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"):
        _fail(client, 1, REMOTE_ADDR=address)
    assert post(client, "token", {"email": "ana@example.com", "password": PASSWORD}).status_code == 429
    assert post(client, "token", {"email": "bia@example.com", "password": PASSWORD}).status_code == 200


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
