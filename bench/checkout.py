#!/usr/bin/env python3
"""Checkout benchmark against running services: checkouts per second, cart-to-paid latency, oversold units.

Needs catalog and orders running with their relays, consumers and orders' sandbox webhook loop
(``manage.py deliver_sandbox_webhooks --loop``); the SKUs bought must be in orders' product copy
(catalog published them with events). Loopback URLs only; every phase is bounded in time.

Phase 1 (throughput): ``--buyers`` concurrent guest shoppers repeat for ``--duration`` seconds: new
cart, add 1 unit (of the in-stock SKUs in turn, so none runs out), checkout (Idempotency-Key). As many
payers take each order, wait for ``awaiting_payment`` (catalog reserved it), pay with the approving
test card on the hosted page and wait for ``paid``. Prints checkouts per second, the checkout
request's p50/p99, and the p50/p99 from the new cart to the order seen ``paid``.

Phase 2 (scarce stock): ``--scarce-buyers`` shoppers race at once for one SKU (by default the least
available one that can still serve ``--scarce-winners``), each wanting ``available // --scarce-winners``
units. Every order must end ``paid`` or ``rejected``; the units sold
may never exceed what catalog had: ``oversold_units`` must be 0.

    uv run python bench/checkout.py --catalog-url http://127.0.0.1:8001 --orders-url http://127.0.0.1:8003
    uv run python bench/checkout.py ... --buyers 50 --duration 20 --json   # one JSON object on stdout
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import queue
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

APPROVE_CARD = "4242424242424242"
ADDRESS = {
    "full_name": "Bench Buyer",
    "line1": "Rua Augusta",
    "number": "100",
    "line2": "",
    "neighborhood": "Consolação",
    "city": "São Paulo",
    "state": "SP",
    "postal_code": "01304-000",
    "country": "BR",
    "phone": "+5511999990000",
}
TERMINAL = {"paid", "rejected", "expired", "cancelled", "refunded", "fulfilled", "delivered"}


class BenchFailure(Exception):
    """The services did not behave as a checkout needs (an answer we did not expect, a timeout)."""


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def require_loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit(f"refusing to load {url}: loopback addresses only")
    return url.rstrip("/")


LONG_POLL_SECONDS = 10.0
SSL_CONTEXT = httpx.create_ssl_context()


@dataclass
class Shop:
    catalog_url: str
    orders_url: str
    timeout: float
    long_poll: bool = True  # ``GET orders/{number}?wait=&status=``; False: poll with backoff (older orders)
    status_requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def client(self) -> httpx.Client:
        # One SSL context for every buyer's client: building one costs ~30 ms of CPU, and 100 of them at
        # once on a loaded machine used to eat the whole throughput window before the first buy.
        return httpx.Client(timeout=min(30.0, self.timeout), verify=SSL_CONTEXT)

    def available(self, http: httpx.Client, skus: list[str]) -> dict[str, int]:
        response = http.get(f"{self.catalog_url}/api/catalog/stock", params=[("sku", sku) for sku in skus])
        response.raise_for_status()
        return {row["sku"]: int(row["available"]) for row in response.json()}

    def skus_by_availability(self, http: httpx.Client, pages: int = 5) -> list[tuple[str, int]]:
        """In-stock SKUs from catalog's list and detail pages, most available first."""
        found: dict[str, int] = {}
        for page in range(1, pages + 1):
            listing = http.get(
                f"{self.catalog_url}/api/catalog/products", params={"in_stock": "true", "page_size": 24, "page": page}
            )
            listing.raise_for_status()
            for item in listing.json().get("items", []):
                detail = http.get(f"{self.catalog_url}/api/catalog/products/{item['slug']}")
                if detail.status_code == 200:
                    for variant in detail.json().get("variants", []):
                        if variant.get("available", 0) > 0:
                            found[variant["sku"]] = int(variant["available"])
        return sorted(found.items(), key=lambda pair: -pair[1])

    def cart_with(self, http: httpx.Client, sku: str, quantity: int) -> tuple[dict, httpx.Response]:
        cart = http.post(f"{self.orders_url}/api/orders/cart")
        expect(cart, 201)
        headers = {"X-Cart-Token": cart.json()["token"]}
        added = http.post(
            f"{self.orders_url}/api/orders/cart/lines", json={"sku": sku, "quantity": quantity}, headers=headers
        )
        return headers, added

    def checkout(self, http: httpx.Client, headers: dict, email: str) -> dict:
        headers = {**headers, "Idempotency-Key": str(uuid.uuid4())}
        response = http.post(
            f"{self.orders_url}/api/orders/checkout",
            json={"email": email, "shipping_address": ADDRESS},
            headers=headers,
        )
        return expect(response, 201).json()

    def status(
        self, http: httpx.Client, number: str, token: str, *, known: str | None = None, wait: float = 0.0
    ) -> str:
        """A guest reads the order with its access token (from the checkout answer); with ``wait``, a
        long-poll that answers once the status is no longer ``known`` (or at the bound)."""
        params = {"wait": f"{wait:.1f}", "status": known} if wait and known else None
        with self.lock:
            self.status_requests += 1
        extra = {"timeout": wait + 30.0} if params else {}
        response = http.get(
            f"{self.orders_url}/api/orders/orders/{number}", params=params, headers={"X-Order-Token": token}, **extra
        )
        if response.headers.get("Retry-After"):  # orders had no waiting slot free: ask again after that
            time.sleep(min(float(response.headers["Retry-After"]), 5.0))
        order = expect(response, 200).json()
        if order["status"] == "awaiting_payment" and (order.get("payment") or {}).get("status") == "creating":
            return "payment_creating"  # reserved, the provider is opening the session after the commit: not payable yet
        return order["status"]

    def wait_for(
        self, http: httpx.Client, number: str, token: str, wanted: set[str], *, known: str | None = None
    ) -> str:
        """Until the order is in ``wanted`` (or terminal): long-polls from ``known`` when the shop has them,
        else (or when the server answers unchanged: its waiting slots were full) polls with backoff."""
        deadline = time.monotonic() + self.timeout
        delay = 0.02
        while time.monotonic() < deadline:
            wait = min(LONG_POLL_SECONDS, max(0.0, deadline - time.monotonic())) if self.long_poll and known else 0
            status = self.status(http, number, token, known=known, wait=wait)
            if status in wanted or status in TERMINAL:
                return status
            if status != known:
                known, delay = status, 0.02
                continue
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)
        raise BenchFailure(f"order {number} did not become {'/'.join(sorted(wanted))} in {self.timeout:.0f}s")

    def pay(self, http: httpx.Client, checkout_url: str) -> None:
        path = urlsplit(checkout_url).path
        response = http.post(f"{self.orders_url}{path}", data={"card_number": APPROVE_CARD})
        expect(response, 200)


