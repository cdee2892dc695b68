"""The benchmarks other parts of the suite ship as scripts, run against services this harness starts.

checkout  ``bench/checkout.py`` (orders): catalog and orders web processes, both services' outbox relays
          and event consumers, and orders' sandbox webhook sender; 50 concurrent guest buyers.
relay     ``bench/relay_throughput.py`` (events).
"""

from __future__ import annotations

import json
import os
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg

from bench.lib import cpu
from bench.lib.context import Context
from bench.lib.environment import PORT_BASE, REPO_ROOT, database_url
from bench.lib.processes import BenchError, run_checked
from bench.lib.servers import Serving, service_path, start_service, tree_env
from bench.lib.stats import Row, median, spread

CHECKOUT = REPO_ROOT / "bench" / "checkout.py"
RELAY = REPO_ROOT / "bench" / "relay_throughput.py"
CATALOG_PORT = PORT_BASE + 31
ORDERS_PORT = PORT_BASE + 33
SETTLE_SECONDS = 2.0
# The unmeasured warm-up run before each measured one (checkout_round).
WARMUP_BUYERS = 10
WARMUP_SECONDS = 5.0
# The production shape on 2 cores (see docs/performance.md), for both web services.
# keep-alive 75 s: with gunicorn's 2 s default, clients reusing an idle connection raced its closing
# ("Connection reset by peer" in the first runs); a proxy in front has the same race.
# Each service on the server it runs on in production (``common.web_server``: granian or gunicorn), so a
# before/after run also measures a change of server; both trees get the same workers and threads.
WEB = Serving("web", "production", workers=2, threads=4, pinned=False, keepalive=75)
# Orders' shoppers long-poll (issue 20): a waiting request holds a thread (idle, no CPU) and at most half
# of a worker's threads wait, so orders gets more threads. Both trees of a before/after run get the same.
ORDERS_WEB = Serving("web", "production", workers=2, threads=int(os.environ.get("BENCH_ORDERS_THREADS", "16")),
                     pinned=False, keepalive=75)  # fmt: skip
BUYERS = 50
MAX_ROUNDS = 3  # checkout and relay runs are long (20 s of buying plus a race; 20,000 events per broker)
THROUGHPUT_SKUS = 20  # the throughput phase spreads its buys over these (as shoppers would)
THROUGHPUT_STOCK = 100_000  # units given to each of them: seeded stock is 0-80 per SKU


def run_checkout(context: Context) -> list[Row]:
    """The checkout benchmark; with ``--baseline DIR`` (run.py) the same rounds against that source tree too.

    Each round runs the throughput phase (CPU of every process of the pipeline read from ``/proc`` before
    and after, and the events both services' outboxes wrote meanwhile), then the scarce race. With a
    baseline, the two trees take turns (round 1: before, after; round 2: after, before; ...), each with
    its own services, relays and consumers started from that tree and its own ``bench/checkout.py``.
    """
    if not CHECKOUT.exists():
        raise BenchError("bench/checkout.py has not landed yet")
    rows = context.ensure_catalog_seeded()
    context.ensure_migrated("orders")
    env = {
        **context.env,
        "CATALOG_URL": f"http://127.0.0.1:{CATALOG_PORT}",
        "ORDERS_URL": f"http://127.0.0.1:{ORDERS_PORT}",
    }
    kafka_note = isolate_kafka(context, env)
    trees: list[tuple[str, Path]] = [("after", REPO_ROOT)]
    baseline = context.settings.baseline
    if baseline is not None:
        if not (baseline / "bench" / "checkout.py").exists():
            raise BenchError(f"--baseline {baseline}: not a checkout of this repository")
        trees = [("before", baseline), ("after", REPO_ROOT)]
    labels = [label for label, _root in trees]
    rounds = min(context.settings.rounds, MAX_ROUNDS)
    running = start_event_pipeline(context, env, trees[0][1])
    copied = wait_for_product_copy(env, timeout=300)
    print(f"[bench] orders holds {copied:,} SKUs copied from catalog's events", flush=True)
    skus, scarce_skus = pick_skus(env, rounds=rounds * len(trees))
    for sku in skus:
        give_stock(env, sku, THROUGHPUT_STOCK)
    duration = 5.0 if context.settings.quick else 20.0
    results: dict[str, list[dict]] = {label: [] for label in labels}
    scarce_index = 0
    for round_index in range(rounds):
        for label, root in trees if round_index % 2 == 0 else list(reversed(trees)):
            if running != root:
                context.processes.stop_all()
                running = start_event_pipeline(context, env, root)
            report = checkout_round(context, env, root, skus, scarce_skus[scarce_index], duration)
            scarce_index += 1
            results[label].append(report)
            print_round(label if baseline else "", round_index, report)
    context.processes.stop_all()
    for label in labels:
        rows.extend(checkout_rows(label if baseline else "", results[label], env, kafka_note))
    return rows


