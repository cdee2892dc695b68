"""The two commands as a newcomer meets them, in a scratch clone: ``make run``, stop it, ``make test``; twice.

What it proves: command 2 passes after command 1, in either order and again, and no value of the ``.env``
files that command 1 writes reaches a test (``scripts/command_one.py`` adds sentinel values to every service's
``.env`` after each ``make run``: read by a test, they crash that service's settings, so the suite fails;
checked: with ``.env`` read as before, round 1 fails on ``EVENTS_DELIVERY_LIMIT``). The sentinels are taken
out again before the next ``make run``, which does read ``.env``.

Which tests run in the clone: ``make test`` on the four service suites, their platform, readiness and
MongoDB tests (``ROUND_TESTS``): the tests that talk to what ``.env`` names. Every other test of every suite
gets the same proof once per CI run, in CI's own checkout: ``.ci/run`` calls ``scripts/command_one.py
make-run-first`` (command 1 until every service answers, stopped, then the sentinels) right before
``make test``. Running the whole suites here again cost CI about 9 of its 20 minutes (measured
2026-12-01: 796 s for this test, 515 s of it the four suites of round 1) for no more proof.

Its own ports (``RUN_PORT_BASE``, ``RUN_MONGODB_PORT``: free ones) keep it clear of a ``make run`` on
8001-8004; ``make test`` in the clone gets this test's environment, so it uses the same databases, vhost and
brokers as the suite that runs it (``scripts/start_test_infra.sh`` keeps what is already set).
``NEWCOMER_SUITES`` overrides the suites (``"common accounts catalog orders tasks features"`` for more),
``NEWCOMER_TESTS`` the ``-k`` expression (empty: every test).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

from command_one import (  # noqa: E402
    SERVICES,
    free_port_base,
    get,
    make_run,
    make_run_environment,
    newcomer_environment,
    set_sentinels,
    wait_for_healthz,
)

# The tests that talk to what ``.env`` names (readiness of every broker, the MongoDB history and analytics)
# plus the platform checks: the sentinels crash a service's settings whichever of its tests reads them.
ROUND_TESTS = "healthz or readyz or request_id or metrics or mongodb or history or analytics"
SCRIPT_OR_STYLE = re.compile(r'<script[^>]*\ssrc="([^"]+)"|<link[^>]*rel="stylesheet"[^>]*\shref="([^"]+)"')

pytestmark = pytest.mark.timeout(1800)


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
    run_env = make_run_environment(base)
    tests = os.environ.get("NEWCOMER_TESTS", ROUND_TESTS)
    test_env = {**newcomer_environment(test_run=True), **({"PYTEST_ADDOPTS": f"-k '{tests}'"} if tests else {})}
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
        totals.append(make_test(clone, test_env, suites, logs / f"make-test-{round_}.log"))
        set_sentinels(clone, present=False)
    print("\n".join(f"round {n}: {line}" for n, line in enumerate(totals, start=1)))
