"""The ``KnownUser`` read model fed by ``accounts.user_access_changed``, and the test token helpers."""

from __future__ import annotations

from datetime import timedelta

import jwt
import pytest

from common.auth.handlers import user_access_changed
from common.auth.known_users import known_access, known_user_emails_in_group
from common.auth.models import KnownUser
from common.events.contracts.accounts import UserAccessChanged
from common.events.testing import deliver, envelope_of
from common.testing.tokens import TEST_KID, auth_header, issue_access_token, jwks

pytestmark = pytest.mark.django_db

HANDLERS = {"accounts.user_access_changed": user_access_changed}


def _event(user_id: int = 7, **changes) -> UserAccessChanged:
    fields = {
        "user_id": user_id,
        "email": "mara@cosmeticos.co",
        "full_name": "Mara Dias",
        "is_active": True,
        "is_staff": True,
        "groups": ["Merchandiser"],
    }
    return UserAccessChanged(**{**fields, **changes})


def test_the_contract_is_registered_for_catalog_orders_and_tasks():
    assert (UserAccessChanged.TYPE, UserAccessChanged.VERSION, UserAccessChanged.PRODUCER) == (
        "accounts.user_access_changed",
        1,
        "accounts",
    )
    assert UserAccessChanged.CONSUMERS == ("catalog", "orders", "tasks")


def test_the_handler_stores_the_user(settings):
    assert deliver(_event(), handlers=HANDLERS) is True
    user = KnownUser.objects.get()
    assert (user.user_id, user.email, user.full_name, user.is_active, user.is_staff, user.groups) == (
        7,
        "mara@cosmeticos.co",
        "Mara Dias",
        True,
        True,
        ["Merchandiser"],
    )


def test_a_redelivered_event_changes_nothing():
    envelope = envelope_of(_event(), key="7")
    assert deliver(envelope, handlers=HANDLERS) is True
    assert deliver(envelope, handlers=HANDLERS) is False
    assert KnownUser.objects.count() == 1


def test_a_later_change_overwrites_an_earlier_one():
    deliver(_event(), handlers=HANDLERS)
    deliver(_event(is_active=False, groups=[]), handlers=HANDLERS)
    user = KnownUser.objects.get()
    assert (user.is_active, user.groups) == (False, [])


def test_an_older_event_arriving_late_does_not_overwrite_a_newer_one():
    newer = envelope_of(_event(is_active=False), key="7")
    older = envelope_of(_event(is_active=True), key="7")
    older = older.model_copy(update={"occurred_at": newer.occurred_at - timedelta(seconds=5)})
    deliver(newer, handlers=HANDLERS)
    deliver(older, handlers=HANDLERS)
    assert KnownUser.objects.get().is_active is False


def test_known_access_is_none_for_an_unknown_user_and_follows_the_handler():
    assert known_access(user_id=7) is None
    deliver(_event(is_active=False), handlers=HANDLERS)
    assert known_access(user_id=7).is_active is False


def test_known_access_is_read_from_the_shared_cache(django_assert_num_queries, redis_url):
    deliver(_event(), handlers=HANDLERS)
    with django_assert_num_queries(1):
        known_access(user_id=7)
        known_access(user_id=7)
        known_access(user_id=7)


def test_merchandiser_emails_are_the_active_members_sorted():
    deliver(_event(user_id=1, email="zeca@cosmeticos.co"), handlers=HANDLERS)
    deliver(_event(user_id=2, email="ana@cosmeticos.co"), handlers=HANDLERS)
    deliver(_event(user_id=3, email="old@cosmeticos.co", is_active=False), handlers=HANDLERS)
    deliver(_event(user_id=4, email="sac@cosmeticos.co", groups=["Customer support"]), handlers=HANDLERS)
    assert known_user_emails_in_group(group="Merchandiser") == ["ana@cosmeticos.co", "zeca@cosmeticos.co"]
    assert known_user_emails_in_group(group="Customer support") == ["sac@cosmeticos.co"]


def test_issue_access_token_makes_the_claims_accounts_makes(settings):
    token = issue_access_token(user_id=9, email="bia@example.com", is_staff=True, groups=("Merchandiser",))
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "kid": TEST_KID, "typ": "JWT"}
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 300
    assert {name: claims[name] for name in ("user_id", "email", "is_staff", "groups", "token_type", "iss", "aud")} == {
        "user_id": "9",
        "email": "bia@example.com",
        "is_staff": True,
        "groups": ["Merchandiser"],
        "token_type": "access",
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
    }


def test_overrides_replace_or_remove_claims():
    claims = jwt.decode(
        issue_access_token(aud="other", jti=None), options={"verify_signature": False, "verify_aud": False}
    )
    assert claims["aud"] == "other"
    assert "jti" not in claims


def test_auth_header_is_for_djangos_test_client():
    header = auth_header(user_id=3)
    assert list(header) == ["HTTP_AUTHORIZATION"]
    assert header["HTTP_AUTHORIZATION"].startswith("Bearer ey")


def test_the_plugin_points_settings_at_the_test_key(settings):
    assert jwks() == settings.JWT_JWKS


def test_a_deactivation_ends_the_local_admin_shadow_users_access():
    from django.contrib.auth import get_user_model

    from common.auth.backends import shadow_user_sync

    shadow_user_sync(email="mara@cosmeticos.co", is_staff=True, is_superuser=True, groups=("Merchandiser",))
    local = get_user_model().objects.create_user(username="local@cosmeticos.co", password="x" * 12, is_staff=True)
    deliver(_event(email="mara@cosmeticos.co", is_active=False, is_staff=False), handlers=HANDLERS)
    deliver(_event(user_id=8, email="local@cosmeticos.co", is_active=False), handlers=HANDLERS)
    shadow = get_user_model().objects.get(username="mara@cosmeticos.co")
    assert (shadow.is_active, shadow.is_staff, shadow.is_superuser) == (False, False, False)
    local.refresh_from_db()
    assert local.is_active is True  # a user with a local password is not a shadow: left alone


@pytest.mark.urls("tests.test_auth_remote")
def test_known_users_are_listed_read_only_in_the_admin(client, django_user_model):
    staff = django_user_model.objects.create_superuser(username="root", password="x" * 12, email="root@example.com")
    client.force_login(staff)
    deliver(_event(), handlers=HANDLERS)
    listing = client.get("/admin/common_auth/knownuser/?q=mara")
    assert listing.status_code == 200
    assert [user.email for user in listing.context["cl"].result_list] == ["mara@cosmeticos.co"]
    assert client.get("/admin/common_auth/knownuser/add/").status_code == 403