def checkout_round(
    context: Context, env: dict[str, str], root: Path, skus: list[str], scarce_sku: str, duration: float
) -> dict:
    """One throughput phase with the CPU of each process and the events written, then one scarce race."""
    groups = {managed.name: managed.popen.pid for managed in context.processes.started}
    wait_until_idle(groups)
    common = [
        sys.executable, str(CHECKOUT), "--json",
        "--catalog-url", env["CATALOG_URL"], "--orders-url", env["ORDERS_URL"],
    ]  # fmt: skip
    argv = [*common, "--buyers", str(BUYERS), "--duration", str(duration), "--skip-scarce", "--scarce-sku", scarce_sku]
    polls = not has_long_poll(root)
    if polls:
        argv.append("--poll")  # a baseline from before the long-poll: its shoppers poll with backoff
    for sku in skus:
        argv += ["--sku", sku]
    # A short unmeasured run first: each process's first requests and events pay one-time costs (lazy
    # imports, prepared statements, pools) that a shop's warm workers do not; then the events settle.
    warm = [*common, "--buyers", str(WARMUP_BUYERS), "--duration", str(WARMUP_SECONDS), "--skip-scarce"]
    warm += ["--scarce-sku", scarce_sku, *(["--poll"] if polls else [])]
    for sku in skus:
        warm += ["--sku", sku]
    run_checked(warm, cwd=root, env=env, timeout=WARMUP_SECONDS + 400, what="bench/checkout.py (warm-up)", ok=(0, 1))
    time.sleep(SETTLE_SECONDS)
    wait_until_idle(groups)
    since = datetime.now(UTC)
    before = cpu.snapshot(groups)
    output = run_checked(argv, cwd=root, env=env, timeout=duration + 400, what="bench/checkout.py", ok=(0, 1))
    time.sleep(SETTLE_SECONDS)  # the last orders' events (paid, stock committed) reach their handlers
    used = cpu.delta(before, cpu.snapshot(groups))
    until = datetime.now(UTC)
    report = json.loads(output.strip().splitlines()[-1])
    report["cpu_seconds"] = {name: round(seconds, 3) for name, seconds in used.items()}
    report["events"] = events_written(env, since, until)
    report["window"] = [since.isoformat(), until.isoformat()]
    argv = [*common, "--skip-throughput", "--scarce-sku", scarce_sku, "--sku", scarce_sku]
    output = run_checked(argv, cwd=root, env=env, timeout=400, what="bench/checkout.py (scarce)", ok=(0, 1))
    scarce = json.loads(output.strip().splitlines()[-1])
    if "scarce" in scarce:
        report["scarce"] = scarce["scarce"]
    if "error" in scarce:
        report.setdefault("error", scarce["error"])
    return report


def has_long_poll(root: Path) -> bool:
    """Whether that tree's orders answers ``GET orders/{number}?wait=`` (a baseline may predate it)."""
    selectors = root / "orders_service" / "orders" / "orders" / "selectors.py"
    return "def order_wait_for_change" in selectors.read_text(encoding="utf-8")


def wait_until_idle(groups: dict[str, int], *, limit: float = 60.0) -> None:
    """Until the freshly started pipeline is done starting (imports, connections): under 0.3 s CPU in 1 s."""
    deadline = time.monotonic() + limit
    last = cpu.snapshot(groups)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = cpu.snapshot(groups)
        if sum(cpu.delta(last, now).values()) < 0.3:
            return
        last = now


