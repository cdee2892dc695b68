"""A relay and a consumer (real processes) against RabbitMQ, cut off for 60 s while events keep coming.

Events are committed five times a second throughout (as orders keep being placed during a broker
outage); the proxy between both processes and RabbitMQ is cut for 60 s; the relay is SIGKILLed and
restarted while it drains the backlog. Asserted: nothing lost, nothing applied twice, nothing parked
or dead-lettered, the backlog drains. The commit-to-handler latency outside the outage is measured and
printed (``-s``), never asserted: ``bench/events_faults.py`` is where speed is judged.
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest
from django.db import connection

from common.events import publish
from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.events.outbox.models import OutboxMessage
from common.settings import uses_postgresql
from common.testing.proxy import TcpProxy
from tests.events.contracts import NoteRecorded
from tests.events.models import AppliedNote

pytest_plugins = ["tests.events.fixtures"]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(400)]

COMMON_DIR = Path(__file__).resolve().parents[1]
RATE_PER_SECOND = 5
BEFORE_SECONDS, OUTAGE_SECONDS, AFTER_SECONDS = 8.0, 60.0, 8.0
DRAIN_TIMEOUT_SECONDS = 150.0


class Process:
    """A ``manage.py`` command of the test project as a real process, restartable, logging to a file."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name, self.args, self.env, self.log_dir = name, args, env, log_dir
        self.runs = 0
        self.popen: subprocess.Popen | None = None

    def start(self) -> None:
        self.runs += 1
        log = open(self.log_dir / f"{self.name}-{self.runs}.log", "wb")  # noqa: SIM115 (closed by the child's end)
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "django", *self.args], cwd=COMMON_DIR, env=self.env, stdout=log, stderr=log
        )

    def kill(self) -> None:
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


def _env(settings, rabbitmq_url: str) -> dict[str, str]:
    database = connection.settings_dict
    if uses_postgresql(database):
        url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
    else:
        url = f"sqlite:///{database['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "COMMONTEST_DATABASE_URL": url,
        "EVENTS_NAMESPACE": settings.EVENTS_NAMESPACE,
        "RABBITMQ_URL": rabbitmq_url,
        "KAFKA_BOOTSTRAP_SERVERS": "",
        "PYTHONPATH": str(COMMON_DIR),
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def test_a_60_second_rabbitmq_outage_while_events_keep_coming_loses_nothing_and_applies_nothing_twice(
    settings, on_rabbitmq, tmp_path
):
    upstream = urlparse(on_rabbitmq)
    with TcpProxy(upstream.port, upstream_host=upstream.hostname) as proxy:
        env = _env(settings, proxy.url_for(on_rabbitmq))
        relay = Process("relay", ["relay_outbox", "--poll-interval", "0.2"], env, tmp_path)
        consumer = Process("consumer", ["consume_events", "--transport", "rabbitmq"], env, tmp_path)
        relay.start()
        consumer.start()
        marks: dict[str, float] = {}
        written: list[OutboxMessage] = []
        try:
            started = time.monotonic()
            while True:
                elapsed = time.monotonic() - started
                if "cut" not in marks and elapsed >= BEFORE_SECONDS:
                    proxy.cut()
                    marks["cut"] = time.time()
                if "restored" not in marks and elapsed >= BEFORE_SECONDS + OUTAGE_SECONDS:
                    proxy.restore()
                    marks["restored"], restored_count = time.time(), len(written)
                if relay.runs == 1 and elapsed >= BEFORE_SECONDS + OUTAGE_SECONDS + 2:
                    relay.kill()  # SIGKILLed while it drains the backlog, then started again
                    relay.start()
                outage_applied = (
                    "restored" in marks
                    and "drained" not in marks
                    and (AppliedNote.objects.filter(sequence__lt=restored_count).count() >= restored_count)
                )
                if outage_applied:
                    marks["drained"] = time.time()  # every event of the outage is applied
                if "drained" in marks and time.time() - marks["drained"] >= AFTER_SECONDS:
                    break
                assert elapsed < BEFORE_SECONDS + OUTAGE_SECONDS + DRAIN_TIMEOUT_SECONDS, "the backlog never drained"
                written.append(publish(NoteRecorded(text="order placed", sequence=len(written)), key="k"))
                time.sleep(1 / RATE_PER_SECOND)
            deadline = time.monotonic() + 30
            while ProcessedEvent.objects.count() < len(written) and time.monotonic() < deadline:
                time.sleep(0.5)
            time.sleep(2)  # anything applied twice would show by now
        finally:
            relay.stop()
            consumer.stop()

    written_ids = sorted(row.event_id for row in written)
    applied_ids = sorted(AppliedNote.objects.values_list("event_id", flat=True))
    assert applied_ids == written_ids  # nothing lost, nothing applied twice
    assert ProcessedEvent.objects.count() == len(written)
    assert DeadLetter.objects.count() == 0
    assert OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).count() == 0
    assert relay.runs == 2 and proxy.connections_accepted >= 2

    created = {row.event_id: row.created_at for row in OutboxMessage.objects.all()}
    latencies: dict[str, list[float]] = {"before the outage": [], "after the drain": []}
    for note in AppliedNote.objects.all():
        commit = created[note.event_id].timestamp()
        latency = note.applied_at.timestamp() - commit
        if commit < marks["cut"]:
            latencies["before the outage"].append(latency)
        elif commit > marks["drained"]:
            latencies["after the drain"].append(latency)
    print(f"\n{len(written)} events; the backlog drained {marks['drained'] - marks['restored']:.1f} s after RabbitMQ")
    for period, values in latencies.items():
        if values:
            print(
                f"commit-to-handler {period}: median {statistics.median(values) * 1000:.0f} ms, "
                f"p99 {_percentile(values, 0.99) * 1000:.0f} ms ({len(values)} events)"
            )
