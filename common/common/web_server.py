"""Every service's web server: ``python -m common.web_server <service> [server arguments]``.

Which server runs a service is decided here (``SERVERS``): granian (a Rust HTTP server) for the catalog,
gunicorn (``config/gunicorn.conf.py``, ``common.gunicorn_conf``) for the others. ``make run`` (Procfile),
the end-to-end stack and the image's ``web`` role (docker/entrypoint.sh, so docker-compose and Kubernetes)
all start a service through this module.

Catalog's shopper reads are a millisecond of Python or less (its hot lane, ``catalog.products.hot_lane``),
so the HTTP server's own per-request work shows: gunicorn parses and writes each request in Python, about
0.5 ms of CPU per request here, against about 0.1 ms for granian's Rust HTTP/1 (measured 2026-12-01 with
``wrk`` on one pinned worker: a product page from PostgreSQL 1.52 -> 1.02 ms of CPU, 493 -> 662 req/s; a
cached one 0.64 -> 0.37 ms, 1,571 -> 2,662 req/s; bench/README.md). The other services keep gunicorn: their
requests are ORM-bound (orders on granian measured the same CPU per checkout, 2026-12-02) and gunicorn's
``timeout`` still stops a stuck worker.

The same knobs as ``common.gunicorn_conf`` (``GUNICORN_WORKERS``, ``GUNICORN_THREADS``, ``GUNICORN_BIND``,
``RUN_PORT_BASE``), so every launcher (``make run``, the end-to-end stack, the image's ``web`` role) sets a
service's server the same way whichever it is; arguments after the port go to granian as they are (they
win over these). With several workers, Prometheus metrics live in per-process files under a fresh
``PROMETHEUS_MULTIPROC_DIR``, as under gunicorn.

What gunicorn did that granian does not: kill a worker whose request runs past ``timeout`` (30 s). The
catalog has no request that long by design (CSV imports past ``CATALOG_IMPORT_SYNC_MAX_ROWS`` rows are
queued as jobs); a stuck worker shows as a failing ``/readyz``, which Kubernetes restarts.
"""

from __future__ import annotations

import os
import sys

from common.gunicorn_conf import metrics_directory
from common.settings import SERVICE_PORTS, run_port

GRACEFUL_SECONDS = 20
SERVERS = {"catalog": "granian"}  # every other service: gunicorn


def granian_argv(*, service: str, port: int, extra: list[str]) -> list[str]:
    host, _, bound_port = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{run_port(port)}").rpartition(":")
    return [
        sys.executable, "-m", "granian",
        "--interface", "wsgi",
        "--host", host.strip("[]") or "127.0.0.1",
        "--port", bound_port,
        "--workers", os.environ.get("GUNICORN_WORKERS", "2"),
        "--blocking-threads", os.environ.get("GUNICORN_THREADS", "4"),
        "--blocking-threads-idle-timeout", "600",  # granian's longest: an idle thread keeps its connections warm
        "--runtime-mode", "st",  # one single-threaded Rust runtime per worker: the measured choice on 2 cores
        "--http", "1",
        "--no-ws",
        "--respawn-failed-workers",
        "--workers-kill-timeout", str(GRACEFUL_SECONDS),
        "--log-level", os.environ.get("GRANIAN_LOG_LEVEL", "warning"),
        *extra,
        "config.wsgi:application",
    ]  # fmt: skip


def gunicorn_argv(*, extra: list[str]) -> list[str]:
    """gunicorn with the service's ``config/gunicorn.conf.py`` (bind, workers, threads, keep-alive there)."""
    return [sys.executable, "-m", "gunicorn", "config.wsgi", "-c", "config/gunicorn.conf.py", *extra]


def server_argv(*, service: str, port: int, extra: list[str]) -> list[str]:
    if SERVERS.get(service) == "granian":
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics_directory(service))
        return granian_argv(service=service, port=port, extra=extra)
    return gunicorn_argv(extra=extra)


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in SERVICE_PORTS:
        raise SystemExit(f"usage: python -m common.web_server {{{','.join(SERVICE_PORTS)}}} [server arguments]")
    service, extra = argv[0], argv[1:]
    command = server_argv(service=service, port=SERVICE_PORTS[service], extra=extra)
    os.execv(command[0], command)  # noqa: S606 (a fixed argv: this interpreter and the server's arguments)


if __name__ == "__main__":
    main(sys.argv[1:])