def cpu_per_checkout(report: dict) -> dict[str, float] | None:
    """Milliseconds of CPU per checkout of each kind of process, and ``all``, ``events`` (per event)."""
    checkouts = report.get("throughput", {}).get("checkouts") or 0
    used = report.get("cpu_seconds") or {}
    if not checkouts or not used:
        return None
    kinds: dict[str, float] = {}
    for name, seconds in used.items():
        kind = name.removeprefix("checkout-")
        kinds[kind] = kinds.get(kind, 0.0) + seconds * 1000 / checkouts
    kinds["all"] = sum(seconds for seconds in used.values()) * 1000 / checkouts
    pipeline = sum(seconds for name, seconds in used.items() if name.endswith(("-relay", "-consumer")))
    events = report.get("events") or 0
    kinds["per_event"] = pipeline * 1000 / events if events else float("nan")
    return kinds


def print_round(label: str, round_index: int, report: dict) -> None:
    throughput, scarce = report.get("throughput", {}), report.get("scarce", {})
    per = cpu_per_checkout(report) or {}
    print(
        f"[bench]   round {round_index + 1}{' ' + label if label else ''} checkout: "
        f"{throughput.get('checkouts_per_second')} checkouts/s, "
        f"{figure(throughput, 'paid_per_second')} paid/s, errors {throughput.get('errors')}; "
        f"CPU {per.get('all', float('nan')):.0f} ms/checkout, {per.get('per_event', float('nan')):.2f} ms/event "
        f"({report.get('events')} events); polls {throughput.get('status_requests')}; "
        f"scarce: sold {scarce.get('sold_units')} of {scarce.get('available_before')}, "
        f"oversold {scarce.get('oversold_units')}" + (f"; error: {report['error']}" if "error" in report else ""),
        flush=True,
    )


def checkout_rows(label: str, reports: list[dict], env: dict[str, str], kafka_note: str) -> list[Row]:
    suffix = f" ({label})" if label else ""
    throughputs = [r["throughput"] for r in reports if "throughput" in r]
    scarces = [r["scarce"] for r in reports if "scarce" in r]
    errors = sum(t.get("errors", 0) for t in throughputs) + sum(1 for r in reports if "error" in r)
    rate = median([figure(t, "checkouts_per_second") for t in throughputs])
    paid_rate = median([figure(t, "paid_per_second", "checkouts_per_second") for t in throughputs])
    journey_p50 = median([figure(t, "cart_to_paid_p50_ms", "journey_p50_ms") for t in throughputs])
    first_error = next((r["error"] for r in reports if "error" in r), None) or next(
        (t["first_errors"][0] for t in throughputs if t.get("first_errors")), ""
    )
    rows = [
        Row(
            f"checkout: {BUYERS} buyers{suffix}",
            f"checkout requests, catalog 2w x 4t, orders 2w x {ORDERS_WEB.threads}t",
            rate,
            median([figure(t, "checkout_request_p50_ms") for t in throughputs]),
            median([figure(t, "checkout_request_p99_ms") for t in throughputs]),
            figure=(
                f"{rate or 0:.1f} checkouts/s; {paid_rate or 0:.1f} paid/s, cart to paid p50 {journey_p50 or 0:.0f} ms"
            ),
            target=">= 50 checkouts/s",
            ok=rate is not None and rate >= 50 and not errors,
            note="; ".join(
                note for note in (f"{errors} errors: {first_error[:80]}" if errors else "", kafka_note) if note
            ),
            rounds=reports,
        )
    ]
    per_round = [per for per in (cpu_per_checkout(r) for r in reports) if per]
    if per_round:
        kinds = [kind for kind in per_round[0] if kind not in ("all", "per_event")]
        per_kind = {kind: median([per.get(kind) for per in per_round]) for kind in kinds}
        total = median([per["all"] for per in per_round])
        per_event = median([per["per_event"] for per in per_round])
        events = median([r.get("events") for r in reports])
        polls = median([figure(t, "status_requests") for t in throughputs])
        checkouts = median([t.get("checkouts") for t in throughputs])
        rows.append(
            Row(
                f"checkout: CPU per checkout{suffix}",
                "every process of the pipeline",
                figure=f"{total:.0f} ms ("
                + ", ".join(f"{kind} {ms:.1f}" for kind, ms in per_kind.items() if ms is not None)
                + ")"
                + (f"; {polls / checkouts:.1f} status requests per checkout" if polls and checkouts else ""),
                target="<= 80 ms",
                ok=total <= 80,
            )
        )
        rows.append(
            Row(
                f"events: CPU per event{suffix}",
                "relays + consumers, under checkout load",
                figure=f"{per_event:.2f} ms ({events:.0f} events per round)",
                target="<= 2 ms",
                ok=per_event <= 2,
            )
        )
    oversold = max((s.get("oversold_units", 0) for s in scarces), default=None)
    sold = sum(s.get("sold_units", 0) for s in scarces)
    rows.append(
        Row(
            f"checkout: oversold units{suffix}",
            "30 buyers race for 5 buyers' stock",
            figure=f"{oversold} oversold ({sold} units sold in {len(scarces)} races)",
            target="= 0",
            ok=oversold == 0 and len(scarces) == len(reports),
        )
    )
    windows = [r["window"] for r in reports if "window" in r]
    rows.append(saga_latency_row(env, windows, suffix))
    return rows


