#!/usr/bin/env python3
"""``make test``: run every test suite of the repository and print one closing summary line.

Each suite runs in its own process (every service is its own Django project). Results are read from
JUnit XML files under var/test-results/. Usage: ``python scripts/run_tests.py [SUITE ...]``.
The exit code is non-zero when any suite fails or errors. ``make test`` first brings up the servers this
machine has (``scripts/start_test_infra.sh``); a test still skipped says which server it needs
(``needs <server>: ...``), and the summary counts the skips per server.

Every suite runs with ``IGNORE_DOTENV=1``: a test run takes its settings from the environment alone,
never from the ``.env`` files ``make run`` writes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
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


def run_suite(name: str) -> tuple[int, int, int, int, list[str]]:
    """Run one suite; (passed, failed, skipped, exit code, skip reasons)."""
    workdir, command = SUITES[name]
    if not workdir.exists() or (name == "features" and not (ROOT / "scripts" / "run_features.py").exists()):
        print(f"== {name}: nothing to run", flush=True)
        return 0, 0, 0, 0, []
    report = RESULTS / f"{name}.xml"
    report.unlink(missing_ok=True)
    env = {**os.environ, "JUNIT_XML": str(report), "IGNORE_DOTENV": "1"}
    command = [*command, f"--junitxml={report}"] if command[:3] == PYTEST[:3] else command
    shown = command[2:] if command[:3] == PYTEST[:3] else [Path(command[1]).name, *command[2:]]
    print(f"== {name}: {' '.join(shown)} (in {workdir.relative_to(ROOT) or '.'})", flush=True)
    started = time.monotonic()
    code = subprocess.call(command, cwd=workdir, env=env)
    passed, failed, skipped = _counts(report) if report.exists() else (0, 0, 0)
    if code not in (0, 5) and failed == 0:
        failed = 1  # the runner crashed before reporting: count it as a failure
    print(
        f"== {name}: {passed} passed, {failed} failed, {skipped} skipped in {time.monotonic() - started:.0f}s",
        flush=True,
    )
    return passed, failed, skipped, code, skip_reasons(report)


def main(argv: list[str]) -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    names = argv or list(SUITES)
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        print(f"unknown suite(s): {', '.join(unknown)}; known: {', '.join(SUITES)}")
        return 2
    totals = [0, 0, 0]
    reasons: list[str] = []
    exit_code = 0
    for name in names:
        passed, failed, skipped, code, skipped_because = run_suite(name)
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
