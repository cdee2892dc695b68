#!/usr/bin/env python3
"""``make test``: run every test suite of the repository and print one closing summary line.

Each suite runs in its own process (every service is its own Django project). Results are read from
JUnit XML files under var/test-results/. Usage: ``python scripts/run_tests.py [SUITE ...]``.
The exit code is non-zero when any suite fails or errors. ``make test`` first brings up the servers this
machine has (``scripts/start_test_infra.sh``); a test still skipped says which server it needs
(``needs <server>: ...``), and the summary counts the skips per server.

Every suite runs with ``IGNORE_DOTENV=1``: a test run takes its settings from the environment alone,
never from the ``.env`` files ``make run`` writes.

Two lanes: the cross-service suite (the end-to-end stack and the newcomer's scratch clone: processes that
mostly wait on each other) and then the behave journeys run beside the service suites, on data stores of
their own (``lane_2_env``: their own databases, Redis database, end-to-end ports, vhost and names), their
output kept in ``var/test-results/cross-service-features.log`` and printed when they end. The split keeps
the two lanes about even (measured 2026-12-01: the service suites 13 min, cross-service 12 and the
journeys 3.5). ``TEST_LANES=1`` runs everything one
after the other, as before.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "test-results"
PYTEST = [sys.executable, "-m", "pytest", "-q", "-rfEs"]
# The skip reasons of common.testing.servers: "needs RabbitMQ: RABBITMQ_URL is not set ..."
NEEDS_SERVER = re.compile(r"^needs (?P<server>[^:]+): (?P<rest>.*?)get it with `(?P<how>[^`]+)`")

# name -> (working directory, command). The order is the order they run in.
SUITES: dict[str, tuple[Path, list[str]]] = {
    "common": (ROOT / "common", [*PYTEST, "tests"]),
    "accounts": (ROOT / "accounts_service", PYTEST),
    "catalog": (ROOT / "catalog_service", PYTEST),
    "orders": (ROOT / "orders_service", PYTEST),
    "tasks": (ROOT / "tasks_service", PYTEST),
    "cross-service": (ROOT / "tests", [*PYTEST, "."]),
    "features": (ROOT, [sys.executable, str(ROOT / "scripts" / "run_features.py")]),
}


def _counts(xml_file: Path) -> tuple[int, int, int]:
    """(passed, failed, skipped) from a JUnit XML report; errors count as failures."""
    root = ET.parse(xml_file).getroot()
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    tests = failed = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return tests - failed - skipped, failed, skipped


def skip_reasons(xml_file: Path) -> list[str]:
    """The message of every skipped test case in a JUnit XML report."""
    if not xml_file.exists():
        return []
    return [element.get("message", "") for element in ET.parse(xml_file).getroot().iter("skipped")]


def skips_by_server(reasons: list[str]) -> tuple[dict[str, tuple[int, str]], int]:
    """server -> (how many tests were skipped for lack of it, how to get it), and how many for other reasons."""
    counted: dict[str, tuple[int, str]] = {}
    other = 0
    for reason in reasons:
        match = NEEDS_SERVER.match(reason)
        if not match:
            other += 1
            continue
        count, _ = counted.get(match["server"], (0, match["how"]))
        counted[match["server"]] = (count + 1, match["how"])
    return counted, other


def summary(passed: int, failed: int, skipped: int, reasons: list[str]) -> list[str]:
    """The closing line, ``total: ... 3 skipped (3 need RabbitMQ)``, then how to get each missing server."""
    by_server, other = skips_by_server(reasons)
    parts = [f"{count} need {server}" for server, (count, _) in by_server.items()]
    parts += [f"{other} for other reasons, see above"] if other else []
    line = f"total: {passed} passed, {failed} failed, {skipped} skipped"
    line += f" ({', '.join(parts)})" if parts else ""
    return [line, *(f"  {server}: {how}" for server, (_, how) in by_server.items())]


SECOND_LANE = ("cross-service", "features")
DATABASE_VARIABLES = tuple(f"{name.upper()}_DATABASE_URL" for name in ("catalog", "accounts", "orders", "tasks"))
# The second lane's end-to-end stacks (tests/e2e/stack.py: the cross-service suite's, then the journeys').
LANE_2_E2E = {
    "E2E_PORT_BASE": "18800",
    "E2E_DATABASE_PREFIX": "e2elane2_",
    "E2E_RABBITMQ_VHOST": "e2e-lane2",
    "E2E_REDIS_DB": "12",
    "E2E_CELERY_REDIS_DB": "13",
    "E2E_MONGODB_DATABASE": "e2elane2_cosmeticos",
}


def _renamed_database(url: str, suffix: str) -> str:
    """``postgres://.../catalog`` -> ``postgres://.../catalog_lane2`` (a query string is kept)."""
    base, _, query = url.partition("?")
    return base + suffix + (f"?{query}" if query else "")


