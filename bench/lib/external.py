"""The benchmarks other parts of the suite ship as scripts, run against services this harness starts.

checkout  ``bench/checkout.py`` (orders): catalog and orders web processes, both services' outbox relays
          and event consumers, and orders' sandbox webhook sender; 50 concurrent guest buyers.
relay     ``bench/relay_throughput.py`` (events).
"""

from __future__ import annotations

import json
import re
import sys
import time
from datetime import UTC, datetime

import httpx
import psycopg

from bench.lib.context import Context
from bench.lib.environment import REPO_ROOT, database_url
from bench.lib.processes import BenchError, run_checked
from bench.lib.servers import Serving, service_path, start_service
from bench.lib.stats import Row, median, spread

CHECKOUT = REPO_ROOT / "bench" / "checkout.py"
RELAY = REPO_ROOT / "bench" / "relay_throughput.py"
CATALOG_PORT = 18831
ORDERS_PORT = 18833
# The production shape on 2 cores (see docs/performance.md), for both web services.
# keep-alive 75 s: with gunicorn's 2 s default, clients reusing an idle connection raced its closing
# ("Connection reset by peer" in the first runs); a proxy in front has the same race.
WEB = Serving("web", "gthread", workers=2, threads=4, pinned=False, keepalive=75)
BUYERS = 50
MAX_ROUNDS = 3  # checkout and relay runs are long (20 s of buying plus a race; 20,000 events per broker)
THROUGHPUT_SKUS = 20  # the throughput phase spreads its buys over these (as shoppers would)
THROUGHPUT_STOCK = 100_000  # units given to each of them: seeded stock is 0-80 per SKU


def run_checkout(context: Context) -> list[Row]:
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
    start_event_pipeline(context, env)
    copied = wait_for_product_copy(env, timeout=300)
    print(f"[bench] orders holds {copied:,} SKUs copied from catalog's events", flush=True)
    skus, scarce_skus = pick_skus(env, rounds=min(context.settings.rounds, MAX_ROUNDS))
    for sku in skus:
        give_stock(env, sku, THROUGHPUT_STOCK)
    duration = 5.0 if context.settings.quick else 20.0
    reports = []
    since = datetime.now(UTC)
    for round_index in range(min(context.settings.rounds, MAX_ROUNDS)):
        argv = [
            sys.executable, str(CHECKOUT), "--json",
            "--catalog-url", env["CATALOG_URL"], "--orders-url", env["ORDERS_URL"],
            "--buyers", str(BUYERS), "--duration", str(duration),
            "--scarce-sku", scarce_skus[round_index],
        ]  # fmt: skip
        for sku in skus:
            argv += ["--sku", sku]
        output = run_checked(argv, cwd=REPO_ROOT, env=env, timeout=duration + 400, what="bench/checkout.py", ok=(0, 1))
        report = json.loads(output.strip().splitlines()[-1])
        reports.append(report)
        throughput, scarce = report.get("throughput", {}), report.get("scarce", {})
        print(
            f"[bench]   round {round_index + 1} checkout: {throughput.get('checkouts_per_second')} checkouts/s, "
            f"{figure(throughput, 'paid_per_second')} paid/s, errors {throughput.get('errors')}; "
            f"scarce: sold {scarce.get('sold_units')} of {scarce.get('available_before')}, "
            f"oversold {scarce.get('oversold_units')}" + (f"; error: {report['error']}" if "error" in report else ""),
            flush=True,
        )
    saga = saga_latency_row(env, since)
    context.processes.stop_all()
    throughputs = [r["throughput"] for r in reports if "throughput" in r]
    scarces = [r["scarce"] for r in reports if "scarce" in r]
    errors = sum(t.get("errors", 0) for t in throughputs) + sum(1 for r in reports if "error" in r)
    rate = median([figure(t, "checkouts_per_second") for t in throughputs])
    paid_rate = median([figure(t, "paid_per_second", "checkouts_per_second") for t in throughputs])
    journey_p50 = median([figure(t, "cart_to_paid_p50_ms", "journey_p50_ms") for t in throughputs])
    first_error = next((r["error"] for r in reports if "error" in r), None) or next(
        (t["first_errors"][0] for t in throughputs if t.get("first_errors")), ""
    )
    rows.append(
        Row(
            f"checkout: {BUYERS} buyers",
            "checkout requests, 2x(2w x 4t)",
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
    )
    oversold = max((s.get("oversold_units", 0) for s in scarces), default=None)
    sold = sum(s.get("sold_units", 0) for s in scarces)
    rows.append(
        Row(
            "checkout: oversold units",
            "30 buyers race for 5 buyers' stock",
            figure=f"{oversold} oversold ({sold} units sold in {len(scarces)} races)",
            target="= 0",
            ok=oversold == 0 and len(scarces) == len(reports),
        )
    )
    rows.append(saga)
    return rows


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


def start_event_pipeline(context: Context, env: dict[str, str]) -> None:
    """catalog and orders web processes, each service's relay and consumer, orders' webhook sender."""
    processes = context.processes
    start_service(processes, service="catalog", serving=WEB, port=CATALOG_PORT, env=env, name="checkout-catalog")
    start_service(processes, service="orders", serving=WEB, port=ORDERS_PORT, env=env, name="checkout-orders")
    manage = [sys.executable, "manage.py"]
    for service in ("catalog", "orders"):
        cwd = service_path(service)
        processes.start(f"{service}-relay", [*manage, "relay_outbox", "--poll-interval", "0.05"], cwd=cwd, env=env)
        processes.start(f"{service}-consumer", [*manage, "consume_events"], cwd=cwd, env=env)
    orders = service_path("orders")
    processes.start("orders-webhooks", [*manage, "deliver_sandbox_webhooks", "--loop", "0.1"], cwd=orders, env=env)


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


def saga_latency_row(env: dict[str, str], since: datetime) -> Row:
    """Checkout saga, commit to handler: order ``pending`` -> ``awaiting_payment`` from orders' history.

    That span is orders' commit of ``order_placed``, the relay to RabbitMQ, catalog's handler reserving
    stock and committing ``stock_reserved``, the relay back and orders' handler: the whole round trip.
    """
    with psycopg.connect(database_url(env, "orders"), autocommit=True) as connection:
        history = table_named(connection, "%orderstatuschange")
        spans = [
            row[0]
            for row in connection.execute(
                f"""
                SELECT EXTRACT(EPOCH FROM (reserved.created_at - placed.created_at)) * 1000
                FROM "{history}" placed
                JOIN "{history}" reserved ON reserved.order_id = placed.order_id
                WHERE placed.to_status = 'pending' AND reserved.to_status = 'awaiting_payment'
                  AND placed.created_at >= %s
                """,
                [since],
            )
        ]
    spans = sorted(float(span) for span in spans)
    if not spans:
        return Row("checkout saga: commit to handler", "-", figure="no reserved order found", ok=False)
    p50 = median(spans)
    p99 = spans[min(len(spans) - 1, round(0.99 * len(spans)) - 1)]
    return Row(
        "checkout saga: commit to handler",
        "pending -> awaiting_payment",
        None,
        p50,
        p99,
        figure=f"median {p50:,.0f} ms over {len(spans):,} orders",
        target="median < 1,000 ms",
        ok=p50 < 1000,
    )
