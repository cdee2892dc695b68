"""How the harness serves a service: gunicorn with a given worker class, workers and threads.

Each configuration is a real gunicorn process started from the service's own ``config/gunicorn.conf.py``
(the production settings) with the measured knobs overridden on the command line. Single-worker
configurations are pinned to CPU 0 and the load generator to CPU 1, so a figure is "per worker".
The ASGI variant needs uvicorn, which is not a project dependency: it runs through
``uv run --with uvicorn --with uvloop --with httptools`` (an ephemeral overlay, nothing is added to
the lock file).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.lib.environment import REPO_ROOT
from bench.lib.processes import Managed, ProcessSet

SERVER_CPU = 0
LOAD_CPU = 1
# ``--nice N`` (run.py): servers and load generators run under ``nice -n N``; a negative N (root) keeps
# the figures meaningful on a machine that other work shares. PostgreSQL and Redis are not reniced.
NICENESS = {"value": 0}


def launch_prefix(cpu: int | None) -> list[str]:
    """``nice``/``taskset`` words to put before a server's or load generator's command."""
    prefix = []
    if NICENESS["value"] and shutil.which("nice"):
        prefix += ["nice", "-n", str(NICENESS["value"])]
    if cpu is not None and shutil.which("taskset"):
        prefix += ["taskset", "-c", str(cpu)]
    return prefix


@dataclass(frozen=True)
class Serving:
    """One way of serving a service: gunicorn worker class, workers, threads, and extra env.

    ``worker_class="production"``: the server the service runs in production (``common.web_server``: granian
    or gunicorn, with ``workers`` and ``threads`` given as ``GUNICORN_WORKERS``/``GUNICORN_THREADS``)."""

    name: str
    worker_class: str = "gthread"
    workers: int = 1
    threads: int = 1
    pinned: bool = True
    keepalive: int | None = None  # seconds; None: the service's gunicorn.conf.py (gunicorn's default 2)
    env: dict[str, str] = field(default_factory=dict)

    @property
    def label(self) -> str:
        kind = {
            "gthread": "gthread",
            "sync": "sync",
            "uvicorn.workers.UvicornWorker": "uvicorn ASGI",
            "production": "its production server",
        }[self.worker_class]
        threads = f" x {self.threads} threads" if self.worker_class in ("gthread", "production") else ""
        extra = "".join(f", {key}={value}" for key, value in self.env.items())
        return f"{kind} {self.workers}w{threads}{extra}"


def uv_path() -> str:
    found = shutil.which("uv")
    if found:
        return found
    script = REPO_ROOT / "scripts" / "ensure_uv.sh"
    return subprocess.run([str(script)], capture_output=True, text=True, check=True).stdout.strip()


def start_service(
    processes: ProcessSet,
    *,
    service: str,
    serving: Serving,
    port: int,
    env: dict[str, str],
    name: str,
    root: Path = REPO_ROOT,
) -> Managed:
    """Start gunicorn for ``service`` on ``127.0.0.1:port`` with ``serving``; wait until /healthz answers.

    ``root``: the source tree to serve (another checkout of the repository, for a before/after run)."""
    cwd = root / f"{service}_service"
    if serving.worker_class == "production":
        argv = [
            *launch_prefix(SERVER_CPU if serving.pinned else None),
            sys.executable,
            "-m",
            "common.web_server",
            service,
        ]
        knobs_env = {
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(serving.workers),
            "GUNICORN_THREADS": str(serving.threads),
            "GUNICORN_KEEPALIVE": str(serving.keepalive or 75),
        }
        env = {**env, **service_env(service, env, root), **knobs_env, **serving.env}
        managed = processes.start(name, argv, cwd=cwd, env=env)
        processes.wait_http(managed, f"http://127.0.0.1:{port}/healthz", timeout=120)
        return managed
    knobs = ["-c", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "-k", serving.worker_class]
    knobs += ["--workers", str(serving.workers), "--threads", str(serving.threads), "--timeout", "60"]
    if serving.keepalive is not None:
        knobs += ["--keep-alive", str(serving.keepalive)]
    if serving.worker_class.startswith("uvicorn"):
        argv = [
            uv_path(),
            "run",
            "--project",
            str(REPO_ROOT),
            "--frozen",
            "--with",
            "uvicorn",
            "--with",
            "uvloop",
            "--with",
            "httptools",
        ]
        argv += ["gunicorn", "config.asgi", *knobs]
    else:
        argv = [sys.executable, "-m", "gunicorn", "config.wsgi", *knobs]
    argv = [*launch_prefix(SERVER_CPU if serving.pinned else None), *argv]
    env = {**env, **service_env(service, env, root), **serving.env}
    managed = processes.start(name, argv, cwd=cwd, env=env)
    processes.wait_http(managed, f"http://127.0.0.1:{port}/healthz", timeout=120)
    return managed


def service_env(service: str, env: dict[str, str], root: Path = REPO_ROOT) -> dict[str, str]:
    """The benchmark's own settings for catalog: its settings plus the plain twins (``bench/catalog_plain``)."""
    if service != "catalog":
        return {}
    path = os.pathsep.join(part for part in (str(root), env.get("PYTHONPATH", "")) if part)
    return {"DJANGO_SETTINGS_MODULE": "bench.catalog_plain.settings", "PYTHONPATH": path}


def tree_env(env: dict[str, str], root: Path) -> dict[str, str]:
    """``env`` for processes run from the source tree ``root``: its ``common`` package ahead of the installed one."""
    if root == REPO_ROOT:
        return env
    path = os.pathsep.join(part for part in (str(root / "common"), env.get("PYTHONPATH", "")) if part)
    return {**env, "PYTHONPATH": path}


def service_path(service: str, root: Path = REPO_ROOT) -> Path:
    return root / f"{service}_service"
