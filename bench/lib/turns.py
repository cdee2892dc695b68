"""Variants measured in turns, round by round, in one process or one process per source tree.

The standalone benchmarks that resolve a few per cent (``statement_cost``, ``orders_statements``,
``orders_requests``, ``saga_steps``) all take turns the same way, so a machine that speeds up or slows down
during the run weighs on every variant alike: round 1 runs A then B, round 2 B then A, and each figure is the
median of its rounds.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
REPO_ROOT = Path(__file__).resolve().parents[2]


def in_turns(variants: Sequence[tuple[str, T]], rounds: int) -> Iterator[tuple[int, str, T]]:
    """``(round index, name, variant)``: the variants in order in even rounds, the other way round in odd ones."""
    for round_index in range(rounds):
        for name, variant in variants if round_index % 2 == 0 else variants[::-1]:
            yield round_index, name, variant


def cpu_us_per_call(work: Callable[[int], object], count: int) -> float:
    """Process CPU time of ``work(0) ... work(count - 1)``, in microseconds per call."""
    started = time.process_time()
    for index in range(count):
        work(index)
    return 1e6 * (time.process_time() - started) / count


def compare_in_process(what: str, variants: Sequence[tuple[str, Callable[[int], object]]], *, rounds: int, count: int):
    """Time two ways of doing the same work in turns and print their medians, their change and their spread."""
    figures: dict[str, list[float]] = {name: [] for name, _work in variants}
    for _round, name, work in in_turns(variants, rounds):
        figures[name].append(cpu_us_per_call(work, count))
    (before, before_figures), (after, after_figures) = figures.items()
    median_before, median_after = statistics.median(before_figures), statistics.median(after_figures)
    spread = (
        f"{min(before_figures):.0f}-{max(before_figures):.0f} and {min(after_figures):.0f}-{max(after_figures):.0f}"
    )
    print(
        f"{what}: {before} {median_before:.1f} us, {after} {median_after:.1f} us "
        f"({100 * (median_after - median_before) / median_before:+.0f} %; rounds {spread})",
        flush=True,
    )


def run_in_tree(script: str, tree: Path, service: str, arguments: list[str], env: dict[str, str]) -> dict:
    """Run ``script --child arguments`` with ``tree``'s ``service`` and ``common`` first on the path; its last
    line of output, JSON."""
    path = os.pathsep.join([str(tree / service), str(tree / "common"), str(REPO_ROOT)])
    output = subprocess.run(
        [sys.executable, script, "--child", *arguments],
        cwd=tree / service,
        env={**env, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if output.returncode != 0:
        raise SystemExit(f"{tree}: the run failed\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])
