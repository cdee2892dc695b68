"""The closing line of ``make test`` counts the tests skipped for lack of each server, and says how to get it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from common.testing.servers import missing_server_reason

ROOT = Path(__file__).resolve().parents[2]


def _run_tests():
    spec = importlib.util.spec_from_file_location("run_tests", ROOT / "scripts" / "run_tests.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_summary_counts_skips_per_missing_server_and_says_how_to_get_it():
    reasons = [missing_server_reason("RABBITMQ_URL")] * 3 + [missing_server_reason("DATABASE_URL"), "flaky clock"]
    lines = _run_tests().summary(10, 0, 5, reasons)
    assert lines == [
        "total: 10 passed, 0 failed, 5 skipped (3 need RabbitMQ, 1 need PostgreSQL, 1 for other reasons, see above)",
        "  RabbitMQ: apt-get install rabbitmq-server",
        "  PostgreSQL: apt-get install postgresql",
    ]


def test_summary_without_skips_is_the_plain_total():
    assert _run_tests().summary(717, 0, 0, []) == ["total: 717 passed, 0 failed, 0 skipped"]
