"""Malformed request bodies every endpoint must refuse with a 4xx and a ``code`` (never a 500).

Each service's ``tests/test_malformed_bodies.py`` walks its own OpenAPI document and posts these to every
operation that takes a body, so a new endpoint is covered without anyone remembering to add it.
"""

from __future__ import annotations

import re
from typing import Any

# (Content-Type, body, expected status, expected code); None: any 4xx with a code will do (a truncated
# multipart that Django reads as empty is refused by the JSON parser, or by auth before that).
MALFORMED_BODIES: list[tuple[str, bytes, int | None, str | None]] = [
    ("multipart/form-data", b'{"email": "a@b.co"}', 400, "malformed_body"),
    ("multipart/form-data; boundary=", b"--\r\n", 400, "malformed_body"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\n", None, None),
    ("application/json; charset=no-such-charset", b"{}", 415, "unsupported_charset"),
    ("application/xml", b"<a/>", 415, "unsupported_media_type"),
    ("text/plain", b"hello", 415, "unsupported_media_type"),
    ("application/json", b'{"email": "a\\u0000@b.co", "password": "x"}', 400, "invalid_characters"),
]

BODY_METHODS = ("post", "put", "patch")


def body_operations(openapi: dict[str, Any]) -> list[tuple[str, str]]:
    """(METHOD, concrete path) of every operation with a request body; path parameters filled with 1."""
    operations = []
    for path, item in openapi["paths"].items():
        for method in BODY_METHODS:
            if method in item and "requestBody" in item[method]:
                operations.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path)))
    return sorted(operations)


def assert_refused(
    response, *, method: str, path: str, content_type: str, status: int | None, code: str | None
) -> None:
    """The answer is the expected 4xx and code (or, with ``status`` None, any 4xx with a code)."""
    assert 400 <= response.status_code < 500, (method, path, content_type, response.status_code)
    body = response.json()
    assert isinstance(body.get("code"), str) and body["code"], (method, path, content_type, body)
    if status is not None:
        assert (response.status_code, body["code"]) == (status, code), (method, path, content_type, body)
