"""Every endpoint with a body refuses a malformed or unsupported body with a 4xx and a code, never 500."""

from __future__ import annotations

import pytest

from common.testing.bodies import MALFORMED_BODIES, assert_refused, body_operations

pytestmark = pytest.mark.django_db


def test_every_body_endpoint_refuses_malformed_bodies(client):
    operations = body_operations(client.get("/api/accounts/openapi.json").json())
    assert ("POST", "/api/accounts/token") in operations
    for method, path in operations:
        for content_type, body, status, code in MALFORMED_BODIES:
            response = client.generic(method, path, data=body, content_type=content_type)
            assert_refused(response, method=method, path=path, content_type=content_type, status=status, code=code)


def test_the_admin_login_refuses_a_multipart_body_without_boundary(client):
    response = client.generic("POST", "/admin/login/", data=b"username=a", content_type="multipart/form-data")
    assert response.status_code == 400


def test_a_json_body_still_works(client):
    response = client.post(
        "/api/accounts/token", {"email": "nobody@example.com", "password": "x"}, content_type="application/json"
    )
    assert (response.status_code, response.json()["code"]) == (401, "invalid_credentials")
