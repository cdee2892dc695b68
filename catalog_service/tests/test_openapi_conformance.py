"""Every operation's answers against the service's own OpenAPI document (schemathesis), so the
hand-rendered orjson answers can never drift from what the docs promise."""

import orjson
import pytest

from common.testing.openapi import schema_conformance_failures
from common.testing.tokens import issue_access_token

pytestmark = pytest.mark.django_db


def test_every_answer_conforms_to_the_openapi_document(catalog_data):
    token = issue_access_token(user_id=3)
    staff_token = issue_access_token(user_id=4, is_staff=True)

    def headers_for(method, path):
        if "/staff/" in path:
            return {"Authorization": f"Bearer {staff_token}"}
        return {"Authorization": f"Bearer {token}"} if "/me/" in path else {}

    failures, checked = schema_conformance_failures(openapi_path="/api/catalog/openapi.json", headers_for=headers_for)
    assert failures == []
    assert checked == 7


def test_a_hand_rendered_answer_that_drifts_from_the_document_is_caught(catalog_data, monkeypatch):
    from catalog.products import responses

    real_body = responses.product_list_body

    def drifted_body(filters, *, version=None):
        body, count = real_body(filters, version=version)
        page = orjson.loads(body)
        page = {**page, "count": str(page["count"]), "items": [{**item, "in_stock": "yes"} for item in page["items"]]}
        return orjson.dumps(page), count

    monkeypatch.setattr(responses, "product_list_body", drifted_body)
    failures, _ = schema_conformance_failures(openapi_path="/api/catalog/openapi.json", examples_per_operation=3)

    assert [failure.split(":")[0] for failure in failures] == ["GET /api/catalog/products"]
    assert '"5" is not of type "integer"' in failures[0] and '"yes" is not of type "boolean"' in failures[0]
