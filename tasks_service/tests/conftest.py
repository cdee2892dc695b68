"""Fixtures of the tasks suite: event factories, Celery in-process or as real worker/Beat processes,
a unique MongoDB database per test, and merchandisers in the ``KnownUser`` read model."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from common.events.contracts.common_types import Line, PricedLine
from common.events.contracts.orders import OrderCancelled, OrderPaid, OrderPaidSealed
from common.sealing import seal
from config.celery import app as celery_app

SERVICE_DIR = Path(__file__).resolve().parent.parent
# Redis databases 5-9 belong to this suite's manual runs and tests; the others to other suites.
TEST_REDIS_DB = 5


@pytest.fixture(autouse=True)
def celery_in_process():
    """Tasks run inline (``task_always_eager``) unless a test asks for real worker processes."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = saved


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


def wait_until(predicate: Callable[[], object], *, timeout: float = 120.0, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy (bounded); fail the test on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout:.0f}s")


def order_paid(
    number: str = "CO-1001",
    *,
    lines: list[tuple[str, str, int, str]] = (("BATOM-RED", "Batom Matte Vermelho", 1, "49.90"),),
    shipping: str = "15.00",
    paid_at: datetime = datetime(2026, 1, 15, 15, 0, tzinfo=UTC),
    email: str = "ana@example.com",
) -> OrderPaid:
    """An ``orders.order_paid`` event; ``lines`` are (sku, name, quantity, unit price)."""
    priced = [
        PricedLine(
            sku=sku,
            name=name,
            quantity=quantity,
            unit_price=Decimal(price),
            line_total=Decimal(price) * quantity,
        )
        for sku, name, quantity, price in lines
    ]
    subtotal = sum((line.line_total for line in priced), Decimal("0.00"))
    return OrderPaid(
        order_number=number,
        email=email,
        user_id=7,
        lines=priced,
        subtotal=subtotal,
        shipping=Decimal(shipping),
        total=subtotal + Decimal(shipping),
        currency="BRL",
        paid_at=paid_at,
    )


def order_cancelled(number: str, *, refunded: bool, cancelled_at: datetime, was_paid: bool = True) -> OrderCancelled:
    return OrderCancelled(
        order_number=number,
        email="ana@example.com",
        lines=[Line(sku="BATOM-RED", quantity=1)],
        reason="customer_request",
        refunded=refunded,
        was_paid=was_paid,
        cancelled_at=cancelled_at,
    )


@pytest.fixture
def merchandisers(db):
    """Two active merchandisers, one inactive, and a staff member outside the group (KnownUser)."""
    from common.auth.known_users import known_user_apply

    now = datetime(2026, 1, 1, tzinfo=UTC)
    for user_id, email, is_active, groups in [
        (11, "bia@cosmeticos.co", True, ["Merchandiser"]),
        (12, "caio@cosmeticos.co", True, ["Merchandiser", "Support"]),
        (13, "dani@cosmeticos.co", False, ["Merchandiser"]),
        (14, "edu@cosmeticos.co", True, ["Support"]),
    ]:
        known_user_apply(
            user_id=user_id,
            email=email,
            full_name=email.split("@")[0].title(),
            is_active=is_active,
            is_staff=True,
            groups=groups,
            changed_at=now,
        )
    return ["bia@cosmeticos.co", "caio@cosmeticos.co"]


@pytest.fixture
def mongo_database(mongodb_uri, settings):
    """A MongoDB database of its own for this test (dropped afterwards) on the real server."""
    import pymongo

    from common.mongo import disconnect

    name = f"tasks_test_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(mongodb_uri)
    settings.MONGODB_URI = urlunsplit(parts._replace(path=f"/{name}"))
    disconnect()
    client = pymongo.MongoClient(settings.MONGODB_URI, serverSelectionTimeoutMS=3000)
    yield client[name]
    disconnect()
    client.drop_database(name)
    client.close()


# --- Real Celery processes -------------------------------------------------------------------------------


