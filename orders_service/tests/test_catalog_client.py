"""The availability check against catalog's stock endpoint, over real HTTP to a stand-in server."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from orders.products.catalog_client import stock_available


class StockHandler(BaseHTTPRequestHandler):
    stock = {"SERUM-30": 7, "BATOM-RED": 0}
    hold = threading.Event()  # set: answer at once; clear: hang until the test ends

    def do_GET(self):
        url = urlsplit(self.path)
        if url.path != "/api/catalog/stock":
            self.send_error(404)
            return
        if not self.hold.is_set():
            self.hold.wait(timeout=5)
        skus = parse_qs(url.query).get("sku", [])
        body = json.dumps([{"sku": sku, "available": self.stock[sku]} for sku in skus if sku in self.stock]).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture
def catalog_server(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), StockHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StockHandler.hold.set()
    settings.CATALOG_URL = f"http://127.0.0.1:{server.server_port}"
    yield server
    StockHandler.hold.set()
    server.shutdown()
    server.server_close()


def test_availability_comes_from_catalogs_stock_endpoint(catalog_server):
    assert stock_available(skus=["SERUM-30", "BATOM-RED", "NOT-THERE"]) == {"SERUM-30": 7, "BATOM-RED": 0}


def test_a_catalog_that_does_not_answer_within_the_timeout_means_unknown(catalog_server, settings):
    settings.ORDERS_CATALOG_TIMEOUT_SECONDS = 0.2
    StockHandler.hold.clear()
    assert stock_available(skus=["SERUM-30"]) is None


def test_a_catalog_that_is_not_running_means_unknown(settings):
    settings.CATALOG_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    assert stock_available(skus=["SERUM-30"]) is None


class KeepAliveStockHandler(StockHandler):
    protocol_version = "HTTP/1.1"
    connections: set = set()

    def do_GET(self):
        KeepAliveStockHandler.connections.add(self.client_address)
        super().do_GET()


def test_stock_checks_reuse_the_processs_pooled_connection(settings):
    """No client (and no SSL context, no TCP handshake) per check: two checks, one connection."""
    KeepAliveStockHandler.connections = set()
    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAliveStockHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StockHandler.hold.set()
    settings.CATALOG_URL = f"http://127.0.0.1:{server.server_port}"
    try:
        assert stock_available(skus=["SERUM-30"]) == {"SERUM-30": 7}
        assert stock_available(skus=["BATOM-RED"]) == {"BATOM-RED": 0}
    finally:
        server.shutdown()
        server.server_close()
    assert len(KeepAliveStockHandler.connections) == 1
