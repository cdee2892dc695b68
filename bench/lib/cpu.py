"""CPU time of the processes a benchmark started, read from ``/proc`` (Linux), per process group.

Each managed process is the leader of its own process group (``ProcessSet`` starts it in a new
session), so a group's CPU is the sum of ``utime + stime`` over every live process whose group it is
(gunicorn's arbiter and its workers, a command and its threads), plus what its reaped children used.
"""

from __future__ import annotations

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def group_cpu_seconds(pgid: int) -> float:
    """User + system CPU seconds used so far by the live members of process group ``pgid``."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # fields[0] is field 3 (state) of proc(5)
        if int(fields[2]) != pgid:
            continue
        utime, stime, cutime, cstime = (int(value) for value in fields[11:15])
        total += utime + stime + cutime + cstime
    return total / TICKS


def snapshot(groups: dict[str, int]) -> dict[str, float]:
    """``{name: CPU seconds}`` of each named process group."""
    return {name: group_cpu_seconds(pgid) for name, pgid in groups.items()}


def delta(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {name: max(0.0, after[name] - before.get(name, 0.0)) for name in after}
