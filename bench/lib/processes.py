"""Start the processes a benchmark needs in their own process groups, and always stop them again.

Every server is started with ``start_new_session=True`` so that it and all its children (gunicorn's
workers, ``uv run``'s child) form one process group; stopping sends SIGTERM to the group, waits, then
SIGKILL. :class:`ProcessSet` is a context manager and also stops everything on SIGTERM and Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


class BenchError(RuntimeError):
    """A benchmark could not run (a server did not start, a tool failed): the message says why."""


@dataclass
class Managed:
    name: str
    popen: subprocess.Popen
    log_path: Path


@dataclass
class ProcessSet:
    """The processes started by this run; ``stop_all`` ends each one's whole process group."""

    log_dir: Path
    started: list[Managed] = field(default_factory=list)

    def __enter__(self) -> ProcessSet:
        signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop_all()

    def start(self, name: str, argv: list[str], *, cwd: Path, env: dict[str, str]) -> Managed:
        """Start ``argv`` in a new session (its own process group), output to ``<log_dir>/<name>.log``."""
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log_path = self.log_dir / f"{name}.log"
        log = log_path.open("wb")
        popen = subprocess.Popen(
            argv, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        managed = Managed(name=name, popen=popen, log_path=log_path)
        self.started.append(managed)
        return managed

    def stop(self, managed: Managed, *, grace: float = 10.0) -> None:
        """Stop one process group (see :meth:`stop_many`)."""
        self.stop_many([managed], grace=grace)

    def stop_many(self, managed_list: list[Managed], *, grace: float = 10.0) -> None:
        """SIGTERM every group at once, wait up to ``grace`` seconds in all, then SIGKILL what is left.

        Ctrl-C and SIGTERM are ignored meanwhile, so a second signal cannot leave processes behind.
        """
        targets = [managed for managed in managed_list if managed in self.started]
        if not targets:
            return
        previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            for managed in targets:
                _signal_group(managed.popen.pid, signal.SIGTERM)  # a session leader: pgid == pid
            deadline = time.monotonic() + grace
            for managed in targets:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    managed.popen.wait(timeout=max(0.0, deadline - time.monotonic()))
            for managed in targets:
                _signal_group(managed.popen.pid, signal.SIGKILL)  # workers may outlive their arbiter
                with contextlib.suppress(subprocess.TimeoutExpired):
                    managed.popen.wait(timeout=5)
                self.started.remove(managed)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def stop_all(self) -> None:
        self.stop_many(list(self.started))

    def wait_http(self, managed: Managed, url: str, *, timeout: float = 60.0) -> None:
        """Poll ``url`` until it answers 200; fail early (with the log's tail) if the process died."""
        deadline = time.monotonic() + timeout
        last = ""
        while time.monotonic() < deadline:
            if managed.popen.poll() is not None:
                raise BenchError(f"{managed.name} exited with {managed.popen.returncode}:\n{tail(managed.log_path)}")
            try:
                response = httpx.get(url, timeout=2.0)
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code}"
            except httpx.HTTPError as error:
                last = str(error)
            time.sleep(0.2)
        raise BenchError(f"{managed.name} did not answer {url} in {timeout:.0f}s ({last}):\n{tail(managed.log_path)}")


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def run_checked(
    argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float, what: str, ok: tuple[int, ...] = (0,)
) -> str:
    """Run a bounded command in its own process group to completion; its stdout, or a BenchError.

    On timeout or Ctrl-C the whole group is killed, so a tool's own children cannot outlive it.
    """
    popen = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        text=True, start_new_session=True,
    )  # fmt: skip
    try:
        stdout, stderr = popen.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as error:
        _signal_group(popen.pid, signal.SIGKILL)
        popen.communicate()
        raise BenchError(f"{what} took longer than {timeout:.0f}s") from error
    except BaseException:
        _signal_group(popen.pid, signal.SIGKILL)
        popen.wait()
        raise
    _signal_group(popen.pid, signal.SIGKILL)  # leftovers of the group, if any
    if popen.returncode not in ok:
        output = (stdout + stderr).strip().splitlines()[-30:]
        raise BenchError(f"{what} failed ({popen.returncode}):\n" + "\n".join(output))
    return stdout


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt(f"signal {signum}")
