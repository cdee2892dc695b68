"""Events backbone under a poison row: healthy commit-to-handler latency, clean vs. with poison.

    eval "$(scripts/start_test_infra.sh)"       # or source a helper's env file
    uv run python bench/events_poison.py                      # 600 healthy events at 20/s per run
    uv run python bench/events_poison.py --events 300 --rate 10 --broker rabbitmq

For each broker it runs the relay loop and a consumer loop in threads (as ``relay_outbox`` and
``consume_events`` would) and commits healthy events one per transaction at a fixed rate (open loop),
twice: a clean run, then a run where poison rows are committed among them (the first before the
healthy traffic, then one every ``--poison-every`` seconds). The poison is what fails in production:
on RabbitMQ a row of a type no queue is bound to (unroutable), on Kafka a 1.1 MB row ``produce()``
refuses. It prints the healthy events' median and p99 commit-to-handler latency of both runs, their
ratio (target: within 2x of the clean run), and how the poison rows ended (parked, with their error).

It uses the common test project (``common/tests/settings.py``: PostgreSQL when
``COMMONTEST_DATABASE_URL`` is set); everything it creates is removed at the end.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

COMMON_DIR = Path(__file__).resolve().parents[1] / "common"
sys.path.insert(0, str(COMMON_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("LOG_LEVEL", "CRITICAL")


def main() -> int:
    parser = argparse.ArgumentParser(description="healthy event latency with and without a poison row")
    parser.add_argument("--events", type=int, default=600, help="healthy events per run")
    parser.add_argument("--rate", type=float, default=20.0, help="healthy events committed per second")
    parser.add_argument("--poison-every", type=float, default=10.0, help="seconds between poison rows")
    parser.add_argument("--broker", action="append", choices=["rabbitmq", "kafka"], help="default: both")
    arguments = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from relay_throughput import cleanup, percentile

    call_command("migrate", verbosity=0)
    run_id = uuid.uuid4().hex[:8]
    brokers = arguments.broker or ["rabbitmq", "kafka"]
    urls = {"rabbitmq": os.environ.get("RABBITMQ_URL", ""), "kafka": os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "")}
    missing = [broker for broker in brokers if not urls[broker]]
    if missing:
        print(f'set {", ".join(missing)} first: eval "$(scripts/start_test_infra.sh)"', file=sys.stderr)
        return 2
    database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    print(f"database: {database}; {arguments.events} healthy events at {arguments.rate:g}/s per run")
    print(f"{'broker':<9} {'run':<7} {'n':>5} {'p50 ms':>8} {'p99 ms':>8}  poison rows")
    for broker in brokers:
        settings.RABBITMQ_URL = urls["rabbitmq"] if broker == "rabbitmq" else ""
        settings.KAFKA_BOOTSTRAP_SERVERS = urls["kafka"] if broker == "kafka" else ""
        results = {}
        for run in ("clean", "poison"):
            settings.EVENTS_NAMESPACE = f"bench-{run_id}-{run}."
            try:
                latencies, poison = measure(broker, arguments, with_poison=run == "poison")
            finally:
                cleanup(broker, urls[broker])
            results[run] = (percentile(latencies, 50), percentile(latencies, 99))
            print(f"{broker:<9} {run:<7} {len(latencies):>5} {results[run][0]:>8.1f} {results[run][1]:>8.1f}  {poison}")
        (clean_p50, clean_p99), (poison_p50, poison_p99) = results["clean"], results["poison"]
        print(
            f"{broker:<9} ratio   p50 {poison_p50 / clean_p50:.2f}x, p99 {poison_p99 / clean_p99:.2f}x"
            " (poison / clean; target <= 2x)"
        )
    return 0


def poison_row(broker: str):
    from tests.events.contracts import NoteOrphaned, NoteRecorded

    from common.events import publish

    if broker == "rabbitmq":
        return publish(NoteOrphaned(text="no queue is bound to me"), key="poison")
    return publish(NoteRecorded(text="x" * 1_100_000, sequence=-2), key="poison")


def measure(broker: str, arguments, *, with_poison: bool) -> tuple[list[float], str]:
    """Healthy events' latencies (ms) and a summary of how the poison rows ended."""
    from django.db import connection, transaction
    from tests.events.contracts import NoteRecorded
    from tests.events.handlers import note_recorded

    from common.events import publish
    from common.events.inbox.runner import consume
    from common.events.outbox.models import OutboxMessage
    from common.events.outbox.relay import OutboxRelay
    from common.events.transports import ConsumeLimits

    latencies: list[float] = []

    def timed_handler(event, envelope) -> None:
        note_recorded(event, envelope)
        if event.sequence >= 0:
            latencies.append((datetime.now(UTC) - envelope.occurred_at).total_seconds() * 1000)

    handlers = {"commontest.note_recorded": timed_handler}
    stop = threading.Event()
    limits = ConsumeLimits(stop=stop)

    def relay_loop() -> None:
        relay = OutboxRelay()
        try:
            relay.run(stop=stop)
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
    poison_ids = []
    try:
        with transaction.atomic():  # warm-up: the consumer declared its queue / joined its group
            publish(NoteRecorded(text="warm-up", sequence=-1), key="warm-up")
        deadline = time.monotonic() + 60
        while limits.processed < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        started = time.perf_counter()
        next_poison = started
        for index in range(arguments.events):
            due = started + index / arguments.rate
            time.sleep(max(0.0, due - time.perf_counter()))
            if with_poison and time.perf_counter() >= next_poison:
                with transaction.atomic():
                    poison_ids.append(poison_row(broker).pk)
                next_poison += arguments.poison_every
            with transaction.atomic():
                publish(NoteRecorded(text="healthy", sequence=index), key=f"key-{index % 50}")
        deadline = time.monotonic() + 90
        while len(latencies) < arguments.events and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    if not poison_ids:
        return latencies, "-"
    statuses = list(OutboxMessage.objects.filter(pk__in=poison_ids).values_list("status", "last_error"))
    parked = sum(1 for status, _error in statuses if status == OutboxMessage.Status.FAILED)
    example = statuses[0][1][:60] if statuses else ""
    return latencies, f"{parked}/{len(statuses)} parked ({example})"


if __name__ == "__main__":
    sys.exit(main())
