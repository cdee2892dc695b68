"""Interleaved load runs: every variant once per round, the order rotating between rounds."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from bench.lib.processes import BenchError, run_checked
from bench.lib.servers import LOAD_CPU, launch_prefix
from bench.lib.stats import median, spread
from bench.lib.wrk import LoadResult, run_wrk

OPENLOOP = Path(__file__).resolve().parent / "openloop.py"


@dataclass(frozen=True)
class Target:
    """Something to load: a label, a base URL and the paths to rotate through."""

    label: str
    base_url: str
    paths: list[str]


@dataclass
class Summary:
    """The rounds of one target and their medians."""

    target: Target
    results: list[LoadResult]

    @property
    def rps(self) -> float | None:
        return median([result.rps for result in self.results])

    @property
    def p50_ms(self) -> float | None:
        return median([result.p50_ms for result in self.results])

    @property
    def p99_ms(self) -> float | None:
        return median([result.p99_ms for result in self.results])

    @property
    def errors(self) -> int:
        return sum(result.errors for result in self.results)

    @property
    def spread(self) -> str:
        return spread([result.rps for result in self.results])

    def rounds(self) -> list[dict]:
        return [
            {"rps": round(r.rps, 1), "p50_ms": round(r.p50_ms, 2), "p99_ms": round(r.p99_ms, 2), **r.extra}
            for r in self.results
        ]


def closed_loop(
    targets: list[Target],
    *,
    rounds: int,
    duration: float,
    warmup: float,
    connections: int,
    env: dict[str, str],
    cpu: int | None = LOAD_CPU,
) -> list[Summary]:
    """wrk against each target once per round (order rotated per round); the summaries in input order."""
    summaries = [Summary(target=target, results=[]) for target in targets]
    for round_index in range(rounds):
        order = summaries[round_index % len(summaries) :] + summaries[: round_index % len(summaries)]
        for summary in order:
            target = summary.target
            if warmup:
                run_wrk(target.base_url, target.paths, duration=warmup, connections=connections, cpu=cpu, env=env)
            result = run_wrk(
                target.base_url, target.paths, duration=duration, connections=connections, cpu=cpu, env=env
            )
            summary.results.append(result)
            print(
                f"[bench]   round {round_index + 1}/{rounds} {target.label}: {result.rps:,.0f} req/s, "
                f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
                + (f", {result.errors} errors" if result.errors else ""),
                flush=True,
            )
    return summaries


def open_loop(target: Target, *, rate: float, duration: float, env: dict[str, str]) -> LoadResult:
    """One fixed-arrival-rate run of ``bench/lib/openloop.py`` pinned to the load CPU."""
    argv = [sys.executable, str(OPENLOOP), "--url", target.base_url, "--rate", str(rate), "--duration", str(duration)]
    for path in target.paths:
        argv += ["--path", path]
    argv = [*launch_prefix(LOAD_CPU), *argv]
    output = run_checked(argv, cwd=OPENLOOP.parent, env=env, timeout=duration + 60, what="open-loop generator")
    line = next((line for line in output.splitlines() if line.startswith("OPENLOOP ")), None)
    if line is None:
        raise BenchError(f"the open-loop generator printed no result:\n{output[-1000:]}")
    data = json.loads(line[len("OPENLOOP ") :])
    errors = data["errors"] + data["unfinished"] + (data["completed"] - data["ok"])
    return LoadResult(
        rps=data["achieved_rate"],
        p50_ms=data["p50_ms"],
        p99_ms=data["p99_ms"],
        requests=data["completed"],
        errors=errors,
        extra=data,
    )
