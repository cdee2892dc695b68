"""Every operation of the tasks API, fuzzed with a shopper token and a staff token: never a 5xx."""

from __future__ import annotations

import pytest

from common.auth.groups import MERCHANDISER_GROUP
from common.testing.fuzz import _keep_the_test_connection, no_server_error_test  # noqa: F401

pytestmark = pytest.mark.django_db

test_no_operation_answers_a_5xx_to_a_shopper_or_staff = no_server_error_test(
    "/api/tasks/openapi.json", staff_group=MERCHANDISER_GROUP
)
