#!/usr/bin/env python3
"""Catalog reads against the peer a user would pick: Django Ninja vs FastAPI + psycopg, same tables, same SQL.

Serves the catalog service (its production web server, common/web_server.py: granian, 1 worker x 4 threads;
gunicorn before 2026-12-01) twice, from the database (``CATALOG_RESPONSE_CACHE=false``) and with the Redis response
cache, and the FastAPI peer (``bench/catalog_peer/app.py``, uvicorn with uvloop and httptools, one
process), each pinned to CPU 0; ``wrk`` runs on CPU 1 with 10 connections. Before measuring it checks
that the three answer byte-identical bodies on 17 URLs and EXPLAINs the search count. Then, in
interleaved rounds, it prints requests per second, the server's CPU milliseconds per request and the
ratios Ninja / peer for list, filtered list, search and detail, and for Redis hits (cached answer vs
the peer's database answer).

    uv run python bench/catalog_peer.py                 # 100,000 variants, 3 rounds x 6 s
    uv run python bench/catalog_peer.py --quick         # 1 round x 3 s (a loaded machine)
    uv run python bench/catalog_peer.py --catalog-dir /tmp/before/catalog_service   # an older tree

Databases: ``<BENCH_DATABASE_PREFIX>catalog`` (default ``bench_catalog``, seeded with ``seed_catalog
--size N --no-events`` when smaller), Redis db 4 of ``REDIS_URL``, MongoDB database
``<prefix>catalog``. Ports: ``BENCH_PORT_BASE`` (default 18900) and the next two. Loopback only; every
load run is bounded in time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import unquote

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.lib.catalog import sample
from bench.lib.environment import REPO_ROOT, bench_env, ensure_database, infrastructure_env, with_path
from bench.lib.loads import Summary, Target, closed_loop
from bench.lib.processes import BenchError, ProcessSet, run_checked
from bench.lib.servers import LOAD_CPU, SERVER_CPU, launch_prefix
from bench.lib.stats import median

TARGET_RATIO = 0.8
HIT_CPU_TARGET_MS = 0.8
CONNECTIONS = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="1 round x 3 s per load (a loaded machine)")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (default 3, quick 1)")
    parser.add_argument("--duration", type=float, help="seconds per load run (default 6, quick 3)")
    parser.add_argument("--variants", type=int, default=100_000, help="catalog size in variants (default 100,000)")
    parser.add_argument("--catalog-dir", type=Path, default=REPO_ROOT / "catalog_service", help="Ninja side's tree")
    parser.add_argument("--threads", type=int, default=4, help="the catalog's server threads (production: 4)")
    parser.add_argument("--label", default="", help="a name for this run in the output (e.g. before, after)")
    parser.add_argument("--save", type=Path, help="write the figures as JSON to this file")
    return parser.parse_args()


def environment() -> dict[str, str]:
    env = bench_env(infrastructure_env())
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "bench_")
    env["CATALOG_DATABASE_URL"] = with_path(env["CATALOG_DATABASE_URL"], f"/{prefix}catalog")
    if env.get("MONGODB_URI"):
        env["MONGODB_URI"] = with_path(env["MONGODB_URI"], f"/{prefix}catalog")
    env["EVENTS_NAMESPACE"] = f"{prefix.rstrip('_')}."
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env


def ensure_seeded(env: dict[str, str], catalog_dir: Path, variants: int) -> int:
    url = env["CATALOG_DATABASE_URL"]
    ensure_database(url)
    manage = [sys.executable, "manage.py"]
    run_checked([*manage, "migrate", "--noinput"], cwd=catalog_dir, env=env, timeout=600, what="migrate")
    have = count_variants(url)
    if have < variants * 0.95:
        print(f"[peer] seeding: seed_catalog --size {variants} --no-events (catalog has {have:,})", flush=True)
        started = time.monotonic()
        arguments = [*manage, "seed_catalog", "--size", str(variants), "--no-events"]
        run_checked(arguments, cwd=catalog_dir, env=env, timeout=3600, what="seed_catalog")
        have = count_variants(url)
        print(f"[peer] seeded {have:,} variants in {time.monotonic() - started:.0f} s", flush=True)
    return have


def count_variants(url: str) -> int:
    with psycopg.connect(url) as connection:
        return connection.execute("SELECT count(*) FROM products_variant").fetchone()[0]


def start_ninja(
    processes: ProcessSet, env: dict[str, str], catalog_dir: Path, port: int, *, cached: bool, threads: int = 4
):
    # The catalog's production web server (common/web_server.py), one worker of ``threads`` threads.
    argv = [sys.executable, "-m", "common.web_server", "catalog"]
    server_env = {
        **env,
        "CATALOG_RESPONSE_CACHE": "true" if cached else "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": str(threads),
    }
    name = "ninja-cached" if cached else "ninja-db"
    managed = processes.start(name, [*launch_prefix(SERVER_CPU), *argv], cwd=catalog_dir, env=server_env)
    processes.wait_http(managed, f"http://127.0.0.1:{port}/healthz", timeout=120)
    return managed


def start_peer(processes: ProcessSet, env: dict[str, str], port: int):
    argv = [sys.executable, "-m", "uvicorn", "app:app", "--app-dir", str(Path(__file__).parent / "catalog_peer")]
    argv += ["--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop", "--http", "httptools"]
    argv += ["--no-access-log", "--log-level", "warning", "--timeout-keep-alive", "75"]
    peer_env = {**env, "CATALOG_PEER_DATABASE_URL": env["CATALOG_DATABASE_URL"]}
    managed = processes.start("peer", [*launch_prefix(SERVER_CPU), *argv], cwd=REPO_ROOT, env=peer_env)
    processes.wait_http(managed, f"http://127.0.0.1:{port}/healthz", timeout=60)
    return managed


def equality_urls(paths) -> list[str]:
    """17 URLs: 3 list pages, 3 filtered lists, 5 searches (one on page 2), 6 product pages."""
    urls = paths.list_paths[:3] + paths.filtered_paths[:3] + paths.search_paths[:4]
    urls.append(paths.search_paths[4 % len(paths.search_paths)] + "&page=2&page_size=10")
    return urls + paths.detail_paths[:6]


def check_bytes(bases: dict[str, str], urls: list[str]) -> list[str]:
    """The URLs on which some server's body differs from the Ninja database answer (every one: 200)."""
    differ = []
    with httpx.Client(timeout=30.0) as client:
        for url in urls:
            bodies = {}
            for name, base in bases.items():
                response = client.get(base + url)
                if response.status_code != 200:
                    raise BenchError(f"{name} answered {response.status_code} on {url}: {response.text[:200]}")
                bodies[name] = response.content
            if len(set(bodies.values())) != 1:
                differ.append(url)
    return differ


