"""Every operation's answers against the service's own OpenAPI document (schemathesis)."""

import pytest

from common.auth.groups import MERCHANDISER_GROUP
from common.testing.openapi import schema_conformance_failures
from common.testing.tokens import issue_access_token

pytestmark = pytest.mark.django_db


def test_every_answer_conforms_to_the_openapi_document(merchandisers):
    access = issue_access_token(user_id=11, email="bia@cosmeticos.co", is_staff=True, groups=[MERCHANDISER_GROUP])
    failures, checked = schema_conformance_failures(
        openapi_path="/api/tasks/openapi.json",
        headers_for=lambda method, path: {"Authorization": f"Bearer {access}"},
        examples_per_operation=8,
    )
    assert failures == []
    assert checked == 2
