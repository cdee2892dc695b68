"""The answers of a service checked against its own OpenAPI document, in the tests only.

Catalog (and others) hand-render some answers for speed, so nothing at run time checks them against the
declared schemas. Two checks close that gap at no run-time cost:

- ``schema_conformance_failures(...)``: schemathesis generates requests for every operation of the
  service's document (positive data, a bounded number per operation), sends them through the service's
  WSGI application and applies its ``response_schema_conformance`` check to each answer.
- ``OpenApiDocument.mismatches(...)``: one answer (status, JSON body) against the document's schema for
  that operation and status; the shopper journeys (``tests/e2e/shop.py``) check every answer with it.

Only answers with a documented status are checked (as schemathesis does); an undocumented status is
not a schema mismatch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

DEFAULT_EXAMPLES_PER_OPERATION = 12


@dataclass
class OpenApiDocument:
    """An OpenAPI 3.1 document (as Ninja serves it) that can judge single answers."""

    document: dict[str, Any]
    _routes: list[tuple[re.Pattern, str]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        for template in self.document.get("paths", {}):
            pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
            self._routes.append((re.compile(f"^{pattern}$"), template))
        # Literal paths first: "/orders/cart" must not be taken for "/orders/{number}".
        self._routes.sort(key=lambda route: route[1].count("{"))

    def operation(self, method: str, path: str) -> dict[str, Any] | None:
        for pattern, template in self._routes:
            if pattern.match(path):
                return self.document["paths"][template].get(method.lower())
        return None

    def mismatches(self, *, method: str, path: str, status: int, body: Any) -> list[str]:
        """Why ``body`` does not fit the documented answer (empty when it fits or is not documented)."""
        from jsonschema_rs import Draft202012Validator  # comes with schemathesis

        operation = self.operation(method, path)
        if operation is None:
            return []
        answer = operation.get("responses", {}).get(str(status))
        schema = (answer or {}).get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return []
        # '#/components/...' references resolve inside the validated schema: carry the components along.
        validator = Draft202012Validator({**schema, "components": self.document.get("components", {})})
        errors = sorted(validator.iter_errors(body), key=lambda error: [str(part) for part in error.instance_path])
        return [
            f"{method} {path} -> {status}: {'/'.join(map(str, error.instance_path)) or '(body)'}: {error.message}"
            for error in errors
        ]


@contextmanager
def _one_database_connection() -> Iterator[None]:
    """Keep the test's connection (and its transaction) open across WSGI requests, as Django's test
    client does: a request's start and end would otherwise close it."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def schema_conformance_failures(
    *,
    openapi_path: str,
    headers_for: Callable[[str, str], dict[str, str]] = lambda method, path: {},
    examples_per_operation: int = DEFAULT_EXAMPLES_PER_OPERATION,
) -> tuple[list[str], int]:
    """(failures, operations checked): schemathesis' ``response_schema_conformance`` over every operation.

    ``headers_for(method, path template)`` gives the headers of an operation's requests (a bearer
    token for the signed-in and staff ones). Deterministic (derandomized) and bounded in examples.
    """
    import schemathesis
    from django.core.wsgi import get_wsgi_application
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.specs.openapi.checks import response_schema_conformance

    failures: list[str] = []
    checked = 0
    with _one_database_connection():
        schema = schemathesis.openapi.from_wsgi(openapi_path, get_wsgi_application())
        for result in schema.get_all_operations():
            operation = result.ok()
            headers = headers_for(operation.method.upper(), operation.path)

            @settings(
                max_examples=examples_per_operation,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy())
            def call_and_check(case, headers):
                response = case.call(headers=headers)
                case.validate_response(response, checks=[response_schema_conformance])

            checked += 1
            try:
                call_and_check(headers=headers)
            except (Exception, BaseExceptionGroup) as error:  # one entry per failing operation; the others still run
                failures.append(f"{operation.method.upper()} {operation.path}: {_describe(error)[:3000]}")
    return failures, checked


def _describe(error: BaseException) -> str:
    parts = error.exceptions if isinstance(error, BaseExceptionGroup) else [error]
    return " | ".join(" ".join(str(part).split()) for part in parts)
