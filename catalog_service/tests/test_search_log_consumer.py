"""The search log under faults, end to end on the real parts: searches on PostgreSQL's outbox, the relay to
the real Kafka-protocol broker, catalog's ``consume_events`` as its own process, MongoDB behind a TCP proxy
this test owns.

MongoDB goes away while the consumer holds the searches; the consumer is killed (SIGKILL) while it retries;
a new one starts after MongoDB is back. Every search is logged, none twice.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.db import connection
from pymongo import MongoClient

from common.events.inbox.models import DeadLetter
from common.events.testing import published, relay_all
from common.testing.brokers import kafka_topics_delete
from common.testing.proxy import TcpProxy

SERVICE_DIR = Path(__file__).resolve().parents[1]
SAFETY_TIMEOUT_SECONDS = 60.0

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the next tests keep the content types


@pytest.fixture
def on_kafka(settings, kafka_bootstrap_servers):
    """The searches travel over Kafka (its ``shopper.activity`` topic), in a namespace of this test's own."""
    settings.EVENTS_NAMESPACE = f"test-{uuid.uuid4().hex[:10]}."
    settings.RABBITMQ_URL = ""
    settings.KAFKA_BOOTSTRAP_SERVERS = kafka_bootstrap_servers
    yield kafka_bootstrap_servers
    kafka_topics_delete(kafka_bootstrap_servers, namespace=settings.EVENTS_NAMESPACE)


@pytest.fixture
def mongo_behind_proxy(mongodb_uri):
    """A fresh database on the real MongoDB-protocol server, reached through a proxy the test can cut."""
    port = urlsplit(mongodb_uri).port
    name = f"test_catalog_{uuid.uuid4().hex[:12]}"
    direct = MongoClient(mongodb_uri, serverSelectionTimeoutMS=2000)
    with TcpProxy(port) as proxy:
        yield proxy, f"mongodb://127.0.0.1:{proxy.port}/{name}?directConnection=true", direct[name]
    direct.drop_database(name)


def consumer(settings, mongo_url: str, output: Path) -> subprocess.Popen:
    """``manage.py consume_events`` on the test's database, broker namespace and proxied MongoDB; its log
    lines go to ``output``."""
    database = connection.settings_dict
    env = {
        **os.environ,
        "IGNORE_DOTENV": "1",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CATALOG_DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
        "MONGODB_URI": mongo_url,
        "MONGODB_TIMEOUT_MS": "300",
        "EVENTS_NAMESPACE": settings.EVENTS_NAMESPACE,
        "RABBITMQ_URL": "",
        "KAFKA_BOOTSTRAP_SERVERS": settings.KAFKA_BOOTSTRAP_SERVERS,
        "EVENTS_RETRY_BACKOFF": "0.2",
        "EVENTS_RETRY_MAX_DELAY": "0.5",
    }
    command = [sys.executable, "manage.py", "consume_events", "--transport", "kafka"]
    with output.open("w") as log:  # the child writes to its own copy of the descriptor
        return subprocess.Popen(
            [*command, "--timeout", str(SAFETY_TIMEOUT_SECONDS)],
            cwd=SERVICE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_for(condition, *, what: str, timeout: float = SAFETY_TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_searches_made_while_mongodb_is_down_are_logged_once_after_the_consumer_is_killed_and_mongodb_is_back(
    client, catalog_data, settings, on_kafka, mongo_behind_proxy, postgresql, tmp_path
):
    proxy, mongo_url, logs_database = mongo_behind_proxy
    logs = logs_database["catalog_search_logs"]
    for query in ["perfume azul", "rimel", "batom matte"]:
        assert client.get("/api/catalog/products", {"q": query}).status_code == 200
    searched = {str(envelope.event_id): envelope.payload["query"] for envelope in published("catalog.search_performed")}
    assert len(searched) == 3

    proxy.cut()  # MongoDB gone before the consumer sees a search
    relay_all()
    first_log = tmp_path / "first.log"
    first = consumer(settings, mongo_url, first_log)
    try:
        # it holds a search and retries it, MongoDB unreachable (a transient failure, not a dead letter)
        wait_for(lambda: first_log.read_text().count("handler failed, retrying") >= 2, what="the consumer's retries")
        assert logs.count_documents({}) == 0
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)

    proxy.restore()
    second_log = tmp_path / "second.log"
    second = consumer(settings, mongo_url, second_log)
    try:
        wait_for(lambda: logs.count_documents({}) >= 3, what="the three searches in the log")
        time.sleep(1.0)  # room for a duplicate to show up
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)

    stored = [(log["event_id"], log["query"]) for log in logs.find({}, {"_id": 0})]
    assert sorted(stored) == sorted(searched.items()), second_log.read_text()[-2000:]  # each once, none lost
    assert not DeadLetter.objects.exists()  # retried through, never given up on
    unique = [index for index in logs.index_information().values() if index["key"] == [("event_id", 1)]]
    assert [index.get("unique") for index in unique] == [True]


@pytest.mark.django_db(transaction=False)
def test_on_the_embedded_bus_of_make_run_a_search_reaches_the_log_through_the_relay_and_the_consumer(
    client, catalog_data, settings, mongo_db, tmp_path
):
    """``make run`` has no broker: the relay and ``consume_events`` meet on the embedded bus (an SQLite file)."""
    from common.events.inbox.runner import consume
    from common.events.transports import ConsumeLimits
    from config.event_handlers import HANDLERS

    settings.RABBITMQ_URL = settings.KAFKA_BOOTSTRAP_SERVERS = ""
    settings.EVENT_BUS_PATH = str(tmp_path / "event-bus.sqlite3")
    client.get("/api/catalog/products", {"q": "perfume azul"})
    relay_all()
    limits = ConsumeLimits(max_messages=1, timeout=30)
    consume(service="catalog", handlers=HANDLERS, limits=limits)

    logs = MongoClient(settings.MONGODB_URI, serverSelectionTimeoutMS=2000).get_default_database()[
        "catalog_search_logs"
    ]
    [log] = logs.find({}, {"_id": 0})
    assert (log["query"], log["result_count"], log["event_id"]) == (
        "perfume azul",
        0,
        str(published("catalog.search_performed")[0].event_id),
    )
