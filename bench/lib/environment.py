"""The environment of a benchmark run: real infrastructure, separate bench databases and namespaces.

The infrastructure (PostgreSQL, Redis, RabbitMQ, the Kafka-protocol broker) is the one
``scripts/start_test_infra.sh`` starts and describes; the harness then points every service at its
own ``bench_<service>`` database, Redis db 4, the RabbitMQ vhost ``bench``, the MongoDB database
``bench`` and the ``bench.`` event namespace, so a benchmark never touches the development or test data.
"""

from __future__ import annotations

import os
import secrets
import shlex
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from bench.lib.processes import BenchError, run_checked

REPO_ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("catalog", "accounts", "orders", "tasks")
REDIS_DB = 4
# On a machine several people share, each gives the run its own name and ports (``BENCH_NAME=bench_h3
# BENCH_PORT_BASE=23700``): databases ``<name>_<service>``, RabbitMQ vhost and MongoDB database ``<name>``,
# event namespace ``<name>.``, servers on ports ``BENCH_PORT_BASE + 1 ...``. Defaults: ``bench``, 18800.
BENCH_NAME = os.environ.get("BENCH_NAME", "bench")
PORT_BASE = int(os.environ.get("BENCH_PORT_BASE", "18800"))
RABBITMQ_VHOST = BENCH_NAME
EVENTS_NAMESPACE = f"{BENCH_NAME}."


def infrastructure_env() -> dict[str, str]:
    """Start what is down and return the variables ``scripts/start_test_infra.sh`` exports."""
    script = REPO_ROOT / "scripts" / "start_test_infra.sh"
    output = run_checked(["bash", str(script)], cwd=REPO_ROOT, env=dict(os.environ), timeout=600, what=str(script))
    found: dict[str, str] = {}
    for line in output.splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            name, value = words[1].split("=", 1)
            found[name] = value
    return found


def bench_env(infra: dict[str, str]) -> dict[str, str]:
    """The process environment every service and tool of the run gets."""
    env = {key: value for key, value in os.environ.items() if not key.endswith("_DATABASE_URL")}
    env.update(infra)
    for service in SERVICES:
        base = infra.get(f"{service.upper()}_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        env[f"{service.upper()}_DATABASE_URL"] = _over_socket(with_path(base, f"/{BENCH_NAME}_{service}"))
    env["REDIS_URL"] = with_path(infra.get("REDIS_URL", "redis://127.0.0.1:6379/0"), f"/{REDIS_DB}")
    if infra.get("MONGODB_URI"):  # search logs and browsing history of the run stay out of the dev database
        env["MONGODB_URI"] = with_path(infra["MONGODB_URI"], f"/{BENCH_NAME}")
    rabbitmq = infra.get("RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")
    env["RABBITMQ_URL"] = with_path(rabbitmq, f"/{RABBITMQ_VHOST}")
    env.update(
        {
            "EVENTS_NAMESPACE": EVENTS_NAMESPACE,
            "DEBUG": "false",
            "SANDBOX_WEBHOOK_SECRET": "bench-only-sandbox-webhook-secret-0123456789",
            # With DEBUG off a service refuses to start without a real key: one per run, never committed.
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "bench-" + secrets.token_urlsafe(48),
            "SECURE_SSL_REDIRECT": "false",  # loopback HTTP; production terminates TLS in front
            "RATE_LIMITS_ENABLED": "false",  # thousands of shoppers from one address: not an attack
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
            "VAR_DIR": str(REPO_ROOT / "var" / "bench"),
        }
    )
    return env


def database_url(env: dict[str, str], service: str) -> str:
    return env[f"{service.upper()}_DATABASE_URL"]


def create_databases(env: dict[str, str], *, fresh: bool) -> list[str]:
    """Create each ``bench_<service>`` database (dropping it first when ``fresh``); names created."""
    created = []
    for service in SERVICES:
        url = database_url(env, service)
        if ensure_database(url, fresh=fresh):
            created.append(urlsplit(url).path.lstrip("/"))
    return created


def ensure_database(url: str, *, fresh: bool = False) -> bool:
    """Create the PostgreSQL database ``url`` names when it is missing (dropped first when ``fresh``); True
    when it was created."""
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_path(url, "/postgres"), autocommit=True) as connection:
        if fresh:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            return False
        connection.execute(f'CREATE DATABASE "{name}"')
        return True


def ensure_rabbitmq_vhost() -> None:
    """Create the ``bench`` vhost and give guest full rights on it (idempotent)."""
    if not shutil.which("rabbitmqctl"):
        raise BenchError("rabbitmqctl is not installed: cannot create the RabbitMQ vhost 'bench'")
    listed = subprocess.run(["rabbitmqctl", "-q", "list_vhosts"], capture_output=True, text=True, timeout=60)
    if RABBITMQ_VHOST not in listed.stdout.split():
        subprocess.run(["rabbitmqctl", "add_vhost", RABBITMQ_VHOST], capture_output=True, timeout=60, check=True)
    subprocess.run(
        ["rabbitmqctl", "set_permissions", "-p", RABBITMQ_VHOST, "guest", ".*", ".*", ".*"],
        capture_output=True, timeout=60, check=True,
    )  # fmt: skip


def flush_redis(env: dict[str, str]) -> None:
    """Empty the bench Redis database so cache figures start from a known state."""
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()


def _over_socket(url: str) -> str:
    """``BENCH_PG_SOCKET=/var/run/postgresql``: the services reach PostgreSQL through its Unix socket instead
    of loopback TCP (a deployment with the database on the same host; see bench/README.md)."""
    folder = os.environ.get("BENCH_PG_SOCKET", "")
    if not folder:
        return url
    parts = urlsplit(url)
    user = parts.netloc.rsplit("@", 1)[0] + "@" if "@" in parts.netloc else ""
    return urlunsplit((parts.scheme, user, parts.path, f"host={folder}", parts.fragment))


def with_path(url: str, path: str) -> str:
    """``url`` with its path (a database name, a Redis db, a RabbitMQ vhost) replaced by ``path``."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))
