"""Every operation's answers against the service's own OpenAPI document (schemathesis)."""

import pytest

from common.testing.openapi import schema_conformance_failures
from common.testing.tokens import issue_access_token
from tests.conftest import cart_headers, new_cart

pytestmark = pytest.mark.django_db


def test_every_answer_conforms_to_the_openapi_document(client, guest_order):
    token = new_cart(client)["token"]
    access = issue_access_token(user_id=5, email="ana@example.com")
    headers = {"X-Cart-Token": cart_headers(token)["HTTP_X_CART_TOKEN"], "Authorization": f"Bearer {access}"}
    failures, checked = schema_conformance_failures(
        openapi_path="/api/orders/openapi.json",
        headers_for=lambda method, path: headers,
        examples_per_operation=8,
    )
    assert failures == []
    assert checked >= 10
