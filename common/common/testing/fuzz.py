"""Fuzzing a service's API with a signed-in shopper and a staff member (schemathesis + hypothesis).

Each service's ``tests/test_fuzz_authenticated.py`` loads its own OpenAPI document through the WSGI app
(``api_schema``), lets schemathesis generate requests for every operation, sends each with a shopper
token and with a staff token, and fails on any 5xx. The number of examples per operation is bounded
(``FUZZ_MAX_EXAMPLES``, default 12) so the suite stays within CI's time; raise it locally to dig deeper.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "12"))

fuzz_settings = hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples every run: a CI failure reproduces on a laptop
    phases=[Phase.explicit, Phase.generate],  # no shrinking: the first 5xx is reported as found
    suppress_health_check=list(HealthCheck),
    database=None,
)


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Like Django's test client: a request must not close the test's database connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def wsgi_schema(path: str):
    """The service's OpenAPI document, read from its WSGI app (no server, no network)."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import override_settings

    # A handler of its own, built with plain HTTP (SecurityMiddleware reads the redirect setting once).
    with override_settings(SECURE_SSL_REDIRECT=False):
        application = WSGIHandler()
        return schemathesis.openapi.from_wsgi(path, application)


def assert_no_server_error(case, *, headers: dict[str, str], who: str) -> None:
    response = case.call(headers=headers)
    assert response.status_code < 500, (
        f"{who}: {case.method} {case.formatted_path} answered {response.status_code}: {response.text[:500]}\n"
        f"reproduce: {case.as_curl_command(headers=headers)}"
    )


def shopper_and_staff_headers(*, staff_group: str) -> dict[str, dict[str, str]]:
    """Authorization headers of a shopper and of a staff member in ``staff_group``, signed by the test keys
    (services other than accounts only verify the token, so no user row is needed)."""
    from common.testing.tokens import issue_access_token

    staff_token = issue_access_token(user_id=42, email="staff@cosmeticos.co", is_staff=True, groups=(staff_group,))
    return {
        "shopper": {"Authorization": f"Bearer {issue_access_token(user_id=41, email='ana@example.com')}"},
        "staff": {"Authorization": f"Bearer {staff_token}"},
    }


def no_server_error_test(openapi_path: str, *, staff_group: str):
    """The fuzz test of a service whose endpoints only verify tokens: assign it to a ``test_*`` name in the
    service's test module (with the ``_keep_the_test_connection`` fixture imported beside it)."""
    schema = wsgi_schema(openapi_path)
    headers = shopper_and_staff_headers(staff_group=staff_group)

    @schema.parametrize()
    @fuzz_settings
    def test_no_operation_answers_a_5xx_to_a_shopper_or_staff(case):
        assert_no_server_error(case, headers=headers["shopper"], who="shopper")
        assert_no_server_error(case, headers=headers["staff"], who="staff")

    return test_no_operation_answers_a_5xx_to_a_shopper_or_staff
