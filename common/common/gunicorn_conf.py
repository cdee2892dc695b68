"""gunicorn settings every service shares; ``config/gunicorn.conf.py`` calls :func:`settings_for`.

The choice (gthread, one worker per core, 4 threads, keep-alive above any proxy's idle timeout) is the
one measured fastest for these sync views: see docs/performance.md. With several worker processes,
Prometheus metrics are kept in per-process files so ``/metrics`` answers for the whole service.
"""

from __future__ import annotations

import os
import tempfile
from typing import Any

from common.settings import run_port


def metrics_directory(service: str) -> str:
    """A fresh directory per server start: stale files of dead workers would be counted again."""
    base = os.environ.get("PROMETHEUS_MULTIPROC_BASE", tempfile.gettempdir())
    os.makedirs(base, exist_ok=True)
    return tempfile.mkdtemp(prefix=f"prometheus-{service}-", dir=base)


def _child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _post_worker_init(worker) -> None:
    """Tell the app how many threads its worker has (``--threads`` may override the config): orders sizes
    its long-polls by it (at most half the threads wait)."""
    os.environ["GUNICORN_WORKER_THREADS"] = str(worker.cfg.threads)


def settings_for(*, service: str, port: int) -> dict[str, Any]:
    # Set before any worker imports prometheus_client (workers fork after the config is read).
    os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", metrics_directory(service))
    return {
        "bind": os.environ.get("GUNICORN_BIND", f"127.0.0.1:{run_port(port)}"),
        "worker_class": "gthread",
        "workers": int(os.environ.get("GUNICORN_WORKERS", "2")),
        "threads": int(os.environ.get("GUNICORN_THREADS", "4")),
        "keepalive": int(os.environ.get("GUNICORN_KEEPALIVE", "75")),
        "timeout": 30,
        "graceful_timeout": 20,
        # No worker recycling by default: replacing a worker stalls a small server for ~2 s (measured,
        # docs/performance.md). Set GUNICORN_MAX_REQUESTS if a leak ever needs containing.
        "max_requests": int(os.environ.get("GUNICORN_MAX_REQUESTS", "0")),
        "max_requests_jitter": int(os.environ.get("GUNICORN_MAX_REQUESTS", "0")) // 10,
        "accesslog": None,
        # gunicorn 27's control socket defaults to one path per user, shared by every server on the host.
        "control_socket_disable": True,
        "proc_name": f"cosmeticos-{service}",
        "child_exit": _child_exit,
        "post_worker_init": _post_worker_init,
    }