def explain_search_count(env: dict[str, str], words: list[str]) -> list[str]:
    """The access path of the search count for each word: with the server's planner settings, and with
    the catalog's ``random_page_cost`` (``CATALOG_DATABASE_RANDOM_PAGE_COST``, default 1.1)."""
    sys.path.insert(0, str(REPO_ROOT / "catalog_service"))
    from catalog.products.read_sql import ListFilters, list_statements
    from catalog.search.sql import MATCH, RANK, prefix_tsquery
    from catalog.search.text import query_words

    cost = env.get("CATALOG_DATABASE_RANDOM_PAGE_COST", "1.1")
    plans = []
    for label, options in (("server default", ""), (f"random_page_cost {cost}", f"-c random_page_cost={cost}")):
        paths = []
        with psycopg.connect(env["CATALOG_DATABASE_URL"], options=options) as connection:
            for word in words:
                folded = query_words(word)
                params = (prefix_tsquery(folded, {}), " ".join(folded))
                filters = ListFilters(search_match=MATCH, search_match_params=params, search_rank=RANK)
                statement = list_statements("postgresql", filters, limit=24, offset=0)
                plan = connection.execute("EXPLAIN " + statement.count_sql, statement.count_params).fetchall()
                text = " ".join(row[0] for row in plan)
                paths.append(f"{word} " + ("GIN" if "product_search_document_gin" in text else "seq scan"))
        plans.append(f"{label}: {', '.join(paths)}")
    return plans


def ratio_of_rounds(mine: Summary, theirs: Summary) -> float:
    values = [a.rps / b.rps for a, b in zip(mine.results, theirs.results, strict=False) if b.rps]
    return median(values) or 0.0


def cpu_ms(summary: Summary) -> float | None:
    return None if summary.cpu_us is None else summary.cpu_us / 1000


