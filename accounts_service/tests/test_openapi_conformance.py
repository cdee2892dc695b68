"""Every operation's answers against the service's own OpenAPI document (schemathesis)."""

import pytest

from accounts.tokens.services import tokens_for_user
from common.testing.openapi import schema_conformance_failures

pytestmark = pytest.mark.django_db


def test_every_answer_conforms_to_the_openapi_document(user):
    access = tokens_for_user(user=user).access
    failures, checked = schema_conformance_failures(
        openapi_path="/api/accounts/openapi.json",
        headers_for=lambda method, path: {"Authorization": f"Bearer {access}"} if "/me" in path else {},
        examples_per_operation=8,
    )
    assert failures == []
    assert checked >= 12