def lane_2_env(environment: dict[str, str]) -> dict[str, str]:
    """The second lane's servers: the same ones, with databases, a Redis database and end-to-end names
    of its own, so the two lanes never read or clear each other's data (a variable set by hand wins)."""
    env = dict(environment)
    for variable in DATABASE_VARIABLES:
        if env.get(variable, "").startswith("postgres"):
            env[variable] = _renamed_database(env[variable], "_lane2")
    if env.get("REDIS_URL"):
        base, _, _ = env["REDIS_URL"].rpartition("/")
        env["REDIS_URL"] = f"{base}/1"
    for variable, value in LANE_2_E2E.items():
        env.setdefault(variable, value)
    return env


def run_suite(
    name: str, *, environment: dict[str, str] | None = None, output=None
) -> tuple[int, int, int, int, list[str]]:
    """Run one suite; (passed, failed, skipped, exit code, skip reasons). ``output``: a file for its output
    (default: this process's)."""
    workdir, command = SUITES[name]
    if not workdir.exists() or (name == "features" and not (ROOT / "scripts" / "run_features.py").exists()):
        print(f"== {name}: nothing to run", flush=True)
        return 0, 0, 0, 0, []
    report = RESULTS / f"{name}.xml"
    report.unlink(missing_ok=True)
    env = {**(environment or os.environ), "JUNIT_XML": str(report), "IGNORE_DOTENV": "1"}
    command = [*command, f"--junitxml={report}"] if command[:3] == PYTEST[:3] else command
    shown = command[2:] if command[:3] == PYTEST[:3] else [Path(command[1]).name, *command[2:]]
    say = print if output is None else (lambda line, **_: print(line, file=output, flush=True))
    say(f"== {name}: {' '.join(shown)} (in {workdir.relative_to(ROOT) or '.'})", flush=True)
    started = time.monotonic()
    code = subprocess.call(command, cwd=workdir, env=env, stdout=output, stderr=subprocess.STDOUT if output else None)
    passed, failed, skipped = _counts(report) if report.exists() else (0, 0, 0)
    if code not in (0, 5) and failed == 0:
        failed = 1  # the runner crashed before reporting: count it as a failure
    say(
        f"== {name}: {passed} passed, {failed} failed, {skipped} skipped in {time.monotonic() - started:.0f}s",
        flush=True,
    )
    return passed, failed, skipped, code, skip_reasons(report)


def _databases_create(urls: list[str], *, output) -> None:
    """Create the PostgreSQL databases the URLs name when they are missing (as start_test_infra.sh does)."""
    for url in urls:
        if not url.startswith("postgres"):
            continue
        server, _, name = url.partition("?")[0].rpartition("/")
        check = subprocess.run(
            ["psql", f"{server}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
            capture_output=True,
            text=True,
            check=False,
        )
        if check.stdout.strip() != "1":
            subprocess.run(
                ["psql", f"{server}/postgres", "-qc", f'CREATE DATABASE "{name}"'],
                stdout=output,
                stderr=subprocess.STDOUT,
                check=False,
            )


class SecondLane(threading.Thread):
    """Runs the second lane's suites one after the other, their output in a log file."""

    def __init__(self, names: list[str]):
        super().__init__(daemon=True)
        self.names = names
        self.results: list[tuple[int, int, int, int, list[str]]] = []
        self.log = RESULTS / f"{'-'.join(names)}.log"

    def run(self) -> None:
        environment = lane_2_env(dict(os.environ))
        with self.log.open("w") as output:
            _databases_create([environment[v] for v in DATABASE_VARIABLES if v in environment], output=output)
            for name in self.names:
                self.results.append(run_suite(name, environment=environment, output=output))


def main(argv: list[str]) -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    names = argv or list(SUITES)
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        print(f"unknown suite(s): {', '.join(unknown)}; known: {', '.join(SUITES)}")
        return 2
    second = [n for n in names if n in SECOND_LANE] if os.environ.get("TEST_LANES", "2") != "1" else []
    lane = SecondLane(second) if second and len(second) < len(names) else None
    if lane:
        print(f"== {', '.join(second)}: started beside the others, output in {lane.log.relative_to(ROOT)}")
        lane.start()
    results = [run_suite(name) for name in names if not (lane and name in second)]
    if lane:
        lane.join()
        print(lane.log.read_text(), end="", flush=True)
        results += lane.results
    totals = [0, 0, 0]
    reasons: list[str] = []
    exit_code = 0
    for passed, failed, skipped, code, skipped_because in results:
        totals = [totals[0] + passed, totals[1] + failed, totals[2] + skipped]
        reasons += skipped_because
        if failed or code not in (0, 5):
            exit_code = 1
    if totals[0] + totals[1] == 0:
        exit_code = 1
    print("\n".join(summary(*totals, reasons)))
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
