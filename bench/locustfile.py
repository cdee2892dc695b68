"""Load generator: a realistic shopper mix against the storefront API (locust).

Weights browse : search : view : add to cart : checkout = 10 : 5 : 5 : 2 : 1, guests only (signing in
is deliberately slow, see /work/shared/PERFORMANCE.md, and is not what a storefront does per page).

Where the services are:
- one host in front of everything (a deployment's gateway routes ``/api/<service>/``): ``--host URL``;
- or each service on its own port: ``CATALOG_URL``, ``ORDERS_URL`` (and ``--host`` for the rest).

Examples (see bench/README.md)::

    uv run locust -f bench/locustfile.py --headless -u 20 -r 10 -t 20s --host http://127.0.0.1:8001 \
        --only-summary
    CATALOG_URL=http://127.0.0.1:8001 ORDERS_URL=http://127.0.0.1:8003 uv run locust -f bench/locustfile.py

``SHOPPER_PACE=2`` makes every simulated shopper act twice a second (a steady arrival rate) instead of
thinking 0.5-2 s between actions. Answers the contract defines as a normal outcome under load
(409 ``insufficient_stock`` when a SKU sells out) count as successes; anything else unexpected (5xx,
timeouts, other 4xx, dropped connections) is a failure.
"""

from __future__ import annotations

import os
import random
import threading
import uuid

from locust import HttpUser, between, constant_throughput, events, task

SEARCH_TERMS = ["batom", "base", "rimel", "mascara", "hidratante", "perfume", "sombra", "protetor", "serum", "blush"]
ADDRESS = {
    "full_name": "Carga Teste",
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


class Catalog:
    """What shoppers pick from: slugs, SKUs in stock, category and brand slugs (read once per process)."""

    lock = threading.Lock()
    loaded = False
    slugs: list[str] = []
    skus: list[str] = []
    categories: list[str] = []
    brands: list[str] = []
    words: list[str] = []

    @classmethod
    def load(cls, client, catalog: str) -> None:
        with cls.lock:
            if cls.loaded:
                return
            listing = client.get(f"{catalog}/api/catalog/products", params={"page_size": 100}, name="setup").json()
            cls.slugs = [item["slug"] for item in listing["items"]]
            cls.words = sorted({w.lower() for item in listing["items"] for w in item["name"].split() if len(w) > 3})
            for slug in cls.slugs[:30]:
                detail = client.get(f"{catalog}/api/catalog/products/{slug}", name="setup").json()
                cls.skus += [v["sku"] for v in detail["variants"] if v["available"] > 0]
            cls.categories = _slugs(client.get(f"{catalog}/api/catalog/categories", name="setup").json())
            cls.brands = [b["slug"] for b in client.get(f"{catalog}/api/catalog/brands", name="setup").json()]
            if not cls.slugs or not cls.skus:
                raise RuntimeError(f"the catalog at {catalog} has no published products in stock to shop for")
            cls.loaded = True


def _slugs(tree: list[dict]) -> list[str]:
    found: list[str] = []
    for node in tree:
        found.append(node["slug"])
        found += _slugs(node.get("children") or [])
    return found


def _typo(word: str) -> str:
    """Swap two neighbouring letters, as a hurried shopper does."""
    if len(word) < 4:
        return word
    i = random.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def _pace():
    """Think time between a shopper's actions: 0.5-2 s, or ``SHOPPER_PACE`` actions per second each.

    A fixed pace (locust's ``constant_throughput``) keeps the arrival rate steady whatever the latency,
    which is what latency percentiles should be measured under (see /work/shared/PERFORMANCE.md).
    """
    pace = os.environ.get("SHOPPER_PACE", "")
    return constant_throughput(float(pace)) if pace else between(0.5, 2.0)


class Shopper(HttpUser):
    """A guest shopper: browses and searches a lot, views products, sometimes buys."""

    wait_time = _pace()

    def on_start(self) -> None:
        self.catalog = os.environ.get("CATALOG_URL", "") or self.host
        self.orders = os.environ.get("ORDERS_URL", "") or self.host
        Catalog.load(self.client, self.catalog)
        self.cart_token: str | None = None
        self.lines = 0

    @task(10)
    def browse(self) -> None:
        params = {"page_size": 24, "page": random.choice([1, 1, 1, 2])}
        choice = random.random()
        if choice < 0.4 and Catalog.categories:
            params["category"] = random.choice(Catalog.categories)
        elif choice < 0.7 and Catalog.brands:
            params["brand"] = random.choice(Catalog.brands)
        if random.random() < 0.3:
            params["sort"] = random.choice(["price", "-price", "name"])
        with self.client.get(
            f"{self.catalog}/api/catalog/products", params=params, name="browse", catch_response=True
        ) as response:
            # a page past the end of a small category is a 404 or an empty page: both are fine
            if response.status_code == 404:
                response.success()

    @task(5)
    def search(self) -> None:
        word = random.choice(Catalog.words or SEARCH_TERMS) if random.random() < 0.6 else random.choice(SEARCH_TERMS)
        if random.random() < 0.3:
            word = _typo(word)
        self.client.get(f"{self.catalog}/api/catalog/products", params={"q": word, "page_size": 24}, name="search")

    @task(5)
    def view(self) -> None:
        slug = random.choice(Catalog.slugs)
        self.client.get(f"{self.catalog}/api/catalog/products/{slug}", name="view")

    @task(2)
    def add_to_cart(self) -> None:
        if not self.cart_token:
            response = self.client.post(f"{self.orders}/api/orders/cart", name="cart")
            if response.status_code != 201:
                return
            self.cart_token, self.lines = response.json()["token"], 0
        body = {"sku": random.choice(Catalog.skus), "quantity": 1}
        with self.client.post(
            f"{self.orders}/api/orders/cart/lines",
            json=body,
            headers={"X-Cart-Token": self.cart_token},
            name="add to cart",
            catch_response=True,
        ) as response:
            if response.status_code == 201:
                self.lines += 1
            elif response.status_code == 409 and "insufficient_stock" in response.text:
                response.success()

    @task(1)
    def checkout(self) -> None:
        if not self.cart_token or not self.lines:
            return
        body = {"email": f"carga-{uuid.uuid4().hex[:10]}@load.cosmeticos.co", "shipping_address": ADDRESS}
        headers = {"X-Cart-Token": self.cart_token, "Idempotency-Key": str(uuid.uuid4())}
        with self.client.post(
            f"{self.orders}/api/orders/checkout", json=body, headers=headers, name="checkout", catch_response=True
        ) as response:
            if response.status_code == 409 and "insufficient_stock" in response.text:
                response.success()
        self.cart_token, self.lines = None, 0


@events.init_command_line_parser.add_listener
def _document_environment(parser) -> None:
    parser.add_argument("--catalog-url", env_var="CATALOG_URL", default="", help="catalog base URL")
    parser.add_argument("--orders-url", env_var="ORDERS_URL", default="", help="orders base URL")


@events.test_start.add_listener
def _apply_urls(environment, **kwargs) -> None:
    options = environment.parsed_options
    if options is not None:
        if options.catalog_url:
            os.environ["CATALOG_URL"] = options.catalog_url
        if options.orders_url:
            os.environ["ORDERS_URL"] = options.orders_url
