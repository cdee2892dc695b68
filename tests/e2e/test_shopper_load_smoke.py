"""A short bounded locust run of bench/locustfile.py against the stack: zero failed requests allowed.

It prints throughput and p99 for the record; it asserts no speed (speed goes to bench/README.md),
only that the shopper mix under a little concurrency gets no error from any service.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(240)

LOCUSTFILE = Path(__file__).resolve().parents[2] / "bench" / "locustfile.py"


def test_the_shopper_mix_runs_without_a_single_failed_request(stack, capsys):
    seconds = os.environ.get("E2E_LOAD_SECONDS", "20")
    users = os.environ.get("E2E_LOAD_USERS", "10")
    prefix = stack.config.run_dir / "locust"
    env = {**os.environ, "CATALOG_URL": stack.urls["catalog"], "ORDERS_URL": stack.urls["orders"]}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "locust",
            "-f",
            str(LOCUSTFILE),
            "--headless",
            "-u",
            users,
            "-r",
            users,
            "-t",
            f"{seconds}s",
            "--stop-timeout",
            "10",
            "--host",
            stack.urls["catalog"],
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=int(seconds) + 120,
    )
    stats = Path(f"{prefix}_stats.csv")
    rows = {}
    if stats.exists():
        with stats.open() as handle:
            rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows.get("Aggregated")
    print(result.stdout[-4000:], result.stderr[-4000:], sep="\n")
    assert total is not None, f"locust wrote no statistics (exit {result.returncode})"
    with capsys.disabled():  # the figures belong in the CI log even when the test passes
        print(
            f"\nload smoke: {users} users for {seconds}s: {total['Request Count']} requests, "
            f"{float(total['Requests/s']):.1f} req/s, p50 {total['50%']} ms, p99 {total['99%']} ms, "
            f"{total['Failure Count']} failed"
        )
    failures = Path(f"{prefix}_failures.csv").read_text() if Path(f"{prefix}_failures.csv").exists() else ""
    assert int(total["Failure Count"]) == 0, failures
    assert int(total["Request Count"]) > 0
    assert result.returncode == 0, result.stderr[-2000:]
    stack.check_alive()