def events_written(env: dict[str, str], since: datetime, until: datetime) -> int:
    """Outbox rows both services wrote in the window: the events the pipeline carried."""
    total = 0
    for service in ("catalog", "orders"):
        with psycopg.connect(database_url(env, service), autocommit=True) as connection:
            table = table_named(connection, "%outboxmessage")
            total += connection.execute(
                f'SELECT count(*) FROM "{table}" WHERE created_at >= %s AND created_at < %s', [since, until]
            ).fetchone()[0]
    return total


def isolate_kafka(context: Context, env: dict[str, str]) -> str:
    """Keep the run's events off shared Kafka topics: without a namespace, RabbitMQ (vhost bench) only.

    The services read ``EVENTS_NAMESPACE`` from their settings; where they do not (yet), their topics and
    consumer groups would be the shared ``catalog.products`` / ``orders`` of every other process on the
    machine, so the pipeline runs with ``KAFKA_BOOTSTRAP_SERVERS`` unset and every event goes through
    RabbitMQ's ``bench`` vhost (routing's "only one broker configured" rule). A note says so.
    """
    code = "from common.events import routing; print('NAMESPACE=' + routing.namespace())"
    output = context.manage("catalog", ["shell", "-c", code], timeout=120)
    if f"NAMESPACE={env.get('EVENTS_NAMESPACE', '')}" in output.split():
        return ""
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
    print("[bench] the services ignore EVENTS_NAMESPACE: events go through RabbitMQ (vhost bench) only", flush=True)
    return "EVENTS_NAMESPACE not honoured: events over RabbitMQ only"


def figure(report: dict, *keys: str) -> float | None:
    """The first of ``keys`` present in a report (the script's key names have changed once already)."""
    return next((report[key] for key in keys if report.get(key) is not None), None)


def start_event_pipeline(context: Context, env: dict[str, str], root: Path = REPO_ROOT) -> Path:
    """catalog and orders web processes, each service's relay and consumer, orders' webhook sender (from ``root``)."""
    processes = context.processes
    env = tree_env(env, root)
    for service, port, serving in (("catalog", CATALOG_PORT, WEB), ("orders", ORDERS_PORT, ORDERS_WEB)):
        start_service(
            processes, service=service, serving=serving, port=port, env=env, name=f"checkout-{service}", root=root
        )
    manage = [sys.executable, "manage.py"]
    for service in ("catalog", "orders"):
        cwd = service_path(service, root)
        processes.start(f"{service}-relay", [*manage, "relay_outbox", "--poll-interval", "0.05"], cwd=cwd, env=env)
        processes.start(f"{service}-consumer", [*manage, "consume_events"], cwd=cwd, env=env)
    orders = service_path("orders", root)
    processes.start("orders-webhooks", [*manage, "deliver_sandbox_webhooks", "--loop", "0.1"], cwd=orders, env=env)
    return root


