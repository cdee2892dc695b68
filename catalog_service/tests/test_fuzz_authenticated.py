"""Every operation of the catalog API, fuzzed with a shopper token and a staff token: never a 5xx."""

from __future__ import annotations

import pytest

from common.auth.groups import MERCHANDISER_GROUP
from common.testing.fuzz import _keep_the_test_connection, no_server_error_test  # noqa: F401

pytestmark = pytest.mark.django_db

test_no_operation_answers_a_5xx_to_a_shopper_or_staff = no_server_error_test(
    "/api/catalog/openapi.json", staff_group=MERCHANDISER_GROUP
)


def test_a_nul_character_in_the_query_is_400_not_a_database_error(client):
    response = client.get("/api/catalog/stock?sku=A%00B")
    assert (response.status_code, response.json()["code"]) == (400, "invalid_characters")
