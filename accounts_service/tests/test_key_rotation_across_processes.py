"""JWKS windows with real processes: accounts serves its JWKS from its own process (reading the key
files ``rotate_jwt_keys`` writes), and this process verifies like any other service (``common.auth``),
on a clock the test moves. Before: a rotated-in key was refused for up to 30 s, a removed key verified for 600 s, and
for ever while accounts was unreachable."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from io import StringIO
from pathlib import Path

import httpx
import pytest
from django.core.management import call_command

from accounts.tokens.keys import current_keyring
from accounts.tokens.signing import AccountsAccessToken
from common.auth import jwks as jwks_module
from common.auth.errors import InvalidToken, KeysUnavailable
from common.auth.tokens import authenticate_access_token

SERVICE_DIR = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


class Clock:
    """The verifier's monotonic clock, moved by the test (never a sleep)."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def key_files(settings, tmp_path) -> dict[str, str]:
    paths = {
        "JWT_PRIVATE_KEY_PATH": str(tmp_path / "jwt" / "signing.pem"),
        "JWT_RETIRED_KEYS_PATH": str(tmp_path / "jwt" / "retired.json"),
        "JWT_NEXT_KEY_PATH": str(tmp_path / "jwt" / "next.pem"),
    }
    for name, value in paths.items():
        setattr(settings, name, value)
    current_keyring()  # the key exists before the accounts process starts
    return paths


@pytest.fixture
def accounts_process(settings, key_files, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, **key_files, "DEBUG": "false", "SECURE_SSL_REDIRECT": "false", "VAR_DIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "tests.serve_accounts", str(port)], cwd=SERVICE_DIR, env=env)
    url = f"http://127.0.0.1:{port}/.well-known/jwks.json"
    deadline = time.monotonic() + 30
    while True:  # wait for the server to listen (bounded); the assertions never depend on timing
        try:
            httpx.get(url, timeout=1).raise_for_status()
            break
        except httpx.HTTPError:
            assert time.monotonic() < deadline, "the accounts process did not start"
            time.sleep(0.1)
    settings.JWT_JWKS = None
    settings.JWKS_URL = url
    # The verifier's defaults are under test: JWKS_CACHE_SECONDS 15, JWKS_MIN_REFETCH_SECONDS 5,
    # JWKS_MAX_STALE_SECONDS 300 (common.auth.jwks).
    jwks_module.key_set.clear()
    yield {"process": process, "env": env}
    process.kill()
    process.wait(timeout=10)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(jwks_module, "time", fake)
    return fake


def _rotate(accounts_process, *args: str) -> str:
    """The command, run here: it writes the key files the accounts process serves from."""
    out = StringIO()
    call_command("rotate_jwt_keys", *args, stdout=out)
    return out.getvalue()


def _access_token() -> str:
    token = AccountsAccessToken()
    token["user_id"] = "7"
    return str(token)


def test_the_next_key_is_published_before_it_signs_so_its_first_token_verifies_at_once(accounts_process, clock):
    assert authenticate_access_token(_access_token()).id == 7
    _rotate(accounts_process, "--stage")
    clock.now += 16  # the verifier's copy ages out and is refreshed on the next check, as in production
    assert authenticate_access_token(_access_token()).id == 7
    _rotate(accounts_process, "--activate", "--force")  # --force: the 60 s wait has its own test
    clock.now += 1  # well inside both the cache age and the refetch interval: no new fetch may happen
    assert authenticate_access_token(_access_token()).id == 7


def test_a_revoked_key_stops_verifying_within_the_jwks_cache_age(accounts_process, clock):
    token = _access_token()
    assert authenticate_access_token(token).id == 7
    out = _rotate(accounts_process, f"--revoke={current_keyring().kid}")
    assert "Revoked the signing key" in out
    clock.now += 16
    with pytest.raises(InvalidToken):
        authenticate_access_token(token)
    assert authenticate_access_token(_access_token()).id == 7  # the replacement key signs and verifies


def test_while_accounts_is_unreachable_the_keys_stop_working_after_the_max_staleness(accounts_process, clock):
    token = _access_token()
    assert authenticate_access_token(token).id == 7
    accounts_process["process"].kill()
    accounts_process["process"].wait(timeout=10)
    clock.now += 60  # an outage of a minute: the last good keys still serve
    assert authenticate_access_token(token).id == 7
    clock.now += 250  # past JWKS_MAX_STALE_SECONDS since the last good fetch
    with pytest.raises(KeysUnavailable):
        authenticate_access_token(token)
