"""Every service is a runnable Django project: production settings pass `check --deploy`, migrations
are complete, and the same settings read real servers from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ["catalog", "accounts", "orders", "tasks"]


def _manage(service: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT / f"{service}_service",
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    env.update(
        DEBUG="false",
        SECRET_KEY="prod-like-" + "x7Qp2Lk9Zr4Vw8Nc" * 4,
        SANDBOX_WEBHOOK_SECRET="prod-like-webhook-" + "Hq3Tz8Wm2Kx5Rb7D" * 2,
        ALLOWED_HOSTS="shop.cosmeticos.co",
        VAR_DIR=str(tmp_path / "var"),
    )
    return env


@pytest.mark.parametrize("service", SERVICES)
def test_check_deploy_passes_with_debug_off_and_a_real_secret(service, tmp_path):
    result = _manage(service, "check", "--deploy", "--fail-level", "WARNING", env=_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_with_debug_off_the_service_refuses_to_start_without_a_real_secret_key(service, tmp_path):
    env = _production_env(tmp_path)
    del env["SECRET_KEY"]
    result = _manage(service, "check", env=env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY is not set" in result.stderr
    env["SECRET_KEY"] = "change-me"
    result = _manage(service, "check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is a placeholder" in result.stderr


@pytest.mark.parametrize("service", SERVICES)
def test_migrations_are_complete(service, tmp_path):
    env = _production_env(tmp_path)
    result = _manage(service, "makemigrations", "--check", "--dry-run", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