def database_url(settings) -> str:
    """The URL of the test database, for processes started by a test (they must see its rows)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    user = database.get("USER") or "postgres"
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "127.0.0.1"
    port = database.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{database['NAME']}"


class CeleryBroker:
    """A dedicated Redis database and a queue name of its own, so parallel runs never share messages."""

    def __init__(self, redis_url: str) -> None:
        parts = urlsplit(redis_url)
        self.url = urlunsplit(parts._replace(path=f"/{TEST_REDIS_DB}"))
        self.queue = f"tasks-test-{uuid.uuid4().hex[:10]}"

    def publish(self, task, *, args=(), kwargs=None, headers=None) -> None:
        """Send ``task`` to this broker's queue as a publisher in another process would."""
        with celery_app.connection_for_write(self.url) as connection:
            producer = celery_app.amqp.Producer(connection)
            task.apply_async(args=args, kwargs=kwargs or {}, queue=self.queue, producer=producer, headers=headers)

    def cleanup(self) -> None:
        import redis

        client = redis.Redis.from_url(self.url)
        for key in client.scan_iter(f"*{self.queue}*"):
            client.delete(key)
        client.close()


class Processes:
    """Celery worker and Beat processes started by a test, stopped (TERM, then KILL) at teardown."""

    def __init__(self, *, broker: CeleryBroker, settings, tmp_path: Path) -> None:
        self.broker, self.tmp_path = broker, tmp_path
        self.running: list[tuple[subprocess.Popen, object]] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "TASKS_DATABASE_URL": database_url(settings),
            "CELERY_BROKER_URL": broker.url,
            "CELERY_TASK_DEFAULT_QUEUE": broker.queue,
            "MEDIA_ROOT": settings.MEDIA_ROOT,
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "VAR_DIR": str(tmp_path / "var"),
            "MONGODB_URI": settings.MONGODB_URI,
            "DEBUG": "true",
            "PYTHONUNBUFFERED": "1",
        }

    @property
    def mail_dir(self) -> Path:
        return self.tmp_path / "var" / "mail"

    def _start(self, name: str, arguments: list[str]) -> subprocess.Popen:
        log_path = self.tmp_path / f"{name}.log"
        log = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", *arguments],
            cwd=SERVICE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.running.append((process, log))
        return process

    def worker(self, name: str = "worker") -> subprocess.Popen:
        return self._start(
            name,
            [
                "worker",
                "--pool=solo",
                f"--queues={self.broker.queue}",
                f"--hostname={name}-{uuid.uuid4().hex[:6]}@%h",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
        )

    def beat(self, name: str) -> subprocess.Popen:
        return self._start(
            name,
            [
                "beat",
                "--scheduler=django_celery_beat.schedulers:DatabaseScheduler",
                f"--pidfile={self.tmp_path / f'{name}.pid'}",
                "--max-interval=1",
                "--loglevel=INFO",
            ],
        )

    def log(self, name: str) -> str:
        return (self.tmp_path / f"{name}.log").read_text(errors="replace")

    def stop_all(self) -> None:
        for process, _ in self.running:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process, log in self.running:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            log.close()


@pytest.fixture
def celery_processes(transactional_db, redis_url, settings, tmp_path):
    """Start real worker/Beat processes against real Redis (db 5, a queue of their own) and the test DB."""
    broker = CeleryBroker(redis_url)
    saved_eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    processes = Processes(broker=broker, settings=settings, tmp_path=tmp_path)
    yield processes
    processes.stop_all()
    celery_app.conf.task_always_eager = saved_eager
    broker.cleanup()


def order_paid_sealed(number: str = "CO-1001", *, access_token: str | None = None, **options) -> OrderPaidSealed:
    """An ``orders.order_paid`` v2 event: a guest's ``access_token`` travels only sealed (common.sealing)."""
    fields = order_paid(number, **options).model_dump(exclude={"access_token"})
    return OrderPaidSealed(**fields, access_token_sealed=seal(access_token) if access_token else None)