def wait_for_product_copy(env: dict[str, str], *, timeout: float) -> int:
    """Poll orders' product copy until it holds SKUs and stops growing; how many it holds."""
    deadline = time.monotonic() + timeout
    last, stable_since = -1, time.monotonic()
    with psycopg.connect(database_url(env, "orders"), autocommit=True) as connection:
        table = table_named(connection, "%productvariant")
        while time.monotonic() < deadline:
            count = connection.execute(f'SELECT count(*) FROM "{table}" WHERE published').fetchone()[0]
            if count != last:
                last, stable_since = count, time.monotonic()
            elif count > 0 and time.monotonic() - stable_since > 5:
                return count
            time.sleep(0.5)
    if last > 0:
        return last
    raise BenchError(f"orders copied no product from catalog's events in {timeout:.0f}s (relays and consumers up?)")


def pick_skus(env: dict[str, str], *, rounds: int) -> tuple[list[str], list[str]]:
    """Copied, in-stock SKUs for the throughput phase and one fresh scarce SKU per round (>= 5 units)."""
    with psycopg.connect(database_url(env, "orders"), autocommit=True) as connection:
        table = table_named(connection, "%productvariant")
        skus = [row[0] for row in connection.execute(f'SELECT sku FROM "{table}" WHERE published ORDER BY sku')]
    available: dict[str, int] = {}
    with httpx.Client(base_url=env["CATALOG_URL"], timeout=30.0) as client:
        for start in range(0, min(len(skus), 1000), 100):
            response = client.get("/api/catalog/stock", params=[("sku", sku) for sku in skus[start : start + 100]])
            if response.status_code != 200:
                raise BenchError(f"catalog's stock endpoint answered {response.status_code}")
            available.update({row["sku"]: int(row["available"]) for row in response.json()})
    in_stock = sorted((sku for sku, units in available.items() if units >= 5), key=lambda sku: -available[sku])
    # Scarce SKUs keep their seeded stock (a reused bench database has boosted throughput SKUs, and a
    # cart line holds at most 999 units); the throughput phase takes the most available of the rest.
    scarce = [sku for sku in in_stock if available[sku] < 1000][:rounds]
    throughput = [sku for sku in in_stock if sku not in scarce][:THROUGHPUT_SKUS]
    if len(scarce) < rounds or len(throughput) < THROUGHPUT_SKUS:
        raise BenchError(f"only {len(in_stock)} copied SKUs have stock; need {rounds + THROUGHPUT_SKUS}")
    return throughput, scarce


def give_stock(env: dict[str, str], sku: str, units: int) -> None:
    """Bench fixture: put ``units`` on hand for the throughput SKU in bench_catalog (seeded stock is <= 80)."""
    with psycopg.connect(database_url(env, "catalog"), autocommit=True) as connection:
        stock, variant = table_named(connection, "%_stock"), table_named(connection, "%_variant")
        connection.execute(
            f'UPDATE "{stock}" SET on_hand = %s WHERE variant_id = (SELECT id FROM "{variant}" WHERE sku = %s)',
            [units, sku],
        )


def table_named(connection: psycopg.Connection, pattern: str) -> str:
    row = connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename LIKE %s ORDER BY tablename",
        [pattern],
    ).fetchone()
    if row is None:
        raise BenchError(f"no table like {pattern!r}: did the migrations land?")
    return row[0]


RELAY_LINE = re.compile(r"^(rabbitmq|kafka)((?:\s+(?:[\d.]+|nan))+)\s*$")


