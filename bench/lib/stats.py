"""Summaries of repeated runs and the one results table the harness prints."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field


@dataclass
class Row:
    """One line of the results table: a measured figure, the target beside it and the verdict."""

    benchmark: str
    variant: str
    rps: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    figure: str = ""
    target: str = ""
    ok: bool | None = None
    note: str = ""
    rounds: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "benchmark": self.benchmark,
            "variant": self.variant,
            "rps": self.rps,
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "figure": self.figure,
            "target": self.target,
            "ok": self.ok,
            "note": self.note,
            "rounds": self.rounds,
        }


def median(values: list[float]) -> float | None:
    values = [value for value in values if value is not None]
    return statistics.median(values) if values else None


def spread(values: list[float]) -> str:
    """``min-max`` of the rounds, to show how noisy a median is."""
    values = [value for value in values if value is not None]
    if len(values) < 2:
        return ""
    return f"{min(values):,.0f}-{max(values):,.0f}"


def _fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:,.0f}" if digits == 0 else f"{value:,.{digits}f}"


def render_table(rows: list[Row]) -> str:
    """A fixed-width table: benchmark, variant, req/s, p50, p99, figure, target, verdict."""
    header = ["benchmark", "variant", "req/s", "p50 ms", "p99 ms", "figure", "target", "ok"]
    body = []
    for row in rows:
        verdict = {True: "PASS", False: "MISS", None: "-"}[row.ok]
        body.append(
            [
                row.benchmark,
                row.variant,
                _fmt(row.rps, 0),
                _fmt(row.p50_ms),
                _fmt(row.p99_ms),
                row.figure,
                row.target,
                verdict + (f" ({row.note})" if row.note else ""),
            ]
        )
    widths = [max(len(str(line[index])) for line in [header, *body]) for index in range(len(header))]
    numeric = {2, 3, 4}

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(cell).rjust(widths[index]) if index in numeric else str(cell).ljust(widths[index])
            for index, cell in enumerate(cells)
        ).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(header), rule, *(line(cells) for cells in body)])


def render_markdown(rows: list[Row]) -> str:
    """The same table as Markdown, for bench/README.md."""
    lines = [
        "| benchmark | variant | req/s | p50 ms | p99 ms | figure | target | verdict |",
        "|---|---|---:|---:|---:|---|---|---|",
    ]
    for row in rows:
        verdict = {True: "pass", False: "**miss**", None: "-"}[row.ok]
        note = f" ({row.note})" if row.note else ""
        lines.append(
            f"| {row.benchmark} | {row.variant} | {_fmt(row.rps, 0)} | {_fmt(row.p50_ms)} | {_fmt(row.p99_ms)} "
            f"| {row.figure} | {row.target} | {verdict}{note} |"
        )
    return "\n".join(lines)
