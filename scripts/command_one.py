#!/usr/bin/env python3
"""Command 1 as a newcomer runs it, then ``.env`` files that no test may read: for CI and ``tests/newcomer/``.

``make run`` writes each service's ``.env`` (among others the ``MONGODB_URI`` of its own MongoDB-protocol
server, which is down by the time the tests run: the original bug). To make any leak impossible to miss,
:func:`set_sentinels` adds two values to every service's ``.env`` that crash a service's settings when read:
a non-numeric ``EVENTS_DELIVERY_LIMIT`` and an unknown ``LOG_LEVEL``. A test that reads ``.env`` then fails,
whichever it is.

    scripts/command_one.py make-run-first      # CI, before `make test`: command 1 until every service answers
                                            # /healthz, stopped as Ctrl-C would, then the sentinels

``.ci/run`` does that in its own checkout before ``make test``, so every test of every suite runs right
after command 1 with the sentinels in place; ``tests/newcomer/`` replays both commands, twice, in a
scratch clone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ("catalog", "accounts", "orders", "tasks")
SENTINELS = (
    "\n# --- added by scripts/command_one.py: a test that reads any of this fails\n"
    "EVENTS_DELIVERY_LIMIT=read-from-dotenv\n"
    "LOG_LEVEL=READ-FROM-DOTENV\n"
)
SERVER_VARIABLES = ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL", "KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI")
# What a test run sets for itself and a newcomer's shell does not have.
NOT_A_NEWCOMERS = (
    "IGNORE_DOTENV",
    "JUNIT_XML",
    "E2E_STACK_FILE",
    "VIRTUAL_ENV",
    "UV_PROJECT_ENVIRONMENT",
    "PYTHONPATH",
    "VAR_DIR",
)


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_base(start: int = 19100) -> int:
    """A base whose +1..+4 (the services) and +9 (the MongoDB-protocol server) are all free."""
    for base in range(start, start + 800, 10):
        if all(_free(base + offset) for offset in (1, 2, 3, 4, 9)):
            return base
    raise RuntimeError(f"no free port base in {start}-{start + 800}")


def newcomer_environment(*, test_run: bool) -> dict[str, str]:
    """A developer's shell: this environment without what pytest and uv put in it.

    For ``make run`` (``test_run=False``) also without the servers: command 1 is the embedded suite.
    """
    env = {key: value for key, value in os.environ.items() if key not in NOT_A_NEWCOMERS}
    if not test_run:
        env = {key: value for key, value in env.items() if not key.endswith(SERVER_VARIABLES)}
    return env


def make_run_environment(base: int) -> dict[str, str]:
    return {
        **newcomer_environment(test_run=False),
        "RUN_PORT_BASE": str(base),
        "RUN_MONGODB_PORT": str(base + 9),
        "GUNICORN_WORKERS": "1",  # a smaller footprint on a shared CI machine; the processes are the same
    }


def get(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return 0, b""


def tail(path: Path, lines: int = 60) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


@contextlib.contextmanager
def make_run(checkout: Path, env: dict[str, str], log: Path):
    """``make run`` in ``checkout``, stopped at the end as Ctrl-C would (SIGINT to its process group)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            ["make", "run"], cwd=checkout, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
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
        if process.poll() is not None:
            raise RuntimeError(f"make run exited {process.returncode}:\n{tail(log)}")
        for offset, service in enumerate(SERVICES, start=1):
            if service in pending and get(f"http://127.0.0.1:{base + offset}/healthz", timeout=2)[0] == 200:
                pending.discard(service)
        if time.monotonic() > deadline:
            raise RuntimeError(f"no /healthz from {sorted(pending)} after {timeout:.0f}s:\n{tail(log)}")
        time.sleep(1)


def set_sentinels(checkout: Path, *, present: bool) -> None:
    for service in SERVICES:
        dotenv = checkout / f"{service}_service" / ".env"
        if not dotenv.exists() and not present:
            continue
        text = dotenv.read_text().replace(SENTINELS, "")
        dotenv.write_text(text + SENTINELS if present else text)


def make_run_first(checkout: Path = ROOT) -> None:
    """Command 1 until every service answers, stopped; then the sentinels in every ``.env``."""
    started = time.monotonic()
    base = free_port_base(19900)
    log = checkout / "var" / "log" / "newcomer-make-run.log"
    set_sentinels(checkout, present=False)  # a second run in the same checkout: command 1 reads .env
    with make_run(checkout, make_run_environment(base), log) as process:
        wait_for_healthz(process, base, log)
    dotenv = (checkout / "catalog_service" / ".env").read_text()
    if f"127.0.0.1:{base + 9}/" not in dotenv:
        raise RuntimeError("make run did not write its MONGODB_URI into catalog_service/.env")
    set_sentinels(checkout, present=True)
    print(
        f"[command 1] make run answered on {base + 1}-{base + 4} and stopped; .env sentinels set "
        f"({time.monotonic() - started:.0f}s)",
        flush=True,
    )


def main(argv: list[str]) -> int:
    if argv != ["make-run-first"]:
        print(__doc__)
        return 2
    make_run_first()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
