"""The benchmarks ``bench/run.py`` runs, each returning rows of the results table.

serving   catalog list (database) under gunicorn gthread / sync / uvicorn ASGI, one pinned worker each
workers   catalog list (database) on the whole machine: 2, 3 or 4 gthread workers
catalog   list, filtered list, search, detail: Django Ninja vs the plain JsonResponse views (>= 0.9x)
cache     Redis cache hits of list and detail vs the plain views serving the cached bytes (>= 0.9x)
openloop  fixed arrival rate of 300 req/s per worker: p99 <= 50 ms cached, <= 100 ms database list
checkout  bench/checkout.py: checkouts/s with 50 buyers (>= 50/s), oversold units (= 0)
relay     bench/relay_throughput.py: outbox to RabbitMQ and Kafka (>= 2,000 events/s), saga latency (< 1 s)
"""

from __future__ import annotations

from collections.abc import Callable

from bench.lib import catalog, external
from bench.lib.context import Context
from bench.lib.environment import PORT_BASE
from bench.lib.loads import Summary, Target, closed_loop, open_loop
from bench.lib.servers import LOAD_CPU, Serving, start_service
from bench.lib.stats import Row, median

# One pinned worker each; the figures are per worker (a 2-core machine runs two of them).
SERVINGS = [
    Serving("gthread-4", "gthread", threads=4),
    Serving("gthread-2", "gthread", threads=2),
    Serving("gthread-8", "gthread", threads=8),
    Serving("sync", "sync"),
    # Django's advice for ASGI: no persistent connections (each request's thread would keep its own
    # and exhaust PostgreSQL's max_connections, which it did in the first runs).
    Serving("asgi", "uvicorn.workers.UvicornWorker", env={"DATABASE_CONN_MAX_AGE": "0"}),
    Serving("gthread-4-noconn", "gthread", threads=4, env={"DATABASE_CONN_MAX_AGE": "0"}),
]
QUICK_SERVINGS = ["gthread-4", "sync", "asgi"]
RECOMMENDED = SERVINGS[0]
# Whole machine (2 cores, nothing pinned, wrk sharing the cores): how many workers to run.
MACHINE_SERVINGS = [
    Serving("2w-4t", "gthread", workers=2, threads=4, pinned=False),
    Serving("3w-4t", "gthread", workers=3, threads=4, pinned=False),
    Serving("4w-2t", "gthread", workers=4, threads=2, pinned=False),
]
MACHINE_CONNECTIONS = 32
OPEN_LOOP_RATE = 300.0  # requests per second per worker
RATIO_TARGET = 0.9
FIRST_PORT = PORT_BASE + 1


def run_serving(context: Context) -> list[Row]:
    """Catalog list from the database (cache off) under each worker class, interleaved in one run."""
    rows = seed_rows(context)
    servings = [s for s in SERVINGS if not context.settings.quick or s.name in QUICK_SERVINGS]
    env = {**context.env, "CATALOG_RESPONSE_CACHE": "false"}
    targets = []
    for offset, serving in enumerate(servings):
        port = FIRST_PORT + offset
        server = start_service(
            context.processes, service="catalog", serving=serving, port=port, env=env, name=f"catalog-{serving.name}"
        )
        base = f"http://127.0.0.1:{port}"
        targets.append(Target(serving.label, base, catalog.sample(base).list_paths, server.popen.pid))
    summaries = run_closed(context, targets)
    for serving, summary in zip(servings, summaries, strict=True):
        ratio = paired_ratio(summary, summaries[0])
        is_asgi = serving.worker_class.startswith("uvicorn")
        rows.append(
            Row(
                "serving: catalog list (db)",
                serving.label,
                summary.rps, summary.p50_ms, summary.p99_ms,
                figure=f"{ratio:.2f}x {RECOMMENDED.label}; {cpu_text(summary)}",
                target=">= 0.9x WSGI to pick ASGI" if is_asgi else "fastest wins",
                ok=None,
                note=errors_note(summary.errors),
                rounds=summary.rounds(),
            )
        )  # fmt: skip
    context.processes.stop_all()
    return rows


