"""The process's one pooled HTTP client (``common.http``): reused, bounded, and remade after a fork."""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from common import http


class CountingHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so a reused client reuses its connection
    connections: set[tuple[str, int]] = set()

    def do_GET(self):
        CountingHandler.connections.add(self.client_address)
        body = b'{"keys": []}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.do_GET()

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture
def server():
    CountingHandler.connections = set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def fresh_client():
    http.close_http_client()
    yield
    http.close_http_client()


def test_every_call_gets_the_same_client():
    first = http.http_client()
    assert http.http_client() is first


def test_calls_from_many_threads_share_one_client():
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(http.http_client())) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in seen}) == 1


def test_the_client_has_finite_timeouts_and_does_not_follow_redirects():
    client = http.http_client()
    timeout = client.timeout
    for value in (timeout.connect, timeout.read, timeout.write, timeout.pool):
        assert value is not None and 0 < value <= 30
    assert client.follow_redirects is False


def test_the_ssl_context_is_built_once():
    assert http.ssl_context() is http.ssl_context()
    http.close_http_client()
    http.http_client()
    assert http.ssl_context() is http.ssl_context()


def test_two_calls_reuse_one_connection(server):
    client = http.http_client()
    assert client.get(f"{server}/a", timeout=2).status_code == 200
    assert client.get(f"{server}/b", timeout=2).status_code == 200
    assert len(CountingHandler.connections) == 1


def test_the_jwks_fetch_and_the_token_request_use_the_pooled_client(server, settings):
    """common.auth's outbound calls go through the shared client: both land on the same connection."""
    from common.auth.backends import request_tokens
    from common.auth.jwks import KeySet

    settings.JWKS_URL = f"{server}/.well-known/jwks.json"
    settings.ACCOUNTS_URL = server
    keys = KeySet()
    keys._refresh(0.0)
    assert request_tokens(email="a@example.com", password="x").status_code == 200
    keys._refresh(1.0)
    assert len(CountingHandler.connections) == 1


def test_a_forked_child_makes_its_own_client():
    parent = http.http_client()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report whether it got a new client, then leave without pytest's cleanup
        try:
            child = http.http_client()
            answer = b"new" if child is not parent and http.http_client() is child else b"same"
        except BaseException:
            answer = b"error"
        os.write(write_end, answer)
        os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 16)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    assert status == 0
    assert answer == b"new"
    assert http.http_client() is parent  # the parent keeps its own


def test_a_client_closed_elsewhere_is_replaced():
    first = http.http_client()
    http.close_http_client()
    second = http.http_client()
    assert second is not first
    assert isinstance(second, httpx.Client)
