"""Request id middleware: take ``X-Request-ID`` (or make one), bind it for logs, echo it back."""

from __future__ import annotations

import re

from common.observability.context import bound_ids, new_id

REQUEST_ID_HEADER = "X-Request-ID"
CORRELATION_ID_HEADER = "X-Correlation-ID"
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def clean_id(value: str | None) -> str | None:
    """Only short, printable ids are trusted from a client; anything else is replaced."""
    return value if value and _SAFE_ID.match(value) else None


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = clean_id(request.headers.get(REQUEST_ID_HEADER)) or new_id()
        correlation_id = clean_id(request.headers.get(CORRELATION_ID_HEADER)) or request_id
        request.request_id = request_id
        request.correlation_id = correlation_id
        with bound_ids(request_id=request_id, correlation_id=correlation_id):
            response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        response[CORRELATION_ID_HEADER] = correlation_id
        return response
