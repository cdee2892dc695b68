"""What every benchmark of one run shares: settings, environment, processes, and the one-time setup.

The setup steps (create the bench databases, migrate, seed the catalog) run at most once per run and
only when a selected benchmark needs them; the seeding time is itself one of the reported figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg

from bench.lib.environment import create_databases, database_url, ensure_rabbitmq_vhost
from bench.lib.processes import BenchError, ProcessSet, run_checked
from bench.lib.servers import service_path
from bench.lib.stats import Row

ANNOUNCED_VARIANTS = 2_000


@dataclass(frozen=True)
class Settings:
    quick: bool
    rounds: int
    duration: float
    warmup: float
    variants: int
    fresh: bool
    nice: int = 0
    connections: int = 8
    baseline: Path | None = None  # another checkout of the repository: the checkout benchmark runs it too

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Settings:
        return cls(
            quick=args.quick,
            rounds=args.rounds or (1 if args.quick else 5),
            duration=args.duration or (3.0 if args.quick else 6.0),
            warmup=1.0,
            variants=args.variants or (2_000 if args.quick else 100_000),
            fresh=args.fresh,
            nice=args.nice,
            baseline=args.baseline.resolve() if getattr(args, "baseline", None) else None,
        )

    def describe(self) -> str:
        mode = "quick" if self.quick else "full"
        return (
            f"{mode}: {self.rounds} round(s) x {self.duration:.0f}s per load run, "
            f"{self.connections} connections, catalog of {self.variants:,} variants"
            + (f", nice {self.nice}" if self.nice else "")
            + (f", baseline {self.baseline}" if self.baseline else "")
        )


@dataclass
class Context:
    settings: Settings
    env: dict[str, str]
    processes: ProcessSet
    done: set[str] = field(default_factory=set)
    setup_rows: list[Row] = field(default_factory=list)

    def ensure_databases(self) -> None:
        if "databases" in self.done:
            return
        created = create_databases(self.env, fresh=self.settings.fresh)
        if created:
            print(f"[bench] created databases: {', '.join(created)}", flush=True)
        ensure_rabbitmq_vhost()
        self.done.add("databases")

    def ensure_migrated(self, service: str) -> None:
        key = f"migrated:{service}"
        if key in self.done:
            return
        self.ensure_databases()
        started = time.monotonic()
        self.manage(service, ["migrate", "--noinput"], timeout=600)
        print(f"[bench] {service}: migrated in {time.monotonic() - started:.1f}s", flush=True)
        self.done.add(key)

    def manage(self, service: str, arguments: list[str], *, timeout: float) -> str:
        argv = [sys.executable, "manage.py", *arguments]
        what = f"{service}: manage.py {' '.join(arguments)}"
        return run_checked(argv, cwd=service_path(service), env=self.env, timeout=timeout, what=what)

    def ensure_catalog_seeded(self) -> list[Row]:
        """Seed the bench catalog unless it already holds about ``variants`` variants; rows with the times.

        The first ``ANNOUNCED_VARIANTS`` are seeded with their ``catalog.product_published`` events, so
        that orders can copy them (the checkout benchmark buys those); the rest, up to ``variants``, with
        ``--no-events`` (100,000 variants' worth of events would only measure the consumers).
        """
        if "seeded" in self.done:
            return []
        self.ensure_migrated("catalog")
        target = self.settings.variants
        have = self.count_variants()
        self.done.add("seeded")
        if have >= target * 0.95:  # seed_catalog's --size is "about how many variants"
            print(f"[bench] catalog already holds {have:,} variants: not reseeding (--fresh to redo)", flush=True)
            return [Row("seed", f"{have:,} variants", figure="reused", note="already seeded; --fresh to time it")]
        rows = []
        steps = []
        if have < min(target, ANNOUNCED_VARIANTS) * 0.95:
            steps.append((min(target, ANNOUNCED_VARIANTS), False))
        if target > ANNOUNCED_VARIANTS:
            steps.append((target, True))
        for size, quiet in steps:
            arguments = ["seed_catalog", "--size", str(size)] + (["--no-events"] if quiet else [])
            print(f"[bench] manage.py {' '.join(arguments)} (catalog had {have:,} variants)", flush=True)
            started = time.monotonic()
            self.manage("catalog", arguments, timeout=3600)
            seconds = time.monotonic() - started
            now = self.count_variants()
            created, have = now - have, now
            print(f"[bench] {created:,} variants created in {seconds:.1f}s ({now:,} in all)", flush=True)
            rows.append(
                Row(
                    "seed",
                    " ".join(arguments[1:]),
                    figure=f"{seconds:.1f} s for {created:,} variants ({created / max(seconds, 1e-9):,.0f}/s)",
                    target="-",
                    note="" if quiet else "with events, for orders' product copy",
                )
            )
        if have < target * 0.95:
            rows.append(Row("seed", "catalog size", figure=f"{have:,} variants", ok=False, note=f"wanted {target:,}"))
        return rows

    def count_variants(self) -> int:
        with psycopg.connect(database_url(self.env, "catalog")) as connection:
            tables = [
                row[0]
                for row in connection.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE %s",
                    ["%variant"],
                )
            ]
            if not tables:
                raise BenchError("no *variant table in bench_catalog: did the catalog migrations land?")
            return connection.execute(f'SELECT count(*) FROM "{sorted(tables)[0]}"').fetchone()[0]


def get_json(url: str) -> object:
    response = httpx.get(url, timeout=10.0)
    if response.status_code != 200:
        raise BenchError(f"GET {url} answered {response.status_code}: {response.text[:200]}")
    return response.json()