def expect(response: httpx.Response, status: int) -> httpx.Response:
    if response.status_code != status:
        raise BenchFailure(
            f"{response.request.method} {response.request.url} -> {response.status_code}: {response.text[:200]}"
        )
    return response


@dataclass
class Throughput:
    checkout_requests: list[float] = field(default_factory=list)
    journeys: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def failed(self, error: Exception) -> None:
        with self.lock:
            self.errors.append(str(error))


def run_throughput(shop: Shop, skus: list[str], buyers: int, duration: float) -> dict:
    """Buyers check out as fast as they can for ``duration``; payers pay each order as soon as it is reserved.

    Checkouts per second counts answered checkouts of the buyers; the journey runs from the new cart to
    the moment the order is seen ``paid`` (status polled with backoff from 20 ms to 500 ms).
    """
    results = Throughput()
    next_sku = itertools.cycle(skus).__next__  # spread the buys so no SKU runs out of stock
    orders: queue.Queue = queue.Queue()
    stop_at = time.monotonic() + duration
    buying_done = threading.Event()

    def buyer(_index: int) -> None:
        with shop.client() as http:
            while time.monotonic() < stop_at and len(results.errors) <= 20:
                try:
                    started = time.perf_counter()
                    email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
                    headers, added = shop.cart_with(http, next_sku(), 1)
                    expect(added, 201)
                    before = time.perf_counter()
                    order = shop.checkout(http, headers, email)
                    with results.lock:
                        results.checkout_requests.append(time.perf_counter() - before)
                    orders.put((started, order))
                except (BenchFailure, httpx.HTTPError) as error:
                    results.failed(error)

    def payer(_index: int) -> None:
        with shop.client() as http:
            while not (buying_done.is_set() and orders.empty()):
                try:
                    started, order = orders.get(timeout=0.2)
                except queue.Empty:
                    continue
                try:
                    token, number = order["access_token"], order["number"]
                    reserved = shop.wait_for(http, number, token, {"awaiting_payment"}, known=order["status"])
                    if reserved != "awaiting_payment":
                        raise BenchFailure(f"order {order['number']} was not reserved")
                    shop.pay(http, order["payment"]["checkout_url"])
                    if shop.wait_for(http, number, token, {"paid"}, known="awaiting_payment") != "paid":
                        raise BenchFailure(f"order {order['number']} was not paid")
                    with results.lock:
                        results.journeys.append(time.perf_counter() - started)
                except (BenchFailure, httpx.HTTPError) as error:
                    results.failed(error)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=buyers * 2) as pool:
        payers = [pool.submit(payer, index) for index in range(buyers)]
        list(pool.map(buyer, range(buyers)))
        buying_seconds = time.monotonic() - started
        buying_done.set()
        for future in payers:
            future.result()
    all_paid_seconds = time.monotonic() - started
    return {
        "buyers": buyers,
        "checkout_seconds": round(buying_seconds, 2),
        "checkouts": len(results.checkout_requests),
        "checkouts_per_second": round(len(results.checkout_requests) / buying_seconds, 2),
        "checkout_request_p50_ms": round(percentile(results.checkout_requests, 0.50) * 1000, 1),
        "checkout_request_p99_ms": round(percentile(results.checkout_requests, 0.99) * 1000, 1),
        "paid_orders": len(results.journeys),
        "paid_per_second": round(len(results.journeys) / all_paid_seconds, 2),
        "cart_to_paid_p50_ms": round(percentile(results.journeys, 0.50) * 1000, 1),
        "cart_to_paid_p99_ms": round(percentile(results.journeys, 0.99) * 1000, 1),
        "errors": len(results.errors),
        "first_errors": results.errors[:3],
        "status_requests": shop.status_requests,
        "long_poll": shop.long_poll,
    }