def run_workers(context: Context) -> list[Row]:
    """Catalog list (database) on the whole machine: worker and thread counts, wrk sharing the cores."""
    rows = seed_rows(context)
    servings = MACHINE_SERVINGS[:2] if context.settings.quick else MACHINE_SERVINGS
    env = {**context.env, "CATALOG_RESPONSE_CACHE": "false"}
    targets = []
    for offset, serving in enumerate(servings):
        port = FIRST_PORT + 10 + offset
        name = f"catalog-{serving.name}"
        server = start_service(context.processes, service="catalog", serving=serving, port=port, env=env, name=name)
        base = f"http://127.0.0.1:{port}"
        targets.append(Target(serving.label, base, catalog.sample(base).list_paths, server.popen.pid))
    summaries = run_closed(context, targets, connections=MACHINE_CONNECTIONS, cpu=None)
    for serving, summary in zip(servings, summaries, strict=True):
        ratio = paired_ratio(summary, summaries[0])
        rows.append(
            Row(
                "workers: catalog list (db), 2 cores",
                serving.label,
                summary.rps, summary.p50_ms, summary.p99_ms,
                figure=f"{ratio:.2f}x {servings[0].label}, {MACHINE_CONNECTIONS} connections; {cpu_text(summary)}",
                target="fastest wins",
                note=errors_note(summary.errors),
                rounds=summary.rounds(),
            )
        )  # fmt: skip
    context.processes.stop_all()
    return rows


def run_catalog(context: Context) -> list[Row]:
    """Each shopper read endpoint against its plain Django twin, database path (response cache off)."""
    rows = seed_rows(context)
    env = {**context.env, "CATALOG_RESPONSE_CACHE": "false"}
    base = f"http://127.0.0.1:{FIRST_PORT}"
    server = start_service(
        context.processes, service="catalog", serving=RECOMMENDED, port=FIRST_PORT, env=env, name="catalog-db"
    )
    sample = catalog.sample(base)
    rows += compare_with_plain(context, base, sample.endpoint_pairs(), section="catalog (db)", pgid=server.popen.pid)
    context.processes.stop_all()
    return rows


def run_cache(context: Context) -> list[Row]:
    """Cached list and detail (Redis hits) against the plain views serving the same cached bytes."""
    rows = seed_rows(context)
    env = {**context.env, "CATALOG_RESPONSE_CACHE": "true"}
    base = f"http://127.0.0.1:{FIRST_PORT}"
    server = start_service(
        context.processes, service="catalog", serving=RECOMMENDED, port=FIRST_PORT, env=env, name="catalog-cached"
    )
    sample = catalog.sample(base)
    pairs = sample.cached_pairs()
    catalog.warm(base, [path for _, ninja, plain in pairs for path in (*ninja, *plain)])
    rows += compare_with_plain(context, base, pairs, section="cache hits", pgid=server.popen.pid)
    context.processes.stop_all()
    return rows


def run_openloop(context: Context) -> list[Row]:
    """300 req/s per worker at a fixed arrival rate: p99 of cached answers and of the database list."""
    rows = seed_rows(context)
    cached_base = f"http://127.0.0.1:{FIRST_PORT}"
    db_base = f"http://127.0.0.1:{FIRST_PORT + 1}"
    start_service(
        context.processes, service="catalog", serving=RECOMMENDED, port=FIRST_PORT,
        env={**context.env, "CATALOG_RESPONSE_CACHE": "true"}, name="catalog-cached",
    )  # fmt: skip
    start_service(
        context.processes, service="catalog", serving=RECOMMENDED, port=FIRST_PORT + 1,
        env={**context.env, "CATALOG_RESPONSE_CACHE": "false"}, name="catalog-db",
    )  # fmt: skip
    cached = catalog.sample(cached_base)
    db = catalog.sample(db_base)
    plan = [
        (Target("cached list", cached_base, cached.list_paths), 50.0),
        (Target("cached detail", cached_base, cached.detail_paths), 50.0),
        (Target("database list", db_base, db.list_paths), 100.0),
    ]
    catalog.warm(cached_base, cached.list_paths + cached.detail_paths)
    duration = 5.0 if context.settings.quick else 15.0
    results: dict[str, list] = {target.label: [] for target, _ in plan}
    for round_index in range(context.settings.rounds):
        order = plan[round_index % len(plan) :] + plan[: round_index % len(plan)]
        for target, _ in order:
            result = open_loop(target, rate=OPEN_LOOP_RATE, duration=duration, env=context.env)
            results[target.label].append(result)
            print(
                f"[bench]   round {round_index + 1} open loop {target.label}: {result.rps:,.0f} req/s achieved, "
                f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, {result.errors} errors",
                flush=True,
            )
    for target, limit in plan:
        runs = results[target.label]
        p99 = median([run.p99_ms for run in runs])
        errors = sum(run.errors for run in runs)
        rows.append(
            Row(
                "open loop 300 req/s/worker",
                f"{target.label} ({RECOMMENDED.label})",
                median([run.rps for run in runs]), median([run.p50_ms for run in runs]), p99,
                figure=f"p99 {p99:.1f} ms (worst round {max(run.p99_ms for run in runs):.1f})",
                target=f"p99 <= {limit:.0f} ms",
                ok=p99 is not None and p99 <= limit and errors == 0,
                note=errors_note(errors),
                rounds=[{"rps": r.rps, "p50_ms": r.p50_ms, "p99_ms": r.p99_ms, **r.extra} for r in runs],
            )
        )  # fmt: skip
    context.processes.stop_all()
    return rows


