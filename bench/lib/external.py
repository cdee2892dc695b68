"""The benchmarks other parts of the suite ship as scripts: checkout and relay throughput."""

from __future__ import annotations

from bench.lib.context import Context
from bench.lib.environment import REPO_ROOT
from bench.lib.processes import BenchError
from bench.lib.stats import Row

CHECKOUT = REPO_ROOT / "bench" / "checkout.py"
RELAY = REPO_ROOT / "bench" / "relay_throughput.py"


def run_checkout(context: Context) -> list[Row]:
    if not CHECKOUT.exists():
        raise BenchError("bench/checkout.py has not landed yet")
    raise BenchError("bench/checkout.py: interface not wired yet")


def run_relay(context: Context) -> list[Row]:
    if not RELAY.exists():
        raise BenchError("bench/relay_throughput.py has not landed yet")
    raise BenchError("bench/relay_throughput.py: interface not wired yet")
