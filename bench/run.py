"""The performance harness: ``make bench`` (``uv run python bench/run.py``).

From a fresh clone on a machine with PostgreSQL, Redis, RabbitMQ and the Kafka-protocol broker it
creates the ``bench_*`` databases, migrates, seeds a large catalog (timed), serves the services with
real gunicorn processes, runs every benchmark several times interleaved and prints one table with
requests per second, p50/p99 and the target beside each figure. It stops every process it started
(whole process groups), also on Ctrl-C or failure. Loopback only; every load run is bounded.

    uv run python bench/run.py                  # everything, 100,000 variants, 3 rounds
    uv run python bench/run.py --quick          # smoke check: small catalog, 1 round, short runs
    uv run python bench/run.py --only catalog   # one benchmark (repeat --only for several)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.lib import benchmarks, servers
from bench.lib.context import Context, Settings
from bench.lib.environment import REPO_ROOT, bench_env, infrastructure_env
from bench.lib.processes import BenchError, ProcessSet
from bench.lib.stats import Row, render_markdown, render_table


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Cosméticos-co performance benchmarks (make bench).")
    parser.add_argument("--quick", action="store_true", help="small catalog, 1 round, short runs (smoke check)")
    parser.add_argument(
        "--only", action="append", choices=benchmarks.NAMES, metavar="NAME",
        help=f"run only this benchmark (repeatable): {', '.join(benchmarks.NAMES)}",
    )  # fmt: skip
    parser.add_argument("--rounds", type=int, help="interleaved rounds per benchmark (default 5, quick 1)")
    parser.add_argument("--duration", type=float, help="seconds per load run (default 6, quick 3)")
    parser.add_argument("--variants", type=int, help="catalog size in variants (default 100,000, quick 2,000)")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the bench databases first")
    parser.add_argument(
        "--nice", type=int, default=0,
        help="run servers and load generators under nice -n N (e.g. -10 as root on a machine others share)",
    )  # fmt: skip
    parser.add_argument("--save", type=Path, help="write the raw results as JSON to this file")
    parser.add_argument(
        "--baseline", type=Path, metavar="DIR",
        help="checkout: also run this source tree (e.g. `git archive main | tar -x -C DIR`), rounds interleaved",
    )  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    settings = Settings.from_args(args)
    servers.NICENESS["value"] = args.nice
    selected = args.only or list(benchmarks.NAMES)
    started = time.monotonic()
    print(f"[bench] {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {settings.describe()}", flush=True)
    load_before = os.getloadavg()
    if load_before[0] > 1.0:
        print(
            f"[bench] warning: load average {load_before[0]:.1f} before starting: other work shares the 2 cores, "
            "absolute figures will be low and noisy (ratios of interleaved runs hold up better)",
            flush=True,
        )
    rows: list[Row] = []
    failures = 0
    interrupted = False
    with ProcessSet(log_dir=REPO_ROOT / "var" / "bench" / "logs") as processes:
        try:
            env = bench_env(infrastructure_env())
            context = Context(settings=settings, env=env, processes=processes)
            for name in benchmarks.NAMES:
                if name not in selected:
                    continue
                print(f"[bench] == {name} ==", flush=True)
                try:
                    rows.extend(benchmarks.RUNNERS[name](context))
                except Exception as error:  # one broken benchmark must not hide the others
                    failures += 1
                    if not isinstance(error, BenchError):
                        traceback.print_exc()
                    print(f"[bench] {name} could not run: {error}", flush=True)
                    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
                    summary = lines[0] if len(lines) == 1 else f"{lines[0]} ... {lines[-1]}"
                    rows.append(Row(name, "-", figure="not run", ok=False, note=summary[:160]))
                    processes.stop_all()
        except KeyboardInterrupt:
            print("\n[bench] interrupted: stopping every process started; the figures so far follow", flush=True)
            interrupted = True
        except Exception:
            traceback.print_exc()
            return 1
    elapsed = time.monotonic() - started
    load_after = os.getloadavg()
    print()
    print(render_table(rows))
    print(f"\n[bench] {len(rows)} figures in {elapsed / 60:.1f} min; {settings.describe()}")
    print(f"[bench] load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (1 min)")
    report = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "settings": settings.describe(),
        "elapsed_s": round(elapsed, 1),
        "load_average": {"before": load_before, "after": load_after},
        "rows": [row.as_dict() for row in rows],
        "markdown": render_markdown(rows),
    }
    target = args.save or REPO_ROOT / "var" / "bench" / f"results-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report, indent=1))
    print(f"[bench] raw results: {target}")
    if interrupted:
        return 130
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
