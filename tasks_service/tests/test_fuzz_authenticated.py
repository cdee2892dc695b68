"""Every operation of the tasks API, fuzzed with a shopper token and a staff token: never a 5xx."""

from __future__ import annotations

import pytest

from common.testing.fuzz import _keep_the_test_connection, assert_no_server_error, fuzz_settings, wsgi_schema  # noqa: F401
from common.testing.tokens import issue_access_token

pytestmark = pytest.mark.django_db

schema = wsgi_schema("/api/tasks/openapi.json")

SHOPPER = {"Authorization": f"Bearer {issue_access_token(user_id=41, email='ana@example.com')}"}
STAFF = {
    "Authorization": "Bearer "
    + issue_access_token(user_id=42, email="mara@cosmeticos.co", is_staff=True, groups=("Merchandiser",))
}


@schema.parametrize()
@fuzz_settings
def test_no_operation_answers_a_5xx_to_a_shopper_or_staff(case):
    assert_no_server_error(case, headers=SHOPPER, who="shopper")
    assert_no_server_error(case, headers=STAFF, who="staff")
