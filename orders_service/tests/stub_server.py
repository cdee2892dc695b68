"""A local HTTP server for outbound calls the tests make real (Melhor Envio's quote, accounts' saved
addresses): each route answers a status and JSON body (or raw bytes), optionally after a delay, and every
request is recorded with its headers and JSON body."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson

Answer = tuple[int, object]  # (status, JSON-able body or bytes)


class StubServer:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Callable[[dict, object], Answer]] = {}
        self.requests: list[dict] = []
        self.delay_seconds = 0.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def route(self, method: str, path: str, answer: Callable[[dict, object], Answer]) -> None:
        self.routes[(method, path)] = answer

    def start(self) -> StubServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # keep test output quiet
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = orjson.loads(raw) if raw else None
                headers = {name.lower(): value for name, value in self.headers.items()}
                stub.requests.append({"method": method, "path": self.path, "headers": headers, "body": body})
                if stub.delay_seconds:
                    time.sleep(stub.delay_seconds)
                answer = stub.routes.get((method, self.path))
                status, payload = answer(headers, body) if answer else (404, {"message": "Not Found"})
                data = payload if isinstance(payload, bytes) else orjson.dumps(payload)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
                    pass

            def do_GET(self):
                self._serve("GET")

            def do_POST(self):
                self._serve("POST")

        return Handler
