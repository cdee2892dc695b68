"""Every endpoint with a body refuses a malformed or unsupported body with a 4xx and a code, never 500."""

from __future__ import annotations

import pytest

from common.testing.bodies import MALFORMED_BODIES, assert_refused, body_operations

pytestmark = pytest.mark.django_db


def test_every_body_endpoint_refuses_malformed_bodies(client):
    operations = body_operations(client.get("/api/orders/openapi.json").json())
    assert operations
    for method, path in operations:
        for content_type, body, status, code in MALFORMED_BODIES:
            response = client.generic(method, path, data=body, content_type=content_type)
            assert_refused(response, method=method, path=path, content_type=content_type, status=status, code=code)
