"""Interleaved load runs: every variant once per round, the order rotating between rounds."""

from __future__ import annotations

import json
import os
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
    """Something to load: a label, a base URL, the paths to rotate through, and the server's group.

    ``server_pgid`` (the gunicorn process group) lets a run also report the server's CPU time per
    request, which other work on the machine barely disturbs (unlike requests per second).
    """

    label: str
    base_url: str
    paths: list[str]
    server_pgid: int | None = None


def group_cpu_seconds(pgid: int | None) -> float | None:
    """User + system CPU seconds of a process group's live processes and their reaped children (/proc)."""
    if pgid is None:
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # after "(comm)": state, ppid, pgrp, ...; utime, stime, cutime, cstime at 11-14
            # cutime/cstime: reaped children, so a worker gunicorn replaced is still counted
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / ticks


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
    def cpu_us(self) -> float | None:
        """Median server CPU time per request, in microseconds (None when not measured)."""
        return median([result.extra.get("cpu_us_per_request") for result in self.results])

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
            cpu_before = group_cpu_seconds(target.server_pgid)
            result = run_wrk(
                target.base_url, target.paths, duration=duration, connections=connections, cpu=cpu, env=env
            )
            cpu_after = group_cpu_seconds(target.server_pgid)
            if cpu_before is not None and cpu_after is not None and result.requests:
                result.extra["cpu_us_per_request"] = (cpu_after - cpu_before) / result.requests * 1e6
            summary.results.append(result)
            server_cpu = result.extra.get("cpu_us_per_request")
            cpu_text = f", server CPU {server_cpu:,.0f} us/req" if server_cpu is not None else ""
            print(
                f"[bench]   round {round_index + 1}/{rounds} {target.label}: {result.rps:,.0f} req/s, "
                f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms{cpu_text}"
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
