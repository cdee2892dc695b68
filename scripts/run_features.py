#!/usr/bin/env python3
"""The ``features`` suite: the behave journeys (features/) on the whole suite as real processes.

They run on every machine: on the real servers when ``scripts/start_test_infra.sh`` found them all, else on
the embedded stack (SQLite, the embedded event bus, a local MongoDB-protocol server), as
``tests/e2e/stack.py`` decides; never skipped.

Runs behave through behave-django in the tiny project ``features/behave_django_settings.py`` with the
database-free runner ``features/journey_runner.py``, prints behave's own summary, merges behave's
per-feature JUnit files into the one file named by ``JUNIT_XML`` (default
var/test-results/features.xml) and exits non-zero when anything failed. Extra arguments go to behave,
e.g. ``scripts/run_features.py features/conta.feature``. ``E2E_STACK_FILE`` attaches to a running stack.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FEATURES = ROOT / "features"


def merge_junit(source: Path, target: Path, *, exit_code: int, seconds: float) -> None:
    """One ``<testsuites>`` document from behave's TESTS-*.xml files (a crash counts as one error)."""
    merged = ET.Element("testsuites", name="features")
    for report in sorted(source.glob("*.xml")):
        root = ET.parse(report).getroot()
        merged.extend([root] if root.tag == "testsuite" else list(root.iter("testsuite")))
    if exit_code != 0 and not any(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in merged):
        suite = ET.SubElement(
            merged, "testsuite", name="features.run", tests="1", errors="1", failures="0", skipped="0"
        )
        case = ET.SubElement(suite, "testcase", classname="features", name="behave run", time=f"{seconds:.1f}")
        ET.SubElement(case, "error", message=f"behave exited {exit_code} before reporting a failing scenario")
    target.parent.mkdir(parents=True, exist_ok=True)
    ET.ElementTree(merged).write(target, encoding="utf-8", xml_declaration=True)


def main(argv: list[str]) -> int:
    target = Path(os.environ.get("JUNIT_XML", "") or ROOT / "var" / "test-results" / "features.xml")
    env = {
        **os.environ,
        "IGNORE_DOTENV": "1",
        "DJANGO_SETTINGS_MODULE": "behave_django_settings",
        "PYTHONPATH": os.pathsep.join([str(FEATURES), str(ROOT / "tests"), os.environ.get("PYTHONPATH", "")]),
    }
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="behave-junit-") as junit_dir:
        command = [
            sys.executable,
            "-m",
            "django",
            "behave",
            "--runner",
            "journey_runner:HttpJourneyRunner",
            "--noinput",
            "--junit",
            "--junit-directory",
            junit_dir,
            "--format",
            "pretty",
            "--no-snippets",
            *(argv or [str(FEATURES)]),
        ]
        code = subprocess.call(command, cwd=ROOT, env=env)
        merge_junit(Path(junit_dir), target, exit_code=code, seconds=time.monotonic() - started)
    print(f"features: behave exited {code} after {time.monotonic() - started:.0f}s; JUnit report {target}", flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
