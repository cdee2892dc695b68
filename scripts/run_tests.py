#!/usr/bin/env python3
"""Command 2: run every test suite of the repository and print one closing summary line.

Each suite runs in its own process (every service is its own Django project). Results are read from
JUnit XML files under var/test-results/. Usage: ``python scripts/run_tests.py [SUITE ...]``.
The exit code is non-zero when any suite fails or errors.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "test-results"
PYTEST = [sys.executable, "-m", "pytest", "-q", "-rfEs"]

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


def run_suite(name: str) -> tuple[int, int, int, int]:
    workdir, command = SUITES[name]
    if not workdir.exists() or (name == "features" and not (ROOT / "scripts" / "run_features.py").exists()):
        print(f"== {name}: nothing to run", flush=True)
        return 0, 0, 0, 0
    report = RESULTS / f"{name}.xml"
    report.unlink(missing_ok=True)
    env = {**os.environ, "JUNIT_XML": str(report)}
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
    return passed, failed, skipped, code


def main(argv: list[str]) -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    names = argv or list(SUITES)
    unknown = [n for n in names if n not in SUITES]
    if unknown:
        print(f"unknown suite(s): {', '.join(unknown)}; known: {', '.join(SUITES)}")
        return 2
    totals = [0, 0, 0]
    exit_code = 0
    for name in names:
        passed, failed, skipped, code = run_suite(name)
        totals = [totals[0] + passed, totals[1] + failed, totals[2] + skipped]
        if failed or code not in (0, 5):
            exit_code = 1
    if totals[0] + totals[1] == 0:
        exit_code = 1
    print(f"total: {totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
