"""The whole suite as real processes: a reusable harness for the end-to-end test, behave and locust.

``Stack`` creates its own PostgreSQL databases, RabbitMQ vhost, Redis databases, MongoDB database and
events namespace (so it never touches the development data), migrates and seeds every service, starts
each web server and background process (relay, consumer, schedulers, Celery worker and Beat) as a
subprocess in its own process group with its output in a log file, waits for every ``/readyz``, and
stops everything at the end. Every name and port can be changed through ``E2E_*`` environment
variables so two stacks can run side by side.

Where the real servers are missing (one of a PostgreSQL URL, ``REDIS_URL``, ``RABBITMQ_URL``,
``KAFKA_BOOTSTRAP_SERVERS``, ``MONGODB_URI`` unset, and not under ``CI``) the stack runs embedded, as
command 1 does: SQLite files, the embedded event bus and Celery's filesystem broker under the run
directory, and a MongoDB-protocol server of its own (nx-27017 from var/infra on ``E2E_PORT_BASE`` + 9)
unless ``MONGODB_URI`` names one. ``E2E_EMBEDDED=1`` (or ``0``) forces the choice. Every process runs
with ``IGNORE_DOTENV``: what command 1 keeps in a service's ``.env`` never reaches the stack.

Run it by hand (from the repository root, after ``eval "$(scripts/start_test_infra.sh)"``)::

    uv run python tests/e2e/stack.py up        # starts, prints the URLs, runs until Ctrl-C or SIGTERM
    uv run python tests/e2e/stack.py drop      # removes the stack's databases and vhost afterwards

``up`` writes ``<run dir>/stack.json``; point ``E2E_STACK_FILE`` at it and the e2e test, the behave
features and the load smoke attach to that running stack instead of starting their own.

Settings (environment, all optional): ``E2E_PORT_BASE`` (18700: services on +1..+4), ``E2E_DATABASE_PREFIX``
(``e2e_``), ``E2E_RABBITMQ_VHOST`` (``e2e``), ``E2E_REDIS_DB`` (10) and ``E2E_CELERY_REDIS_DB`` (11),
``E2E_MONGODB_DATABASE`` (``e2e_cosmeticos``), ``E2E_EVENTS_NAMESPACE`` (unique per run), ``E2E_RUN_DIR``
(``var/e2e/<time>-<pid>``: logs, VAR_DIR with mail and media), ``E2E_POSTGRES_URL`` (a maintenance
database URL, default from ``CATALOG_DATABASE_URL``), ``E2E_GUNICORN_WORKERS`` (1), ``E2E_GUNICORN_THREADS``
(4), ``E2E_START_TIMEOUT`` (300 s), ``E2E_EMBEDDED``. The servers themselves come from the variables that
``scripts/start_test_infra.sh`` prints (``REDIS_URL``, ``RABBITMQ_URL``, ``KAFKA_BOOTSTRAP_SERVERS``,
``MONGODB_URI``).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("catalog", "accounts", "orders", "tasks")
MERCHANDISER_EMAIL = "merchandiser@e2e.cosmeticos.co"
MERCHANDISER_PASSWORD = "Merch-e2e-Senha-2026!"
SUPPORT_EMAIL = "suporte@e2e.cosmeticos.co"  # in "Customer support": ships, delivers, handles returns
SUPPORT_PASSWORD = "Suporte-e2e-Senha-2026!"
SUPPORT_GROUP = "Customer support"


class StackError(RuntimeError):
    """The stack could not be prepared or a process of it stopped; the message says which and why."""


def _env(name: str, default: str) -> str:
    return os.environ.get(f"E2E_{name}", "") or default


@dataclass(frozen=True)
class StackConfig:
    """Where the stack runs: ports, names and the base infrastructure, all overridable by ``E2E_*``."""

    embedded: bool
    port_base: int
    database_prefix: str
    rabbitmq_vhost: str
    redis_db: int
    celery_redis_db: int
    mongodb_database: str
    events_namespace: str
    run_dir: Path
    postgres_url: str
    redis_url: str
    rabbitmq_url: str
    kafka_bootstrap_servers: str
    mongodb_uri: str
    gunicorn_workers: int
    gunicorn_threads: int

    @classmethod
    def from_environment(cls) -> StackConfig:
        """Defaults: ports 18701-18704, databases e2e_<service>, vhost e2e, Redis 10/11, e2e_cosmeticos."""
        run_id = time.strftime("%Y%m%d-%H%M%S") + f"-{os.getpid()}"
        catalog_url = os.environ.get("CATALOG_DATABASE_URL", "") or os.environ.get("DATABASE_URL", "")
        postgres = _env("POSTGRES_URL", _replace_path(catalog_url, "/postgres") if catalog_url else "")
        return cls(
            embedded=_embedded(has_postgres=bool(postgres)),
            port_base=int(_env("PORT_BASE", "18700")),
            database_prefix=_env("DATABASE_PREFIX", "e2e_"),
            rabbitmq_vhost=_env("RABBITMQ_VHOST", "e2e"),
            redis_db=int(_env("REDIS_DB", "10")),
            celery_redis_db=int(_env("CELERY_REDIS_DB", "11")),
            mongodb_database=_env("MONGODB_DATABASE", "e2e_cosmeticos"),
            # Tansu keeps topics for its lifetime: a fresh namespace per run keeps old events out.
            events_namespace=_env("EVENTS_NAMESPACE", "e2e" + format(int(time.time()), "x") + "."),
            run_dir=Path(_env("RUN_DIR", str(ROOT / "var" / "e2e" / run_id))),
            postgres_url=postgres or "postgres://postgres@127.0.0.1:5432/postgres",
            redis_url=os.environ.get("REDIS_URL", "") or "redis://127.0.0.1:6379/0",
            rabbitmq_url=os.environ.get("RABBITMQ_URL", "") or "amqp://guest:guest@127.0.0.1:5672/%2F",
            kafka_bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "") or "127.0.0.1:19092",
            mongodb_uri=os.environ.get("MONGODB_URI", ""),
            gunicorn_workers=int(_env("GUNICORN_WORKERS", "1")),
            gunicorn_threads=int(_env("GUNICORN_THREADS", "4")),
        )

    def port(self, service: str) -> int:
        return self.port_base + 1 + SERVICES.index(service)

    @property
    def own_mongodb_port(self) -> int:
        """Where an embedded stack runs its own MongoDB-protocol server when ``MONGODB_URI`` names none."""
        return self.port_base + 9

    def url(self, service: str) -> str:
        return f"http://127.0.0.1:{self.port(service)}"

    def database_url(self, service: str) -> str:
        return _replace_path(self.postgres_url, f"/{self.database_prefix}{service}")


REAL_SERVER_VARIABLES = ("REDIS_URL", "RABBITMQ_URL", "KAFKA_BOOTSTRAP_SERVERS", "MONGODB_URI")


def _embedded(*, has_postgres: bool) -> bool:
    """Embedded unless every real server is configured; under CI never (a missing server must fail there)."""
    forced = os.environ.get("E2E_EMBEDDED", "")
    if forced:
        return forced.lower() in ("1", "true", "yes")
    if os.environ.get("CI"):
        return False
    return not (has_postgres and all(os.environ.get(name) for name in REAL_SERVER_VARIABLES))


def _replace_path(url: str, path: str) -> str:
    parsed = urlparse(url)
    return urlunparse(parsed._replace(path=path, query=""))


@dataclass(frozen=True)
class ProcessSpec:
    """One long-running process: a name for its log, the service folder it runs in, its command."""

    name: str
    service: str
    command: tuple[str, ...]


# Each service's web server as every launcher starts it (common/web_server.py: granian for the catalog,
# gunicorn with config/gunicorn.conf.py, keep-alive 75 s and no control socket, for the others).


def process_specs(python: str = sys.executable) -> list[ProcessSpec]:
    """Every long-running process of the suite, as the Procfile and the deployment run them."""
    manage = (python, "manage.py")
    specs: list[ProcessSpec] = []
    for service in SERVICES:
        specs += [
            ProcessSpec(f"{service}-web", service, (python, "-m", "common.web_server", service)),
            ProcessSpec(f"{service}-relay", service, (*manage, "relay_outbox")),
            ProcessSpec(f"{service}-consumer", service, (*manage, "consume_events")),
        ]
    specs += [
        ProcessSpec("catalog-reservations", "catalog", (*manage, "reservation_expire_overdue", "--loop", "30")),
        ProcessSpec("catalog-imports", "catalog", (*manage, "run_import_jobs", "--loop", "5")),
        ProcessSpec("orders-expiry", "orders", (*manage, "order_expire_overdue", "--loop", "30")),
        ProcessSpec("orders-psp-webhooks", "orders", (*manage, "deliver_sandbox_webhooks", "--loop", "2")),
        ProcessSpec(
            "tasks-worker",
            "tasks",
            (
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
            ),
        ),
        ProcessSpec(
            "tasks-beat",
            "tasks",
            (
                python,
                "-m",
                "celery",
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--scheduler",
                "django_celery_beat.schedulers:DatabaseScheduler",
            ),
        ),
    ]
    return specs


@dataclass
class Stack:
    """A running suite. Use as a context manager, or ``start()`` / ``stop()``."""

    config: StackConfig = field(default_factory=StackConfig.from_environment)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    owned: bool = True

    # ----------------------------------------------------------------- addresses and environment
    @property
    def urls(self) -> dict[str, str]:
        return {service: self.config.url(service) for service in SERVICES}

    @property
    def var_dir(self) -> Path:
        return self.config.run_dir / "var"

    @property
    def log_dir(self) -> Path:
        return self.config.run_dir / "logs"

    @property
    def mail_dir(self) -> Path:
        return self.var_dir / "mail"

    @property
    def mongodb_uri(self) -> str:
        """The stack's own MongoDB database: on the configured server, or on the one an embedded stack runs."""
        c = self.config
        port = c.own_mongodb_port if c.embedded else 27020  # 27020: where scripts/start_test_infra.sh runs one
        server = c.mongodb_uri or f"mongodb://127.0.0.1:{port}/?directConnection=true"
        return urlunparse(urlparse(server)._replace(path="/" + c.mongodb_database))

    @property
    def runs_own_mongodb(self) -> bool:
        return self.config.embedded and not self.config.mongodb_uri

    def server_environment(self) -> dict[str, str]:
        """Where the data lives: the real servers (own databases, vhost, Redis databases) or, embedded, nothing
        but MongoDB: SQLite, the event bus and Celery's broker then live under ``VAR_DIR``."""
        c = self.config
        if c.embedded:
            return {"EVENTS_TRANSPORT": "embedded", "MONGODB_URI": self.mongodb_uri}
        redis = urlparse(c.redis_url)
        rabbit = urlparse(c.rabbitmq_url)
        return {
            **{f"{s.upper()}_DATABASE_URL": c.database_url(s) for s in SERVICES},
            "REDIS_URL": urlunparse(redis._replace(path=f"/{c.redis_db}")),
            "CELERY_BROKER_URL": urlunparse(redis._replace(path=f"/{c.celery_redis_db}")),
            "RABBITMQ_URL": urlunparse(rabbit._replace(path="/" + c.rabbitmq_vhost)),
            "KAFKA_BOOTSTRAP_SERVERS": c.kafka_bootstrap_servers,
            "MONGODB_URI": self.mongodb_uri,
        }

    def environment(self, service: str | None = None) -> dict[str, str]:
        """The environment of every process: the stack's own databases, vhost, namespace and URLs."""
        c = self.config
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.endswith("DATABASE_URL")
            and not key.startswith(("CELERY_", "DJANGO_"))
            and key not in (*REAL_SERVER_VARIABLES, "EVENTS_TRANSPORT", "EVENT_BUS_PATH")
        }
        env.update(
            {
                **self.server_environment(),
                **{f"{s.upper()}_URL": c.url(s) for s in SERVICES},
                "IGNORE_DOTENV": "1",
                "EVENTS_NAMESPACE": c.events_namespace,
                "JWKS_URL": c.url("accounts") + "/.well-known/jwks.json",
                "VAR_DIR": str(self.var_dir),
                "SECRET_KEY": "e2e-only-secret-key-" + c.events_namespace + "-not-for-production",
                "SANDBOX_WEBHOOK_SECRET": "e2e-only-sandbox-webhook-secret-" + c.events_namespace,
                "DEBUG": "false",
                # Every journey's shoppers come from 127.0.0.1: per-client limits are tested in the suites.
                "RATE_LIMITS_ENABLED": "false",
                "SECURE_SSL_REDIRECT": "false",
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                # tasks reads catalog's stock levels as a staff account (its low-stock read model's backfill)
                "TASKS_SERVICE_EMAIL": MERCHANDISER_EMAIL,
                "TASKS_SERVICE_PASSWORD": MERCHANDISER_PASSWORD,
                "GUNICORN_WORKERS": str(c.gunicorn_workers),
                "GUNICORN_THREADS": str(c.gunicorn_threads),
                "PYTHONUNBUFFERED": "1",
                "LOG_LEVEL": os.environ.get("E2E_LOG_LEVEL", "INFO"),
            }
        )
        if service and not c.embedded:
            env["DATABASE_URL"] = c.database_url(service)
        if service:
            env["GUNICORN_BIND"] = f"127.0.0.1:{c.port(service)}"
        return env

    # ----------------------------------------------------------------- lifecycle
    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self, *, timeout: float | None = None) -> None:
        """Prepare the data stores, migrate, seed, start every process and wait until all are ready."""
        timeout = timeout or float(os.environ.get("E2E_START_TIMEOUT", "300"))
        started = time.monotonic()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.var_dir.mkdir(parents=True, exist_ok=True)
        mode = "embedded: SQLite, the embedded event bus" if self.config.embedded else "on the real servers"
        self._say(f"run dir {self.config.run_dir} ({mode})")
        try:
            if self.runs_own_mongodb:
                self._start_own_mongodb()
            self.reset_data_stores()
            self._say(f"data stores reset ({time.monotonic() - started:.0f}s)")
            self._run_parallel("migrate", [(s, ("migrate", "--noinput")) for s in SERVICES], timeout=240)
            self._say(f"migrated ({time.monotonic() - started:.0f}s)")
            setup = [
                ("catalog", ("seed_catalog",)),
                ("accounts", ("create_merchandiser", MERCHANDISER_EMAIL, "--password", MERCHANDISER_PASSWORD)),
                (
                    "accounts",
                    ("create_merchandiser", SUPPORT_EMAIL, "--password", SUPPORT_PASSWORD, "--group", SUPPORT_GROUP),
                ),
                ("tasks", ("setup_periodic_tasks",)),
            ]
            self._run_parallel("setup", setup, timeout=240)
            self._say(f"seeded ({time.monotonic() - started:.0f}s)")
            for spec in process_specs():
                self._spawn(spec)
            self.wait_ready(timeout=max(30.0, timeout - (time.monotonic() - started)))
            self._say(f"every /readyz answers ({time.monotonic() - started:.0f}s)")
            self.wait_until_orders_knows_the_catalog(timeout=90)
        except BaseException:
            self.print_log_tails()
            self.stop()
            raise
        self.write_state_file()
        self._say(f"ready in {time.monotonic() - started:.0f}s: " + ", ".join(f"{s} {u}" for s, u in self.urls.items()))

    def stop(self) -> None:
        """SIGTERM every process group, then SIGKILL what is still alive after a grace period."""
        if not self.owned:
            return
        for process in self.processes.values():
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in self.processes.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
        for process in self.processes.values():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        self.processes.clear()
        if not self.config.embedded:
            # Its queues die with it (the databases stay for a look after a failure): quorum queues left
            # behind by run after run are what once made RabbitMQ too slow to start.
            with contextlib.suppress(Exception):
                self._rabbitmqctl("delete_vhost", self.config.rabbitmq_vhost, check=False)

    # ----------------------------------------------------------------- data stores
    def reset_data_stores(self) -> None:
        """Fresh PostgreSQL databases, RabbitMQ vhost, Redis databases and MongoDB database.

        Embedded, only the MongoDB database: the SQLite files and the event bus are new in each run dir.
        """
        import psycopg
        import redis

        c = self.config
        if c.embedded:
            self._drop_mongodb_database()
            return
        with psycopg.connect(c.postgres_url, autocommit=True, connect_timeout=5) as connection:
            for service in SERVICES:
                name = f"{c.database_prefix}{service}"
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.execute(f'CREATE DATABASE "{name}"')
        for db in (c.redis_db, c.celery_redis_db):
            client = redis.Redis.from_url(urlunparse(urlparse(c.redis_url)._replace(path=f"/{db}")))
            client.flushdb()
            client.close()
        self._rabbitmqctl("delete_vhost", c.rabbitmq_vhost, check=False)
        self._rabbitmqctl("add_vhost", c.rabbitmq_vhost)
        user = urlparse(c.rabbitmq_url).username or "guest"
        self._rabbitmqctl("set_permissions", "-p", c.rabbitmq_vhost, user, ".*", ".*", ".*")
        self._drop_mongodb_database()

    def _drop_mongodb_database(self) -> None:
        from pymongo import MongoClient

        mongo = MongoClient(self.mongodb_uri, serverSelectionTimeoutMS=5000)
        try:
            mongo.drop_database(self.config.mongodb_database)
        finally:
            mongo.close()

    def _start_own_mongodb(self) -> None:
        """An embedded stack's MongoDB-protocol server: nx-27017 in memory, installed from PyPI into var/infra."""
        server = ROOT / "var" / "infra" / "bin" / "nx-27017"
        if not server.exists():
            installed = subprocess.run(
                [str(ROOT / "scripts" / "install_protocol_servers.sh")], capture_output=True, text=True, timeout=600
            )
            if installed.returncode != 0:
                raise StackError(f"cannot install nx-27017 into var/infra: {installed.stderr.strip()[-2000:]}")
        port = self.config.own_mongodb_port
        self._spawn(
            ProcessSpec(
                "mongodb",
                "",
                (str(server), "--data-dir", "memory", "--port", str(port), "--log-file", str(self.log_dir / "nx.log")),
            )
        )
        wait_for(f"nx-27017 on port {port}", lambda: _port_open(port), timeout=30)

    def drop_data_stores(self) -> None:
        """Remove what ``reset_data_stores`` created (databases and vhost)."""
        import psycopg

        c = self.config
        if c.embedded:
            return  # the SQLite files live in the run dir
        with psycopg.connect(c.postgres_url, autocommit=True, connect_timeout=5) as connection:
            for service in SERVICES:
                connection.execute(f'DROP DATABASE IF EXISTS "{c.database_prefix}{service}" WITH (FORCE)')
        self._rabbitmqctl("delete_vhost", c.rabbitmq_vhost, check=False)

    def _rabbitmqctl(self, *args: str, check: bool = True) -> None:
        result = subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, timeout=60)
        if check and result.returncode != 0:
            raise StackError(f"rabbitmqctl {' '.join(args)} failed: {result.stderr.strip() or result.stdout.strip()}")

    # ----------------------------------------------------------------- commands and processes
    def manage(self, service: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        """Run ``manage.py <args>`` of a service to completion; its output is appended to a log file."""
        command = [sys.executable, "manage.py", *args]
        log = self.log_dir / f"{service}-manage.log"
        with log.open("a") as out:
            out.write(f"\n$ {' '.join(command)}\n")
            out.flush()
            result = subprocess.run(
                command,
                cwd=ROOT / f"{service}_service",
                env=self.environment(service),
                capture_output=True,
                text=True,
                timeout=timeout,
            )
            out.write(result.stdout + result.stderr)
        if result.returncode != 0:
            raise StackError(
                f"{service}: manage.py {' '.join(args)} exited {result.returncode}:\n"
                + _tail(result.stdout + result.stderr, 40)
            )
        return result

    def _run_parallel(self, label: str, jobs: list[tuple[str, tuple[str, ...]]], *, timeout: float) -> None:
        running = []
        for service, args in jobs:
            log = (self.log_dir / f"{service}-manage.log").open("a")
            log.write(f"\n$ manage.py {' '.join(args)}\n")
            log.flush()
            process = subprocess.Popen(
                [sys.executable, "manage.py", *args],
                cwd=ROOT / f"{service}_service",
                env=self.environment(service),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            running.append((service, process, log))
        failures = []
        for service, process, log in running:
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                code = "timeout"
            log.close()
            if code != 0:
                failures.append(f"{service} ({code}):\n{_tail_file(self.log_dir / f'{service}-manage.log', 30)}")
        if failures:
            raise StackError(f"{label} failed for " + "\n".join(failures))

    def _spawn(self, spec: ProcessSpec) -> None:
        log = (self.log_dir / f"{spec.name}.log").open("ab")
        self.processes[spec.name] = subprocess.Popen(
            spec.command,
            cwd=ROOT / f"{spec.service}_service" if spec.service else ROOT,
            env=self.environment(spec.service),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends gunicorn's and Celery's children too
        )
        log.close()

    def dead_processes(self) -> dict[str, int]:
        """Processes that exited (name -> exit code); a healthy stack has none."""
        return {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}

    def wait_ready(self, *, timeout: float) -> None:
        """Poll every service's ``/readyz`` until all answer 200; fail early when a process exits."""
        pending = set(SERVICES)
        deadline = time.monotonic() + timeout
        last: dict[str, str] = {}
        while pending:
            dead = self.dead_processes()
            if dead and not os.environ.get("E2E_TOLERATE_EXITS"):  # a debugging aid, never set in CI
                raise StackError(f"processes exited while starting: {dead}")
            for service in sorted(pending):
                status, body = http_get(self.config.url(service) + "/readyz")
                last[service] = f"{status} {body[:200]}"
                if status == 200:
                    pending.discard(service)
            if not pending:
                return
            if time.monotonic() > deadline:
                raise StackError(f"not ready after {timeout:.0f}s: {last}")
            time.sleep(0.5)

    def wait_until_orders_knows_the_catalog(self, *, timeout: float) -> None:
        """Wait until orders has taken in the seeded products (its copy arrives as events after start).

        Probes the first, a middle and the last product of the catalog by adding one unit of each to a
        throw-away guest cart: ``unknown_sku`` means the product events are still on their way.
        """
        import httpx

        catalog, orders = self.config.url("catalog"), self.config.url("orders")
        with httpx.Client(timeout=30) as http:
            first = http.get(f"{catalog}/api/catalog/products", params={"page_size": 100}).json()
            last = http.get(f"{catalog}/api/catalog/products", params={"page_size": 100, "page": first["pages"]}).json()
            items = first["items"] + last["items"]
            if not items:
                raise StackError("the seeded catalog lists no product")
            probes = [items[0], items[len(items) // 2], items[-1]]
            skus = [
                http.get(f"{catalog}/api/catalog/products/{p['slug']}").json()["variants"][0]["sku"] for p in probes
            ]
            cart = http.post(f"{orders}/api/orders/cart").json()["token"]
            pending = list(skus)

            def probe():
                for sku in list(pending):
                    answer = http.post(
                        f"{orders}/api/orders/cart/lines",
                        json={"sku": sku, "quantity": 1},
                        headers={"X-Cart-Token": cart},
                    )
                    if answer.status_code in (201, 409):  # 409: known, but out of stock
                        pending.remove(sku)
                return not pending

            try:
                wait_for(f"orders to know {pending}", probe, timeout=timeout, interval=0.5)
            except TimeoutError as error:
                raise StackError(str(error)) from None

    def check_alive(self) -> None:
        """Raise with the log tails when any process of the stack has exited."""
        dead = self.dead_processes()
        if dead:
            self.print_log_tails(names=list(dead))
            raise StackError(f"processes exited: {dead}")

    # ----------------------------------------------------------------- logs and state
    def print_log_tails(self, *, lines: int = 40, names: list[str] | None = None) -> None:
        """Print the end of every long-running process's log (or the named ones) to stderr."""
        for log in sorted(self.log_dir.glob("*.log")):
            if (names is not None and log.stem not in names) or (names is None and log.stem.endswith("-manage")):
                continue
            print(f"\n===== {log.name} (last {lines} lines) =====", file=sys.stderr)
            print(_tail_file(log, lines), file=sys.stderr)
        sys.stderr.flush()

    def write_state_file(self) -> Path:
        state = {
            "urls": self.urls,
            "run_dir": str(self.config.run_dir),
            "pid": os.getpid(),
            "config": {k: str(v) for k, v in self.config.__dict__.items()},
        }
        path = self.config.run_dir / "stack.json"
        path.write_text(json.dumps(state, indent=2))
        return path

    @classmethod
    def attach(cls, state_file: Path) -> Stack:
        """A handle on a stack someone else started (``tests/e2e/stack.py up``); never stopped here."""
        state = json.loads(Path(state_file).read_text())
        raw = state["config"]
        config = StackConfig(
            **{
                **raw,
                "embedded": raw.get("embedded") == "True",  # a stack.json of before embedded mode: real
                "port_base": int(raw["port_base"]),
                "redis_db": int(raw["redis_db"]),
                "celery_redis_db": int(raw["celery_redis_db"]),
                "gunicorn_workers": int(raw["gunicorn_workers"]),
                "gunicorn_threads": int(raw["gunicorn_threads"]),
                "run_dir": Path(raw["run_dir"]),
            }
        )
        stack = cls(config=config, owned=False)
        stack.wait_ready(timeout=30)
        return stack

    def _say(self, message: str) -> None:
        print(f"[e2e stack] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def running_stack() -> Iterator[Stack]:
    """The stack named by ``E2E_STACK_FILE`` when set (left running), else a new one (stopped at the end)."""
    state_file = os.environ.get("E2E_STACK_FILE", "")
    if state_file:
        yield Stack.attach(Path(state_file))
        return
    stack = Stack()
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()


def _port_open(port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        return True
    return False


def http_get(url: str, timeout: float = 3.0) -> tuple[int, str]:
    """(status, body) of a GET; status 0 when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")
    except (OSError, ValueError) as error:
        return 0, str(error)


def wait_for(what: str, probe: Callable[[], object], *, timeout: float = 60.0, interval: float = 0.25):
    """Poll ``probe`` until it returns something truthy and return it; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    last: object = None
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f}s waiting for {what} (last: {last!r})")
        time.sleep(interval)


def _tail(text: str, lines: int) -> str:
    return "\n".join(text.splitlines()[-lines:])


def _tail_file(path: Path, lines: int) -> str:
    try:
        with path.open("rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - 200 * lines))
            return _tail(handle.read().decode("utf-8", "replace"), lines)
    except OSError as error:
        return f"(cannot read {path}: {error})"


def main(argv: list[str]) -> int:
    if argv[:1] == ["drop"]:
        Stack().drop_data_stores()
        return 0
    if argv[:1] != ["up"]:
        print("usage: python tests/e2e/stack.py up|drop", file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    stack = Stack()
    stack.start()
    print(f"export E2E_STACK_FILE={stack.config.run_dir / 'stack.json'}")
    for service, url in stack.urls.items():
        print(f"{service}: {url}")
    sys.stdout.flush()
    try:
        while True:
            time.sleep(2)
            if not os.environ.get("E2E_TOLERATE_EXITS"):
                stack.check_alive()
    except KeyboardInterrupt:
        pass
    finally:
        stack.stop()
        print("stopped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
