#!/usr/bin/env python3
"""Catalog API benchmark against a running service: req/s and p50/p99 for list, filtered list, search
and detail (the Ninja API, or with ``--plain`` its plain Django twins under ``/plain/catalog/``).

The request paths come from the seeded catalog itself (``bench.lib.catalog.sample``). Each endpoint is
loaded for ``--duration`` seconds (bounded: at most 120) by ``--connections`` keep-alive clients in a
closed loop, or with ``--rate R`` at a fixed arrival rate (open loop: latency is measured from each
request's scheduled time, so a stall is not hidden). Loopback URLs only. ``--plain`` needs catalog served
with the benchmark's own settings (``bench/run.py`` does it; by hand: ``PYTHONPATH=<repo>
DJANGO_SETTINGS_MODULE=bench.catalog_plain.settings``).

    uv run python bench/catalog_api.py --url http://127.0.0.1:18100
    uv run python bench/catalog_api.py --url http://127.0.0.1:18100 --rate 200 --duration 10 --json
"""

from __future__ import annotations

import argparse
import ipaddress
import itertools
import json
import socket
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib.catalog import plain, sample

MAX_DURATION = 120.0


@dataclass
class Result:
    endpoint: str
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


def loopback_only(url: str) -> None:
    host = urlsplit(url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"refusing to load {url}: only loopback addresses are benchmarked")


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def load(
    base: str, paths: list[str], *, duration: float, connections: int, rate: float | None
) -> tuple[list[float], int]:
    """Latencies (seconds) of successful requests and the number of failed ones."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    cycle = itertools.cycle(paths)
    started = time.perf_counter()
    deadline = started + duration
    interval = connections / rate if rate else 0.0

    def worker(offset: int) -> None:
        nonlocal errors
        mine: list[float] = []
        failed = 0
        scheduled = started + (offset * interval / connections if rate else 0.0)
        with httpx.Client(base_url=base, timeout=10.0) as client:
            while True:
                if rate:
                    now = time.perf_counter()
                    if scheduled > now:
                        time.sleep(scheduled - now)
                    begin = scheduled
                    scheduled += interval
                else:
                    begin = time.perf_counter()
                if begin >= deadline:
                    break
                with lock:
                    path = next(cycle)
                try:
                    response = client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    mine.append(time.perf_counter() - begin)
                else:
                    failed += 1
        with lock:
            latencies.extend(mine)
            errors += failed

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=duration + 30)
    return latencies, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8001", help="The running catalog service (loopback).")
    parser.add_argument("--duration", type=float, default=10.0, help="Seconds per endpoint (at most 120).")
    parser.add_argument("--connections", type=int, default=8, help="Concurrent keep-alive clients.")
    parser.add_argument("--rate", type=float, default=None, help="Fixed arrival rate (req/s): open loop.")
    parser.add_argument("--warmup", type=float, default=1.0, help="Unmeasured seconds before each endpoint.")
    parser.add_argument("--plain", action="store_true", help="Load the /plain/catalog twins (bench/catalog_plain).")
    parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a table.")
    args = parser.parse_args()
    base = args.url.rstrip("/")
    loopback_only(base)
    duration = min(max(args.duration, 1.0), MAX_DURATION)

    paths = sample(base)
    endpoints = [(name, plain(ninja) if args.plain else ninja) for name, ninja, _ in paths.endpoint_pairs()]
    results = []
    for name, endpoint_paths in endpoints:
        if args.warmup:
            load(base, endpoint_paths, duration=min(args.warmup, 10.0), connections=args.connections, rate=None)
        latencies, errors = load(base, endpoint_paths, duration=duration, connections=args.connections, rate=args.rate)
        latencies.sort()
        results.append(
            Result(
                endpoint=name,
                requests=len(latencies),
                errors=errors,
                rps=round(len(latencies) / duration, 1),
                p50_ms=round(percentile(latencies, 0.50) * 1000, 2),
                p99_ms=round(percentile(latencies, 0.99) * 1000, 2),
            )
        )
    if args.json:
        mode = {"plain": args.plain, "rate": args.rate, "connections": args.connections, "duration": duration}
        print(json.dumps({"url": base, **mode, "results": [asdict(r) for r in results]}))
    else:
        kind = "plain Django views" if args.plain else "Ninja API"
        load_kind = f"open loop at {args.rate:g} req/s" if args.rate else f"{args.connections} connections, closed loop"
        print(f"catalog {kind} at {base}: {duration:g}s per endpoint, {load_kind}")
        print(f"{'endpoint':<15}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'errors':>8}")
        for r in results:
            print(f"{r.endpoint:<15}{r.rps:>10,.1f}{r.p50_ms:>10.2f}{r.p99_ms:>10.2f}{r.errors:>8}")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
