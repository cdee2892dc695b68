"""The two commands as a newcomer meets them, in a scratch clone: ``make run``, stop it, ``make test``; twice.

What it proves: command 2 passes after command 1, in either order and again, and no value of the ``.env``
files that command 1 writes reaches a test. ``make run`` writes ``MONGODB_URI`` of its own MongoDB-protocol
server, which is down by the time the tests run (the original bug). To make any other leak impossible to
miss, after each ``make run`` the test adds two sentinels to every service's ``.env``: a non-numeric
``EVENTS_DELIVERY_LIMIT`` and an unknown ``LOG_LEVEL``. Either one, read by a test, crashes that service's
settings, so every test of the suite fails (checked: with ``.env`` read as before, round 1 fails on
``EVENTS_DELIVERY_LIMIT``). The sentinels are taken out again before the next ``make run``, which does
read ``.env``.

Which tests run: ``make test`` on the four service suites (round 2: their platform, readiness and MongoDB
tests only, ``ROUND_2_TESTS``). They are the suites that build a service's
settings in-process (each reads only its own service's ``.env``), so they are where a leak shows: about
70 s a round on a quiet machine, on the real servers. Running everything twice more (the cross-service
suite would also recurse into this test; the journeys add ~95 s a round) would about double CI's time
for no more proof: the journeys' processes get ``IGNORE_DOTENV`` from ``tests/e2e/stack.py``. Measured:
7 to 9 minutes on a 2-core machine at load 8-10 (six engineers' runs); about 4 expected on a quiet CI
machine, which keeps CI (about 5 minutes before this test) well under its 20.

Its own ports (``RUN_PORT_BASE``, ``RUN_MONGODB_PORT``: free ones) keep it clear of a ``make run`` on
8001-8004; ``make test`` in the clone gets this test's environment, so it uses the same databases, vhost and
brokers as the suite that runs it (``scripts/start_test_infra.sh`` keeps what is already set).
``NEWCOMER_SUITES`` overrides the suites (``"common accounts catalog orders tasks features"`` for more).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("catalog", "accounts", "orders", "tasks")
SENTINELS = (
    "\n# --- added by tests/newcomer: a test that reads any of this fails\n"
    "EVENTS_DELIVERY_LIMIT=read-from-dotenv\n"
    "LOG_LEVEL=READ-FROM-DOTENV\n"
)
SERVER_VARIABLES = ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL", "KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI")
# What the outer test run sets for itself and a newcomer's shell does not have.
NOT_A_NEWCOMERS = (
    "IGNORE_DOTENV",
    "JUNIT_XML",
    "E2E_STACK_FILE",
    "VIRTUAL_ENV",
    "UV_PROJECT_ENVIRONMENT",
    "PYTHONPATH",
    "VAR_DIR",
)
# Round 2 proves the same point with the tests that talk to what ``.env`` names (readiness of every
# broker, the MongoDB history and analytics) plus the platform checks: the sentinels crash a service's
# settings whichever of its tests reads them, so a whole second pass of the suites would add minutes to
# CI and no proof.
ROUND_2_TESTS = "healthz or readyz or request_id or metrics or mongodb or history or analytics"
SCRIPT_OR_STYLE = re.compile(r'<script[^>]*\ssrc="([^"]+)"|<link[^>]*rel="stylesheet"[^>]*\shref="([^"]+)"')

pytestmark = pytest.mark.timeout(1800)


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_base() -> int:
    """A base whose +1..+4 (the services) and +9 (the MongoDB-protocol server) are all free."""
    for base in range(19100, 19900, 10):
        if all(_free(base + offset) for offset in (1, 2, 3, 4, 9)):
            return base
    raise RuntimeError("no free port base in 19100-19900")


def newcomer_environment(*, test_run: bool) -> dict[str, str]:
    """A developer's shell: this run's environment without what pytest and uv put in it.

    For ``make run`` (``test_run=False``) also without the servers: command 1 is the embedded suite.
    """
    env = {key: value for key, value in os.environ.items() if key not in NOT_A_NEWCOMERS}
    if not test_run:
        env = {key: value for key, value in env.items() if not key.endswith(SERVER_VARIABLES)}
    return env


def get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


@contextlib.contextmanager
def make_run(clone: Path, env: dict[str, str], log: Path):
    """``make run`` in the clone, stopped at the end as Ctrl-C would (SIGINT to its process group)."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["make", "run"], cwd=clone, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        for stop, wait in ((signal.SIGINT, 60), (signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            if process.poll() is not None:
                break
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, stop)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=wait)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # whatever of the group outlived honcho


