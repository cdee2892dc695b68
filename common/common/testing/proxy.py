"""A TCP proxy a test owns, to break the link between a process and a real server on purpose.

``TcpProxy(upstream_port)`` listens on 127.0.0.1 (a free port) and forwards every connection to the
upstream server. While the test runs it can:

- ``cut()``: close every open connection and refuse new ones (accepted, then closed at once) — a
  broker that went away, a network partition the client notices;
- ``stall()``: keep connections open but forward nothing — a hung broker or a black-holed link the
  client only notices through its own timeouts;
- ``slow(seconds)``: delay every chunk forwarded — a congested link;
- ``restore()``: forward normally again (new connections succeed; cut ones stay closed).

Threads only (no event loop to share with the code under test); stop it with ``close()`` or use it
as a context manager. Never used outside tests.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

NORMAL, CUT, STALLED = "normal", "cut", "stalled"
CHUNK = 65536


class TcpProxy:
    def __init__(self, upstream_port: int, *, upstream_host: str = "127.0.0.1") -> None:
        self.upstream = (upstream_host, upstream_port)
        self.mode = NORMAL
        self.delay = 0.0
        self.connections_accepted = 0
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._closed = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0), reuse_port=False)
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, name=f"tcp-proxy-{self.port}", daemon=True)
        self._thread.start()

    def url_for(self, url: str, *, upstream_port: int | None = None) -> str:
        """``url`` with the upstream ``host:port`` replaced by the proxy's."""
        host, port = self.upstream
        return url.replace(f"{host}:{upstream_port or port}", f"127.0.0.1:{self.port}")

    def cut(self) -> None:
        self.mode = CUT
        self._close_all()

    def stall(self) -> None:
        self.mode = STALLED

    def slow(self, seconds: float) -> None:
        self.mode, self.delay = NORMAL, seconds

    def restore(self) -> None:
        self.mode, self.delay = NORMAL, 0.0

    def close(self) -> None:
        self._closed.set()
        self._close_all()
        self._listener.close()
        self._thread.join(timeout=2)

    def __enter__(self) -> TcpProxy:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def _accept_loop(self) -> None:
        while not self._closed.is_set():
            try:
                client, _address = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            if self.mode == CUT:
                _close(client)
                continue
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            self.connections_accepted += 1
            for sock in (client, upstream):
                sock.settimeout(0.2)
            with self._lock:
                self._sockets |= {client, upstream}
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while not self._closed.is_set():
                if self.mode == STALLED:
                    time.sleep(0.05)  # nothing read, nothing forwarded: the peer's buffers fill, it hangs
                    continue
                try:
                    data = source.recv(CHUNK)
                except TimeoutError:
                    continue
                if not data:
                    break
                if self.delay:
                    time.sleep(self.delay)
                while self.mode == STALLED and not self._closed.is_set():
                    time.sleep(0.05)
                target.sendall(data)
        except OSError:
            pass
        finally:
            self._discard(source, target)

    def _discard(self, *sockets: socket.socket) -> None:
        with self._lock:
            for sock in sockets:
                self._sockets.discard(sock)
        for sock in sockets:
            _close(sock)

    def _close_all(self) -> None:
        with self._lock:
            doomed, self._sockets = self._sockets, set()
        for sock in doomed:
            _close(sock)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
