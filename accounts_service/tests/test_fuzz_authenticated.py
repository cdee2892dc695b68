"""Every operation of the accounts API, fuzzed with a shopper token and a staff token: never a 5xx."""

from __future__ import annotations

import pytest

from accounts.tokens.services import tokens_for_user
from accounts.users.models import User
from common.testing.fuzz import _keep_the_test_connection, assert_no_server_error, fuzz_settings, wsgi_schema  # noqa: F401

pytestmark = pytest.mark.django_db

schema = wsgi_schema("/api/accounts/openapi.json")


@pytest.fixture
def headers() -> dict[str, dict[str, str]]:
    """Live accounts: accounts' own endpoints read the user row, so the tokens must name real users."""
    shopper = User.objects.create_user(email="fuzz-ana@example.com", password="correct horse battery staple")
    staff = User.objects.create_user(
        email="fuzz-sac@cosmeticos.co", password="correct horse battery staple", is_staff=True
    )
    return {
        "shopper": {"Authorization": f"Bearer {tokens_for_user(user=shopper).access}"},
        "staff": {"Authorization": f"Bearer {tokens_for_user(user=staff).access}"},
    }


@schema.parametrize()
@fuzz_settings
def test_no_operation_answers_a_5xx_to_a_shopper_or_staff(case, headers):
    assert_no_server_error(case, headers=headers["shopper"], who="shopper")
    assert_no_server_error(case, headers=headers["staff"], who="staff")
