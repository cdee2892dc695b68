"""pytest fixtures every service's tests share (loaded with ``-p common.testing.pytest_plugin``).

Real-service fixtures: a test that needs RabbitMQ, Kafka, MongoDB, Redis or PostgreSQL asks for the
fixture. ``make test`` brings up every one this machine has (``scripts/start_test_infra.sh``); on a
machine without one the test is skipped with ``needs <server>: ...`` and how to get it (the summary of
``scripts/run_tests.py`` counts skips by server); under CI (``CI`` set) a missing server is a failure,
so CI can never go green by skipping.

Loaded before Django reads any settings, the plugin also sets ``IGNORE_DOTENV``: a test run takes its
settings from the environment alone, never from the ``.env`` that ``make run`` writes (``common.settings``),
and, unless ``VAR_DIR`` is set, gives the run a ``VAR_DIR`` of its own instead of ``make run``'s ``var/``.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import tempfile
import uuid

import pytest

from common.settings import uses_postgresql
from common.testing.servers import missing_server_reason

# Before pytest-django imports the settings, and inherited by every process a test starts.
os.environ["IGNORE_DOTENV"] = "1"
# With DEBUG off a service refuses to start without a real SECRET_KEY; tests run with DEBUG off, so each
# test process gets a random one (imported with ``-p``, before pytest-django reads the settings).
os.environ.setdefault("SECRET_KEY", "test-" + secrets.token_urlsafe(48))
# The local run (`make run`) keeps its SQLite files, embedded event bus, mail and keys in var/: a test run
# gets a folder of its own, so it neither reads those events nor writes into them.
if not os.environ.get("VAR_DIR"):
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="cosmeticos-tests-var-")
    atexit.register(shutil.rmtree, os.environ["VAR_DIR"], ignore_errors=True)


@pytest.fixture(autouse=True)
def _plain_http_test_client(settings):
    """Tests talk plain HTTP to the test client; production redirects to HTTPS at the edge."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _rate_limit_counters_of_this_test(settings):
    """Rate limits stay on, with counters of this test only (the test client is always 127.0.0.1)."""
    settings.RATE_LIMIT_NAMESPACE = f"test-{uuid.uuid4().hex}:"


def require_env(name: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if os.environ.get("CI"):
        pytest.fail(f"{name} must be set in CI (scripts/start_test_infra.sh prints it)")
    pytest.skip(missing_server_reason(name))


@pytest.fixture
def rabbitmq_url() -> str:
    return require_env("RABBITMQ_URL")


@pytest.fixture
def kafka_bootstrap_servers() -> str:
    return require_env("KAFKA_BOOTSTRAP_SERVERS")


@pytest.fixture
def mongodb_uri() -> str:
    return require_env("MONGODB_URI")


@pytest.fixture
def redis_url() -> str:
    return require_env("REDIS_URL")


@pytest.fixture
def postgresql(settings):
    """For tests whose point is PostgreSQL behaviour (row locks, concurrency, full-text search)."""
    if not uses_postgresql(settings.DATABASES["default"]):
        if os.environ.get("CI"):
            pytest.fail("CI runs every service's tests on PostgreSQL; <SERVICE>_DATABASE_URL is not set")
        pytest.skip(missing_server_reason("DATABASE_URL"))
    return settings.DATABASES["default"]


@pytest.fixture(autouse=True)
def jwt_jwks(settings):
    """Tokens from ``common.testing.tokens`` verify without an accounts server (``settings.JWT_JWKS``).

    Also forgets the in-process JWKS and known-user caches so no test sees another's keys or users.
    """
    from common.auth.jwks import key_set
    from common.auth.known_users import forget_cached_access
    from common.testing.tokens import jwks

    settings.JWT_JWKS = jwks()
    settings.KNOWN_USER_CACHE_PREFIX = f"test-{uuid.uuid4().hex}:"  # the shared cache, as this test left it
    key_set.clear()
    forget_cached_access()
    yield settings.JWT_JWKS
    key_set.clear()
    forget_cached_access()