def main() -> int:
    args = parse_args()
    rounds = args.rounds or (1 if args.quick else 3)
    duration = args.duration or (3.0 if args.quick else 6.0)
    base_port = int(os.environ.get("BENCH_PORT_BASE", "18900"))
    load_before = os.getloadavg()
    started_at = dt.datetime.now(dt.UTC)
    print(f"[peer] {started_at:%Y-%m-%d %H:%M} UTC, load average {load_before[0]:.2f} {load_before[1]:.2f}", flush=True)
    env = environment()
    variants = ensure_seeded(env, args.catalog_dir, args.variants)
    with ProcessSet(log_dir=REPO_ROOT / "var" / "bench" / "logs") as processes:
        ninja_db = start_ninja(processes, env, args.catalog_dir, base_port, cached=False, threads=args.threads)
        ninja_cached = start_ninja(processes, env, args.catalog_dir, base_port + 1, cached=True, threads=args.threads)
        peer = start_peer(processes, env, base_port + 2)
        bases = {
            "ninja": f"http://127.0.0.1:{base_port}",
            "ninja cached": f"http://127.0.0.1:{base_port + 1}",
            "peer": f"http://127.0.0.1:{base_port + 2}",
        }
        paths = sample(bases["ninja"])
        urls = equality_urls(paths)
        check_bytes(bases, urls)  # the first pass fills the response cache; the second reads it back
        differ = check_bytes(bases, urls)
        print(f"[peer] byte-equality on {len(urls)} URLs: {len(urls) - len(differ)} identical", flush=True)
        for url in differ:
            print(f"[peer]   differs: {url}", flush=True)
        words = [unquote(path.rsplit("q=", 1)[1]) for path in paths.search_paths[:4]]
        plans = explain_search_count(env, words)
        print(f"[peer] search count plans: {'; '.join(plans)}", flush=True)

        endpoints = {
            "list": paths.list_paths,
            "filtered list": paths.filtered_paths,
            "search": paths.search_paths,
            "detail": paths.detail_paths,
        }
        targets = []
        for name, endpoint_paths in endpoints.items():
            targets.append(Target(f"{name} ninja", bases["ninja"], endpoint_paths, ninja_db.popen.pid))
            targets.append(Target(f"{name} peer", bases["peer"], endpoint_paths, peer.popen.pid))
        for name in ("list", "search", "detail"):
            targets.append(Target(f"{name} redis hit", bases["ninja cached"], endpoints[name], ninja_cached.popen.pid))
        summaries = closed_loop(
            targets,
            rounds=rounds,
            duration=duration,
            warmup=1.0,
            connections=CONNECTIONS,
            env=env,
            cpu=LOAD_CPU,
        )
    by_label = {summary.target.label: summary for summary in summaries}
    load_after = os.getloadavg()
    rows = []
    for name in endpoints:
        ninja, theirs = by_label[f"{name} ninja"], by_label[f"{name} peer"]
        rows.append(row(f"{name} (db)", ninja, theirs, target=f">= {TARGET_RATIO}x peer"))
    for name in ("list", "search", "detail"):
        hit, theirs = by_label[f"{name} redis hit"], by_label[f"{name} peer"]
        rows.append(row(f"{name} (redis hit)", hit, theirs, target=f"<= {HIT_CPU_TARGET_MS} ms CPU"))
    mode = f"{'quick' if args.quick else 'full'}: {rounds} round(s) x {duration:.0f} s, {CONNECTIONS} connections"
    print()
    print(f"catalog reads vs the FastAPI peer {args.label}".rstrip())
    print(
        f"{started_at:%Y-%m-%d %H:%M} UTC, {mode}, {variants:,} variants, tree {args.catalog_dir}, "
        f"{args.threads} threads"
    )
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    print(f"byte-identical: {len(urls) - len(differ)}/{len(urls)} URLs; search count plans: {'; '.join(plans)}")
    print()
    print(
        "| endpoint | Ninja req/s | Ninja CPU ms/req | peer req/s | peer CPU ms/req | Ninja / peer | target | verdict |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for entry in rows:
        print(
            f"| {entry['endpoint']} | {entry['rps']:,.0f} | {fmt(entry['cpu_ms'])} | {entry['peer_rps']:,.0f} | "
            f"{fmt(entry['peer_cpu_ms'])} | {entry['ratio']:.2f}x | {entry['target']} | {entry['verdict']} |"
        )
    if args.save:
        report = {
            "date": started_at.isoformat(timespec="seconds"),
            "label": args.label,
            "mode": mode,
            "variants": variants,
            "catalog_dir": str(args.catalog_dir),
            "load_average": {"before": load_before, "after": load_after},
            "identical_urls": len(urls) - len(differ),
            "urls": urls,
            "differ": differ,
            "search_count_plans": plans,
            "rows": rows,
            "rounds": {s.target.label: s.rounds() for s in summaries},
        }
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(report, indent=1))
        print(f"\n[peer] raw results: {args.save}")
    return 1 if differ else 0


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def row(endpoint: str, ninja: Summary, theirs: Summary, *, target: str) -> dict:
    ratio = ratio_of_rounds(ninja, theirs)
    errors = ninja.errors + theirs.errors
    if "redis" in endpoint:
        ok = cpu_ms(ninja) is not None and cpu_ms(ninja) <= HIT_CPU_TARGET_MS
    else:
        ok = ratio >= TARGET_RATIO
    verdict = ("met" if ok else "**missed**") + (f", {errors} bad answers" if errors else "")
    return {
        "endpoint": endpoint,
        "rps": ninja.rps or 0.0,
        "cpu_ms": cpu_ms(ninja),
        "peer_rps": theirs.rps or 0.0,
        "peer_cpu_ms": cpu_ms(theirs),
        "ratio": ratio,
        "target": target,
        "verdict": verdict,
    }


if __name__ == "__main__":
    sys.exit(main())
