"""Events backbone benchmark: outbox -> broker throughput, and commit -> handler latency.

    eval "$(scripts/start_test_infra.sh)"
    uv run python bench/relay_throughput.py                 # 20,000 events per broker, 1,000 for latency
    uv run python bench/relay_throughput.py --events 5000 --latency-events 300 --rate 200

It runs the common test project (``common/tests/settings.py``: PostgreSQL when
``COMMONTEST_DATABASE_URL`` is set, else SQLite), migrates it, and in a unique namespace:

1. Throughput: writes N pending outbox rows, then times ``OutboxRelay.relay_pending()`` (batches of
   ``--batch-size``, publisher confirms / delivery reports) to RabbitMQ, then to Kafka. Target >= 2,000/s.
   Then one consumer applies that backlog (inbox row + handler + ack/commit per event): handled/s.
2. Latency: a relay loop and a consumer loop run in threads (as ``relay_outbox`` and ``consume_events``
   would); events are committed one per transaction at a fixed rate (open loop); the handler records
   ``now - occurred_at``. Prints the median and p99 per broker.

Everything it creates (rows, queues, exchanges, topics) is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

COMMON_DIR = Path(__file__).resolve().parents[1] / "common"
sys.path.insert(0, str(COMMON_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")


def main() -> int:
    parser = argparse.ArgumentParser(description="outbox relay throughput and commit-to-handler latency")
    parser.add_argument("--events", type=int, default=20_000, help="events per broker for the throughput run")
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--latency-events", type=int, default=1_000)
    parser.add_argument("--rate", type=float, default=50.0, help="events committed per second (latency run)")
    parser.add_argument("--poll-interval", type=float, default=0.2, help="relay idle poll (relay_outbox default)")
    parser.add_argument("--broker", action="append", choices=["rabbitmq", "kafka"], help="default: both")
    arguments = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    run_id = uuid.uuid4().hex[:8]
    brokers = arguments.broker or ["rabbitmq", "kafka"]
    urls = {"rabbitmq": os.environ.get("RABBITMQ_URL", ""), "kafka": os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "")}
    missing = [broker for broker in brokers if not urls[broker]]
    if missing:
        print(f'set {", ".join(missing)} first: eval "$(scripts/start_test_infra.sh)"', file=sys.stderr)
        return 2
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {database}; namespaces bench-{run_id}-*; batch {arguments.batch_size}")
    print(f"{'broker':<9} {'events':>7} {'relayed/s':>9} {'handled/s':>9} {'latency n':>9} {'p50 ms':>8} {'p99 ms':>8}")
    for broker in brokers:
        settings.RABBITMQ_URL = urls["rabbitmq"] if broker == "rabbitmq" else ""
        settings.KAFKA_BOOTSTRAP_SERVERS = urls["kafka"] if broker == "kafka" else ""
        try:  # a namespace per phase: no phase queues behind another's backlog
            settings.EVENTS_NAMESPACE = f"bench-{run_id}-latency."
            latencies = latency(arguments.latency_events, arguments.rate, arguments.poll_interval)
            cleanup(broker, urls[broker])
            settings.EVENTS_NAMESPACE = f"bench-{run_id}-throughput."
            rate = throughput(arguments.events, arguments.batch_size)
            handled = consumer_throughput(arguments.events)
        finally:
            cleanup(broker, urls[broker])
        p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
        figures = f"{rate:>9.0f} {handled:>9.0f} {len(latencies):>9} {p50:>8.1f} {p99:>8.1f}"
        print(f"{broker:<9} {arguments.events:>7} {figures}")
    return 0


def throughput(count: int, batch_size: int) -> float:
    """Events per second from pending outbox rows to confirmed-by-the-broker rows."""
    from tests.events.contracts import NoteRecorded

    from common.events.envelope import envelope_for
    from common.events.outbox.models import OutboxMessage
    from common.events.outbox.relay import OutboxRelay

    rows = []
    for index in range(count):
        envelope = envelope_for(NoteRecorded(text="x" * 200, sequence=index), key=f"key-{index % 50}")
        rows.append(
            OutboxMessage(
                event_id=envelope.event_id,
                event_type=envelope.type,
                version=envelope.version,
                key=envelope.key,
                envelope=envelope.model_dump(mode="json"),
            )
        )
    OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    relay = OutboxRelay(batch_size=batch_size)
    try:
        relay.relay_batch()  # connect, declare the topology / create the topics: not part of the figure
        started = time.perf_counter()
        result = relay.relay_pending()
        elapsed = time.perf_counter() - started
    finally:
        relay.close()
    if result.failed:
        raise SystemExit(f"{result.failed} events were not confirmed")
    return (result.sent) / elapsed


def consumer_throughput(count: int) -> float:
    """Events per second one consumer applies from a backlog (from the first handled to the last)."""
    from tests.events.handlers import note_recorded

    from common.events.inbox.runner import consume
    from common.events.transports import ConsumeLimits

    handled_at: list[float] = []

    def timed_handler(event, envelope) -> None:
        note_recorded(event, envelope)
        handled_at.append(time.perf_counter())

    limits = ConsumeLimits(max_messages=count, timeout=300)
    consume(service="commontest", handlers={"commontest.note_recorded": timed_handler}, limits=limits)
    if len(handled_at) < 2:
        return float("nan")
    return (len(handled_at) - 1) / (handled_at[-1] - handled_at[0])


def latency(count: int, rate: float, poll_interval: float) -> list[float]:
    """Milliseconds from each event's commit to its handler, relay and consumer running in threads."""
    from django.db import connection, transaction
    from tests.events.contracts import NoteRecorded
    from tests.events.handlers import note_recorded

    from common.events import publish
    from common.events.inbox.runner import consume
    from common.events.outbox.relay import OutboxRelay
    from common.events.transports import ConsumeLimits

    latencies: list[float] = []
    measuring = threading.Event()

    def timed_handler(event, envelope) -> None:
        note_recorded(event, envelope)
        if measuring.is_set() and event.sequence >= 0:
            latencies.append((datetime.now(UTC) - envelope.occurred_at).total_seconds() * 1000)

    handlers = {"commontest.note_recorded": timed_handler}
    stop = threading.Event()
    warm = threading.Event()
    limits = ConsumeLimits(stop=stop)

    def relay_loop() -> None:
        relay = OutboxRelay()
        try:
            relay.run(stop=stop, poll_interval=poll_interval)
        finally:
            relay.close()
            connection.close()

    def consumer_loop() -> None:
        try:
            consume(service="commontest", handlers=handlers, limits=limits)
        finally:
            connection.close()

    threads = [threading.Thread(target=relay_loop, daemon=True), threading.Thread(target=consumer_loop, daemon=True)]
    for thread in threads:
        thread.start()
    try:
        with transaction.atomic():  # warm-up: the consumer joined its group / declared its queue
            publish(NoteRecorded(text="warm-up", sequence=-1), key="warm-up")
        deadline = time.monotonic() + 60
        while limits.processed < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        warm.set()
        measuring.set()
        started = time.perf_counter()
        for index in range(count):
            due = started + index / rate
            time.sleep(max(0.0, due - time.perf_counter()))
            with transaction.atomic():
                publish(NoteRecorded(text="timed", sequence=index), key=f"key-{index % 50}")
        deadline = time.monotonic() + 60
        while len(latencies) < count and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    return latencies


def percentile(values: list[float], pct: int) -> float:
    if not values:
        return float("nan")
    if pct == 50:
        return statistics.median(values)
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def cleanup(broker: str, url: str) -> None:
    from django.db import connection
    from tests.events.fixtures import _delete_kafka_topics, _delete_rabbitmq_objects
    from tests.events.models import AppliedNote

    from common.events.inbox.models import ProcessedEvent
    from common.events.outbox.models import OutboxMessage

    tables = [model._meta.db_table for model in (OutboxMessage, ProcessedEvent, AppliedNote)]
    if connection.vendor == "postgresql":  # TRUNCATE: no dead rows left to slow the next phase down
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
    else:
        for model in (OutboxMessage, ProcessedEvent, AppliedNote):
            model.objects.all().delete()
    if broker == "rabbitmq":
        _delete_rabbitmq_objects(url)
    else:
        _delete_kafka_topics(url)


if __name__ == "__main__":
    sys.exit(main())
