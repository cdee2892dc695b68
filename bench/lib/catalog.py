"""The catalog requests the benchmarks send, picked from the seeded catalog through its own API.

Every Ninja path has a plain twin under ``/plain/catalog/`` (mounted only by the benchmark's own settings,
``bench/catalog_plain``) that runs the same query and returns the same bytes without Ninja.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import httpx

from bench.lib.processes import BenchError

API = "/api/catalog"
PLAIN = "/plain/catalog"
PAGE_SIZE = 24


@dataclass
class CatalogSample:
    """Paths for each benchmarked endpoint, taken from what the seeded catalog really holds."""

    list_paths: list[str]
    filtered_paths: list[str]
    search_paths: list[str]
    detail_paths: list[str]

    def endpoint_pairs(self) -> list[tuple[str, list[str], list[str]]]:
        """(name, Ninja paths, plain paths) for list, filtered list, search and detail."""
        return [
            ("list", self.list_paths, plain(self.list_paths)),
            ("filtered list", self.filtered_paths, plain(self.filtered_paths)),
            ("search", self.search_paths, plain(self.search_paths)),
            ("detail", self.detail_paths, plain(self.detail_paths)),
        ]

    def cached_pairs(self) -> list[tuple[str, list[str], list[str]]]:
        """(name, Ninja paths, plain paths) for the cached list and detail.

        With ``CATALOG_RESPONSE_CACHE=true`` both share the one Redis entry per answer, so the plain
        view is "plain Django serving the cached bytes".
        """
        return [
            ("list", self.list_paths, plain(self.list_paths)),
            ("detail", self.detail_paths, plain(self.detail_paths)),
        ]


def plain(paths: list[str]) -> list[str]:
    """The plain views' twin of each API path."""
    return [PLAIN + path[len(API) :] for path in paths]


def sample(base: str) -> CatalogSample:
    """Read the first products, categories and brands and build the request paths from them."""
    first = _get(base, f"{API}/products?{urlencode({'page_size': 100})}")
    items = first.get("items") or []
    if len(items) < 10:
        raise BenchError(f"the catalog list at {base} returned {len(items)} products: is the catalog seeded?")
    pages = max(1, min(5, int(first.get("pages") or 1)))
    list_paths = [f"{API}/products?page={page}&page_size={PAGE_SIZE}" for page in range(1, pages + 1)]
    categories = list(dict.fromkeys(item["category"]["slug"] for item in items if item.get("category")))
    brands = list(dict.fromkeys(item["brand"]["slug"] for item in items if item.get("brand")))
    filtered = [
        f"{API}/products?{urlencode({'category': slug, 'in_stock': 'true', 'sort': 'price'})}"
        for slug in categories[:3]
    ]
    filtered += [
        f"{API}/products?{urlencode({'brand': slug, 'min_price': '10', 'max_price': '500'})}" for slug in brands[:2]
    ]
    words = []
    for item in items:
        for word in item["name"].split():
            if len(word) >= 4 and word.isalpha() and word.lower() not in words:
                words.append(word.lower())
    search = [f"{API}/products?{urlencode({'q': word})}" for word in words[:8]]
    if not search:
        raise BenchError("no search terms could be taken from the product names")
    detail = [f"{API}/products/{item['slug']}" for item in items[:50]]
    return CatalogSample(list_paths, filtered or list_paths, search, detail)


def same_bytes(base: str, ninja_paths: list[str], plain_paths: list[str]) -> bool:
    """True when the first Ninja and plain answers are byte-identical (fails loudly on a non-200)."""
    ninja = httpx.get(base + ninja_paths[0], timeout=30.0)
    twin = httpx.get(base + plain_paths[0], timeout=30.0)
    for response in (ninja, twin):
        if response.status_code != 200:
            raise BenchError(f"GET {response.request.url} answered {response.status_code}: {response.text[:200]}")
    return ninja.content == twin.content


def warm(base: str, paths: list[str]) -> None:
    """Request each path once (twice for good measure) so the response cache holds it."""
    with httpx.Client(base_url=base, timeout=30.0) as client:
        for _ in range(2):
            for path in paths:
                response = client.get(path)
                if response.status_code != 200:
                    raise BenchError(f"GET {path} answered {response.status_code}: {response.text[:200]}")


def _get(base: str, path: str) -> dict:
    response = httpx.get(base + path, timeout=30.0)
    if response.status_code != 200:
        raise BenchError(f"GET {path} answered {response.status_code}: {response.text[:200]}")
    return response.json()