def run_scarce(shop: Shop, sku: str, buyers: int, winners: int) -> dict:
    with shop.client() as http:
        available_before = shop.available(http, [sku])[sku]
    quantity = max(1, available_before // winners)
    barrier = threading.Barrier(buyers)

    def race(_index: int) -> tuple[str, int]:
        with shop.client() as http:
            email = f"scarce-{uuid.uuid4().hex[:10]}@example.com"
            headers, added = shop.cart_with(http, sku, quantity)
            barrier.wait(timeout=shop.timeout)
            if added.status_code == 409:  # catalog already said there is not enough
                return "refused_at_cart", 0
            expect(added, 201)
            order = shop.checkout(http, headers, email)
            number, token = order["number"], order["access_token"]
            status = shop.wait_for(http, number, token, {"awaiting_payment"}, known=order["status"])
            if status == "awaiting_payment":
                shop.pay(http, order["payment"]["checkout_url"])
                status = shop.wait_for(http, number, token, {"paid"}, known="awaiting_payment")
            return status, quantity if status == "paid" else 0

    with ThreadPoolExecutor(max_workers=buyers) as pool:
        outcomes = list(pool.map(race, range(buyers)))
    with shop.client() as http:
        available_after = shop.available(http, [sku])[sku]
    sold = sum(units for _status, units in outcomes)
    statuses = [status for status, _units in outcomes]
    return {
        "sku": sku,
        "buyers": buyers,
        "units_each": quantity,
        "available_before": available_before,
        "available_after": available_after,
        "paid": statuses.count("paid"),
        "rejected": statuses.count("rejected"),
        "refused_at_cart": statuses.count("refused_at_cart"),
        "other": len([s for s in statuses if s not in ("paid", "rejected", "refused_at_cart")]),
        "sold_units": sold,
        "oversold_units": max(0, sold - available_before) + max(0, -available_after),
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalog-url", default="http://127.0.0.1:8001")
    parser.add_argument("--orders-url", default="http://127.0.0.1:8003")
    parser.add_argument("--buyers", type=int, default=50, help="concurrent buyers in the throughput phase")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of the throughput phase")
    parser.add_argument("--scarce-buyers", type=int, default=30, help="shoppers racing in the scarce phase")
    parser.add_argument("--scarce-winners", type=int, default=5, help="how many of them the stock can serve")
    parser.add_argument("--sku", action="append", help="SKU(s) for the throughput phase (default: every in-stock one)")
    parser.add_argument("--scarce-sku", help="SKU for the scarce phase (default: another in-stock one)")
    parser.add_argument("--timeout", type=float, default=60.0, help="longest wait for one order's status")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-scarce", action="store_true")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    parser.add_argument(
        "--poll", action="store_true", help="poll the order with backoff instead of long-polling (older orders)"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    shop = Shop(
        require_loopback(args.catalog_url), require_loopback(args.orders_url), args.timeout, long_poll=not args.poll
    )
    with shop.client() as http:
        candidates = [] if (args.sku and args.scarce_sku) else shop.skus_by_availability(http)
    scarce_sku = args.scarce_sku or next((s for s, n in reversed(candidates) if n >= args.scarce_winners), None)
    skus = args.sku or [sku for sku, _available in candidates if sku != scarce_sku]
    if not skus or not scarce_sku:
        raise SystemExit("no in-stock SKUs found in catalog; seed it (with events, so orders has its product copy)")
    report: dict = {}
    try:
        if not args.skip_throughput:
            report["throughput"] = run_throughput(shop, skus, args.buyers, args.duration)
        if not args.skip_scarce:
            report["scarce"] = run_scarce(shop, scarce_sku, args.scarce_buyers, args.scarce_winners)
    except (BenchFailure, httpx.HTTPError) as error:
        report["error"] = str(error)
    if args.json:
        print(json.dumps(report))
    else:
        for phase, figures in report.items():
            print(
                f"{phase}: "
                + (figures if isinstance(figures, str) else ", ".join(f"{k}={v}" for k, v in figures.items()))
            )
    failed = "error" in report or report.get("scarce", {}).get("oversold_units", 0) > 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
