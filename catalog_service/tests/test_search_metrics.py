"""Every shopper search is counted by outcome, so the zero-result rate can be graphed and alerted on."""

import pytest

from common.observability.metrics import SEARCHES

pytestmark = pytest.mark.django_db


def _count(outcome: str) -> float:
    return SEARCHES.labels(outcome=outcome)._value.get()


def test_a_search_with_results_and_one_without_are_counted_by_outcome(client, catalog_data):
    results_before, zero_before = _count("results"), _count("zero_results")

    assert client.get("/api/catalog/products", {"q": "batom"}).json()["count"] > 0
    assert client.get("/api/catalog/products", {"q": "xyzzyqwerty"}).json()["count"] == 0

    assert _count("results") == results_before + 1
    assert _count("zero_results") == zero_before + 1


def test_browsing_without_a_query_is_not_counted_as_a_search(client, catalog_data):
    results_before, zero_before = _count("results"), _count("zero_results")
    client.get("/api/catalog/products")
    assert (_count("results"), _count("zero_results")) == (results_before, zero_before)
