"""``common.testing.openapi.OpenApiDocument``: one answer judged against an OpenAPI 3.1 document."""

from common.testing.openapi import OpenApiDocument

DOCUMENT = {
    "openapi": "3.1.0",
    "paths": {
        "/api/shop/orders/{number}": {
            "get": {
                "responses": {
                    "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/OrderOut"}}}},
                    "404": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}},
                }
            }
        },
        "/api/shop/orders/mine": {
            "get": {"responses": {"200": {"content": {"application/json": {"schema": {"type": "array"}}}}}}
        },
    },
    "components": {
        "schemas": {
            "OrderOut": {
                "type": "object",
                "properties": {"number": {"type": "string"}, "total": {"type": "string"}},
                "required": ["number", "total"],
            },
            "ErrorOut": {
                "type": "object",
                "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
                "required": ["detail", "code"],
            },
        }
    },
}


def test_an_answer_that_fits_its_documented_schema_has_no_mismatch():
    document = OpenApiDocument(DOCUMENT)
    body = {"number": "CO-1", "total": "10.00"}
    assert document.mismatches(method="GET", path="/api/shop/orders/CO-1", status=200, body=body) == []


def test_a_drifted_answer_is_reported_with_where_and_why():
    document = OpenApiDocument(DOCUMENT)
    mismatches = document.mismatches(method="GET", path="/api/shop/orders/CO-1", status=200, body={"number": 7})
    assert mismatches == [
        'GET /api/shop/orders/CO-1 -> 200: (body): "total" is a required property',
        'GET /api/shop/orders/CO-1 -> 200: number: 7 is not of type "string"',
    ]


def test_a_literal_path_wins_over_a_template_and_undocumented_answers_are_not_judged():
    document = OpenApiDocument(DOCUMENT)
    assert document.mismatches(method="GET", path="/api/shop/orders/mine", status=200, body=[]) == []
    assert document.mismatches(method="GET", path="/api/shop/orders/CO-1", status=500, body="oops") == []
    assert document.mismatches(method="POST", path="/api/shop/orders/CO-1", status=200, body="x") == []
    assert document.mismatches(method="GET", path="/api/shop/orders/CO-1", status=404, body={"detail": "x"}) == [
        'GET /api/shop/orders/CO-1 -> 404: (body): "code" is a required property'
    ]
