"""What a cart answer reads: lines and codes once, no pricing for a new cart, the promotions from a
per-process cache that a change of a promotion (or of a gift's name) shows at once."""

import pytest

from orders.promotions.models import Promotion
from tests.conftest import CART, cart_headers, publish_sample
from tests.test_promotions import cart_with

pytestmark = pytest.mark.django_db

EMPTY_CART_PRICING = {
    "lines": [],
    "subtotal": "0.00",
    "installments": None,
    "vouchers": [],
    "discounts": [],
    "gifts": [],
    "discount_total": "0.00",
    "total": "0.00",
}


def statements(queries) -> list[str]:
    return [query["sql"] for query in queries.captured_queries]


def test_a_new_guest_cart_is_one_insert_and_answers_with_nothing_to_price(client, shop, django_assert_num_queries):
    Promotion.objects.create(name="Leve 2 pague 1", kind="quantity_tier", buy_quantity=2, pay_quantity=1)

    with django_assert_num_queries(1) as queries:
        response = client.post(CART)

    assert response.status_code == 201
    assert statements(queries)[0].startswith('INSERT INTO "carts_cart"')
    body = response.json()
    assert {key: body[key] for key in EMPTY_CART_PRICING} == EMPTY_CART_PRICING
    assert client.get(CART, **cart_headers(body["token"])).json() == body  # priced the long way: the same


def test_a_cart_answer_reads_each_thing_once(client, shop, django_assert_max_num_queries):
    Promotion.objects.create(name="Leve 2 pague 1", kind="quantity_tier", buy_quantity=2, pay_quantity=1)
    headers = cart_with(client, ("SERUM-30", 2), ("BASE-01", 1))

    with django_assert_max_num_queries(5) as queries:  # cart, lines, codes, rules' version, product copy
        body = client.get(CART, **headers).json()

    assert len(set(statements(queries))) == len(statements(queries))
    assert [d["amount"] for d in body["discounts"]] == ["89.90"]


def test_unchanged_rules_are_not_read_again_but_checked_with_one_aggregate(client, shop, django_assert_num_queries):
    Promotion.objects.create(name="Leve 2 pague 1", kind="quantity_tier", buy_quantity=2, pay_quantity=1)
    headers = cart_with(client, ("SERUM-30", 2))
    client.get(CART, **headers)

    with django_assert_num_queries(5) as queries:
        client.get(CART, **headers)

    on_promotions = [sql for sql in statements(queries) if '"promotions_promotion"' in sql]
    assert on_promotions == ['SELECT COUNT(*), MAX(updated_at) FROM "promotions_promotion"']


def test_a_promotion_edited_created_or_deleted_prices_the_very_next_cart_answer(client, shop):
    tier = Promotion.objects.create(name="Leve 2 pague 1", kind="quantity_tier", buy_quantity=2, pay_quantity=1)
    headers = cart_with(client, ("SERUM-30", 2))
    assert client.get(CART, **headers).json()["total"] == "89.90"

    tier.name, tier.buy_quantity, tier.pay_quantity = "Leve 2 pague 1,5", 2, 2
    tier.save()  # the admin's save: a tier that gives nothing now
    assert client.get(CART, **headers).json()["discounts"] == []

    Promotion.objects.create(
        name="Serum em dobro", kind="quantity_tier", buy_quantity=2, pay_quantity=1, skus=["SERUM-30"]
    )
    assert client.get(CART, **headers).json()["total"] == "89.90"

    Promotion.objects.filter(name="Serum em dobro").delete()
    body = client.get(CART, **headers).json()
    assert (body["discounts"], body["total"]) == ([], "179.80")


def test_a_gift_renamed_by_catalog_shows_its_new_name_with_the_rules_cached(client, shop):
    Promotion.objects.create(name="Acima de R$ 150", kind="sample", gift_sku="AMOSTRA-PERFUME", min_subtotal=150)
    headers = cart_with(client, ("SERUM-30", 2))
    assert client.get(CART, **headers).json()["gifts"][0]["name"] == "Amostra de Perfume - 2 ml"

    publish_sample(variant_name="5 ml")  # catalog renames the variant

    assert client.get(CART, **headers).json()["gifts"][0]["name"] == "Amostra de Perfume - 5 ml"


def test_catalog_is_asked_for_the_stock_of_earned_gifts_only(client, shop, monkeypatch):
    Promotion.objects.create(name="Acima de R$ 150", kind="sample", gift_sku="AMOSTRA-PERFUME", min_subtotal=150)
    asked: list[list[str]] = []
    answer = shop.stock_available

    def counting(*, skus):
        asked.append(sorted(skus))
        return answer(skus=skus)

    monkeypatch.setattr("orders.products.catalog_client.stock_available", counting)
    headers = cart_with(client, ("SERUM-30", 1))  # R$ 89,90: the sample is not earned
    asked.clear()

    assert client.get(CART, **headers).json()["gifts"] == []
    assert asked == []

    headers = cart_with(client, ("SERUM-30", 2))  # R$ 179,80: it is
    asked.clear()
    assert [g["available"] for g in client.get(CART, **headers).json()["gifts"]] == [True]
    assert asked == [["AMOSTRA-PERFUME"]]


def test_adding_a_line_answers_the_lines_it_wrote_without_reading_them_a_third_time(
    client, shop, django_assert_num_queries
):
    from tests.conftest import add_line

    headers = cart_with(client, ("SERUM-30", 1))
    client.get(CART, **headers)  # the promotions cache is warm, as in a running shop

    with django_assert_num_queries(11) as queries:
        added = add_line(client, headers, "SERUM-30", 2)  # a line already in the cart: its quantity grows
    assert added.status_code == 201
    reads_of_lines = [sql for sql in statements(queries) if sql.startswith("SELECT") and '"carts_cartline"' in sql]
    assert len(reads_of_lines) == 2  # the advisory check before the lock, and the lines under the lock
    assert added.json() == client.get(CART, **headers).json()

    new_line = add_line(client, headers, "BASE-01", 1)  # a new line: appended as created
    assert new_line.json() == client.get(CART, **headers).json()
    assert [(line["sku"], line["quantity"]) for line in new_line.json()["lines"]] == [("SERUM-30", 3), ("BASE-01", 1)]