def run_relay(context: Context) -> list[Row]:
    """``bench/relay_throughput.py`` once per round (the common test project, in bench_tasks).

    It writes N outbox rows and times the relay to each broker, then commits events at a fixed rate
    with a relay and a consumer running and records commit-to-handler latency.
    """
    if not RELAY.exists():
        raise BenchError("bench/relay_throughput.py has not landed yet")
    context.ensure_databases()
    env = {**context.env, "COMMONTEST_DATABASE_URL": database_url(context.env, "tasks")}
    quick = context.settings.quick
    events, latency_events = (2_000, 100) if quick else (10_000, 600)
    argv = [sys.executable, str(RELAY), "--events", str(events), "--latency-events", str(latency_events)]
    runs: dict[str, list[dict]] = {"rabbitmq": [], "kafka": []}
    for round_index in range(min(context.settings.rounds, MAX_ROUNDS)):
        output = run_checked(argv, cwd=REPO_ROOT, env=env, timeout=900, what="bench/relay_throughput.py")
        for line in output.splitlines():
            match = RELAY_LINE.match(line.strip())
            if match:
                # columns: events, relayed/s, [handled/s,] latency n, p50 ms, p99 ms
                broker, numbers = match.group(1), [float(word) for word in match.group(2).split()]
                sent, rate, measured, p50, p99 = numbers[0], numbers[1], numbers[-3], numbers[-2], numbers[-1]
                handled = numbers[2] if len(numbers) == 6 else None
                runs[broker].append(
                    {"events": int(sent), "rate": rate, "handled_rate": handled, "latency_n": int(measured),
                     "p50_ms": p50, "p99_ms": p99}
                )  # fmt: skip
                print(
                    f"[bench]   round {round_index + 1} relay {broker}: {rate:,.0f} events/s relayed"
                    + (f", {handled:,.0f}/s handled" if handled is not None else "")
                    + f"; commit to handler p50 {p50:.0f} ms, p99 {p99:.0f} ms ({measured:.0f} events)",
                    flush=True,
                )
        if not any(runs.values()):
            raise BenchError(f"bench/relay_throughput.py printed no broker line:\n{output[-800:]}")
    rows = []
    for broker, results in runs.items():
        if not results:
            rows.append(Row(f"relay: outbox to {broker}", "-", figure="no result", ok=False))
            continue
        rate = median([r["rate"] for r in results])
        rows.append(
            Row(
                f"relay: outbox to {broker}",
                f"{events:,} events, batch 500",
                None,
                figure=f"{rate:,.0f} events/s relayed (rounds {spread([r['rate'] for r in results]) or '-'})"
                + (
                    f"; consumer {median([r['handled_rate'] for r in results]):,.0f}/s"
                    if all(r.get("handled_rate") is not None for r in results)
                    else ""
                ),
                target=">= 2,000 events/s",
                ok=rate >= 2000,
                rounds=results,
            )
        )
    for broker, results in runs.items():
        if not results:
            continue
        p50 = median([r["p50_ms"] for r in results])
        rows.append(
            Row(
                f"events: commit to handler ({broker})",
                f"{latency_events:,} events at 200/s",
                None,
                p50,
                median([r["p99_ms"] for r in results]),
                figure=f"median {p50:,.0f} ms",
                target="median < 1,000 ms",
                ok=p50 < 1000 and all(r["latency_n"] == latency_events for r in results),
                note="" if all(r["latency_n"] == latency_events for r in results) else "some events not handled",
            )
        )
    return rows


def saga_latency_row(env: dict[str, str], windows: list[list[str]], suffix: str = "") -> Row:
    """Checkout saga, commit to handler: order ``pending`` -> ``awaiting_payment`` from orders' history.

    That span is orders' commit of ``order_placed``, the relay to RabbitMQ, catalog's handler reserving
    stock and committing ``stock_reserved``, the relay back and orders' handler: the whole round trip.
    Orders placed in the given ``[since, until]`` windows (the throughput phases) only.
    """
    spans: list[float] = []
    with psycopg.connect(database_url(env, "orders"), autocommit=True) as connection:
        history = table_named(connection, "%orderstatuschange")
        for since, until in windows:
            spans += [
                float(row[0])
                for row in connection.execute(
                    f"""
                    SELECT EXTRACT(EPOCH FROM (reserved.created_at - placed.created_at)) * 1000
                    FROM "{history}" placed
                    JOIN "{history}" reserved ON reserved.order_id = placed.order_id
                    WHERE placed.to_status = 'pending' AND reserved.to_status = 'awaiting_payment'
                      AND placed.created_at >= %s AND placed.created_at < %s
                    """,
                    [since, until],
                )
            ]
    spans.sort()
    if not spans:
        return Row(f"checkout saga: commit to handler{suffix}", "-", figure="no reserved order found", ok=False)
    p50 = median(spans)
    p99 = spans[min(len(spans) - 1, round(0.99 * len(spans)) - 1)]
    return Row(
        f"checkout saga: commit to handler{suffix}",
        "pending -> awaiting_payment",
        None,
        p50,
        p99,
        figure=f"median {p50:,.0f} ms over {len(spans):,} orders",
        target="median < 1,000 ms",
        ok=p50 < 1000,
    )
