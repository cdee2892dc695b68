"""Every operation of the orders API, fuzzed with a shopper token and a staff token: never a 5xx."""

from __future__ import annotations

import pytest

from common.auth.groups import CUSTOMER_SUPPORT_GROUP
from common.testing.fuzz import _keep_the_test_connection, no_server_error_test  # noqa: F401

pytestmark = pytest.mark.django_db

test_no_operation_answers_a_5xx_to_a_shopper_or_staff = no_server_error_test(
    "/api/orders/openapi.json", staff_group=CUSTOMER_SUPPORT_GROUP
)