def compare_with_plain(context: Context, base: str, pairs: list, *, section: str, pgid: int) -> list[Row]:
    """Interleave Ninja and plain for each (name, ninja paths, plain paths); a row per endpoint.

    The verdict is on requests per second (median of per-round ratios). The server's CPU time per
    request is shown beside it: on a machine other work shares it is the steadier of the two, and on a
    quiet machine (CPU-bound worker) the two ratios agree.
    """
    targets = []
    for name, ninja_paths, plain_paths in pairs:
        targets.append(Target(f"{name} ninja", base, ninja_paths, pgid))
        targets.append(Target(f"{name} plain", base, plain_paths, pgid))
    same = {name: catalog.same_bytes(base, ninja, plain) for name, ninja, plain in pairs}
    summaries = run_closed(context, targets)
    rows = []
    for index, (name, _, _) in enumerate(pairs):
        ninja, plain = summaries[2 * index], summaries[2 * index + 1]
        ratio = paired_ratio(ninja, plain)
        bytes_note = "" if same[name] else "bytes differ from plain"
        notes = ", ".join(note for note in (errors_note(ninja.errors + plain.errors), bytes_note) if note)
        rows.append(
            Row(
                f"{section}: {name}",
                "ninja vs plain",
                ninja.rps, ninja.p50_ms, ninja.p99_ms,
                figure=(
                    f"{ratio:.2f}x plain ({plain.rps:,.0f} req/s, p99 {plain.p99_ms:.1f} ms); "
                    f"CPU/req {cpu_ratio(plain, ninja):.2f}x ({cpu_text(ninja)} vs {plain.cpu_us or 0:,.0f})"
                ),
                target=f">= {RATIO_TARGET}x plain",
                ok=ratio >= RATIO_TARGET and not (ninja.errors or plain.errors),
                note=notes,
                rounds=[{"ninja": ninja.rounds(), "plain": plain.rounds()}],
            )
        )  # fmt: skip
    return rows


def cpu_text(summary: Summary) -> str:
    return f"CPU {summary.cpu_us:,.0f} us/req" if summary.cpu_us is not None else "CPU -"


def cpu_ratio(reference: Summary, summary: Summary) -> float:
    """Median over the rounds of reference CPU per request over this one's (>1: this one is cheaper)."""
    ratios = [
        theirs.extra["cpu_us_per_request"] / mine.extra["cpu_us_per_request"]
        for mine, theirs in zip(summary.results, reference.results, strict=False)
        if mine.extra.get("cpu_us_per_request") and theirs.extra.get("cpu_us_per_request") is not None
    ]
    return median(ratios) or 0.0


def paired_ratio(summary: Summary, reference: Summary) -> float:
    """Median over the rounds of this round's req/s over the reference's in the same round.

    Each round runs both close together, so a ratio per round cancels most of the drift of a machine
    that other work shares; the median of those ratios is steadier than the ratio of the medians.
    """
    ratios = [
        mine.rps / theirs.rps for mine, theirs in zip(summary.results, reference.results, strict=False) if theirs.rps
    ]
    return median(ratios) or 0.0


def run_closed(context: Context, targets: list[Target], *, connections: int | None = None, cpu: int | None = LOAD_CPU):
    settings = context.settings
    return closed_loop(
        targets,
        rounds=settings.rounds,
        duration=settings.duration,
        warmup=settings.warmup,
        connections=connections or settings.connections,
        cpu=cpu,
        env=context.env,
    )


def seed_rows(context: Context) -> list[Row]:
    return context.ensure_catalog_seeded()


def errors_note(errors: int) -> str:
    return f"{errors} bad answers" if errors else ""


RUNNERS: dict[str, Callable[[Context], list[Row]]] = {
    "serving": run_serving,
    "workers": run_workers,
    "catalog": run_catalog,
    "cache": run_cache,
    "openloop": run_openloop,
    "checkout": external.run_checkout,
    "relay": external.run_relay,
}
NAMES = tuple(RUNNERS)
