#!/usr/bin/env python3
"""Where a search's recording costs CPU, now that its MongoDB log follows from its event.

    eval "$(scripts/start_test_infra.sh)"
    uv run python bench/search_log_consumer.py                 # 2,000 searches
    uv run python bench/search_log_consumer.py --searches 500

On catalog's own project and a database of its own (``<BENCH_DATABASE_PREFIX>searchlog``, migrated here;
a MongoDB database and an events namespace of its own, removed at the end), in this one process:

1. the request's part: ``search_record`` N times (a Prometheus count and one outbox row each, its own
   transaction), CPU per search; beside it, what the request used to add: one pymongo ``insert_one`` of
   the log document, CPU per insert;
2. the relay: the N rows to the real Kafka-protocol broker (``OutboxRelay.relay_pending``), CPU per event;
3. catalog's consumer: the backlog applied by ``consume`` as ``manage.py consume_events`` runs it (inbox
   rows, ``handlers.search_performed``'s upsert into ``catalog_search_logs``), CPU per event; then it checks
   the log holds each search once.

CPU is this process's (``time.process_time``: user + system); the PostgreSQL, Kafka and MongoDB servers'
own CPU is not in it.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib.environment import REPO_ROOT, ensure_database, with_path

CATALOG_DIR = REPO_ROOT / "catalog_service"


def prepare_environment() -> str:
    """The catalog settings on the benchmark's own stores; returns the MongoDB database's name."""
    missing = [
        name for name in ("CATALOG_DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI") if not os.environ.get(name)
    ]
    if missing:
        raise SystemExit(f'set {", ".join(missing)} first: eval "$(scripts/start_test_infra.sh)"')
    prefix = os.environ.get("BENCH_DATABASE_PREFIX", "bench_")
    database = f"{prefix}searchlog"
    mongo_database = f"{prefix}searchlog_{uuid.uuid4().hex[:8]}"
    os.environ["CATALOG_DATABASE_URL"] = with_path(os.environ["CATALOG_DATABASE_URL"], f"/{database}")
    os.environ["MONGODB_URI"] = with_path(os.environ["MONGODB_URI"], f"/{mongo_database}")
    os.environ["RABBITMQ_URL"] = ""  # the search stream is Kafka's either way; nothing else is published here
    os.environ["EVENTS_NAMESPACE"] = f"bench-{uuid.uuid4().hex[:8]}."
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["IGNORE_DOTENV"] = "1"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    sys.path.insert(0, str(CATALOG_DIR))
    return mongo_database


def per_call_us(started: float, count: int) -> float:
    return (time.process_time() - started) / count * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--searches", type=int, default=2_000)
    arguments = parser.parse_args()
    count = arguments.searches
    mongo_database = prepare_environment()
    ensure_database(os.environ["CATALOG_DATABASE_URL"])

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone
    from pymongo import MongoClient

    from catalog.shopper_activity.services import search_record
    from common.events.inbox.models import ProcessedEvent
    from common.events.inbox.runner import consume
    from common.events.outbox.models import OutboxMessage
    from common.events.outbox.relay import OutboxRelay
    from common.events.transports import ConsumeLimits
    from common.testing.brokers import kafka_topics_delete
    from config.event_handlers import HANDLERS

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:  # no earlier run's rows in the relay's or the inbox's way
        cursor.execute(f"TRUNCATE {OutboxMessage._meta.db_table}, {ProcessedEvent._meta.db_table}")
    mongo = MongoClient(os.environ["MONGODB_URI"], serverSelectionTimeoutMS=3000)
    logs = mongo[mongo_database]["catalog_search_logs"]
    load = os.getloadavg()[0]
    started_at = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"[search-log] {started_at}, load average {load:.2f}, {count:,} searches")

    def search(index: int) -> None:
        search_record(
            query=f"batom matte {index % 40}",
            filters={"sort": "price", "in_stock": True},
            result_count=index % 7,
            user_id=None,
            session_key=f"sessao-{index % 100}",
            at=timezone.now(),
        )

    try:
        for index in range(50):  # warm-up: connections, statement caches
            search(index)
        started = time.process_time()
        for index in range(count):
            search(index)
        request_us = per_call_us(started, count)

        scratch = mongo[mongo_database]["bench_scratch"]
        document = {
            "query": "batom matte",
            "normalized_query": "batom matte",
            "filters": {"sort": "price", "in_stock": True},
            "result_count": 3,
            "user_id": None,
            "session_key": "sessao-1",
            "created_at": timezone.now(),
        }
        for _ in range(50):
            scratch.insert_one(dict(document))
        started = time.process_time()
        for _ in range(count):
            scratch.insert_one(dict(document))
        insert_us = per_call_us(started, count)

        total = count + 50
        relay = OutboxRelay()
        try:
            started = time.process_time()
            result = relay.relay_pending()
            relay_us = per_call_us(started, total)
        finally:
            relay.close()
        if result.failed or result.sent != total:
            raise SystemExit(f"the relay sent {result.sent} of {total} rows ({result.failed} failed)")

        limits = ConsumeLimits(max_messages=total, timeout=300)
        started = time.process_time()
        consumed = consume(service="catalog", handlers=HANDLERS, limits=limits, transports=["kafka"])
        consumer_us = per_call_us(started, total)
        stored = logs.count_documents({})
        distinct = len(logs.distinct("event_id"))
    finally:
        mongo.drop_database(mongo_database)
        kafka_topics_delete(settings.KAFKA_BOOTSTRAP_SERVERS, namespace=settings.EVENTS_NAMESPACE)
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {OutboxMessage._meta.db_table}, {ProcessedEvent._meta.db_table}")

    print(f"[search-log] consumed {consumed}; the log holds {stored:,} documents, {distinct:,} event ids, of {total:,}")
    print()
    print("| step | CPU per search | where |")
    print("|---|---:|---|")
    print(f"| the request's recording (`search_record`: count + outbox row) | {request_us:,.0f} us | web |")
    print(
        f"| what the request no longer does (pymongo `insert_one` of the log) | {insert_us:,.0f} us | (web, before) |"
    )
    print(f"| relay to Kafka (batched) | {relay_us:,.0f} us | catalog-relay |")
    print(f"| catalog's consumer: inbox + upsert into the search log | {consumer_us:,.0f} us | catalog-events |")
    if stored != total or distinct != total:
        print(f"[search-log] FAILED: {stored} documents, {distinct} event ids for {total} searches", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