def wait_for_healthz(process: subprocess.Popen, base: int, log: Path, timeout: float = 900) -> None:
    pending = set(SERVICES)
    deadline = time.monotonic() + timeout
    while pending:
        assert process.poll() is None, f"make run exited {process.returncode}:\n{tail(log)}"
        for offset, service in enumerate(SERVICES, start=1):
            if service in pending and get(f"http://127.0.0.1:{base + offset}/healthz", timeout=2)[0] == 200:
                pending.discard(service)
        assert time.monotonic() < deadline, f"no /healthz from {sorted(pending)} after {timeout:.0f}s:\n{tail(log)}"
        time.sleep(1)


def check_docs_offline(base: int) -> None:
    """Every service's Swagger UI loads its scripts and styles from the service itself."""
    for offset, service in enumerate(SERVICES, start=1):
        origin = f"http://127.0.0.1:{base + offset}"
        status, page = get(f"{origin}/api/{service}/docs")
        assert status == 200, f"{service} docs answered {status}"
        urls = [script or style for script, style in SCRIPT_OR_STYLE.findall(page.decode())]
        assert any(url.endswith("swagger-ui-bundle.js") for url in urls), urls
        for url in urls:
            assert not urlsplit(url).netloc, f"{service} docs fetch {url} from another host"
            status, body = get(origin + url)
            assert status == 200 and body, f"{service}: {url} answered {status} with {len(body)} bytes"


def tail(path: Path, lines: int = 60) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def set_sentinels(clone: Path, *, present: bool) -> None:
    for service in SERVICES:
        dotenv = clone / f"{service}_service" / ".env"
        text = dotenv.read_text().replace(SENTINELS, "")
        dotenv.write_text(text + SENTINELS if present else text)


def make_test(clone: Path, env: dict[str, str], suites: str, log: Path) -> str:
    """``make test`` in the clone; ``env`` may carry ``PYTEST_ADDOPTS`` to narrow each suite."""
    result = subprocess.run(
        ["make", "test", f"SUITES={suites}"],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    output = result.stdout + result.stderr
    log.write_text(output)
    totals = [line for line in result.stdout.splitlines() if line.startswith("total: ")]
    assert result.returncode == 0 and totals, f"make test exited {result.returncode}:\n{output[-6000:]}"
    assert re.match(r"total: [1-9]\d* passed, 0 failed", totals[-1]), totals[-1]
    return totals[-1]


def test_make_test_passes_after_make_run_twice_and_reads_nothing_from_dotenv(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    base = free_port_base()
    run_env = {
        **newcomer_environment(test_run=False),
        "RUN_PORT_BASE": str(base),
        "RUN_MONGODB_PORT": str(base + 9),
        "GUNICORN_WORKERS": "1",  # a smaller footprint on a shared CI machine; the processes are the same
    }
    test_env = newcomer_environment(test_run=True)
    suites = os.environ.get("NEWCOMER_SUITES", "accounts catalog orders tasks")
    logs = tmp_path / "logs"
    logs.mkdir()

    totals = []
    for round_ in (1, 2):
        run_log = logs / f"make-run-{round_}.log"
        with make_run(clone, run_env, run_log) as process:
            wait_for_healthz(process, base, run_log)
            check_docs_offline(base)
        dotenv = (clone / "catalog_service" / ".env").read_text()
        assert f"127.0.0.1:{base + 9}/" in dotenv, "make run did not write its MONGODB_URI into .env"
        set_sentinels(clone, present=True)
        round_env = test_env if round_ == 1 else {**test_env, "PYTEST_ADDOPTS": f"-k '{ROUND_2_TESTS}'"}
        totals.append(make_test(clone, round_env, suites, logs / f"make-test-{round_}.log"))
        set_sentinels(clone, present=False)
    print("\n".join(f"round {n}: {line}" for n, line in enumerate(totals, start=1)))
