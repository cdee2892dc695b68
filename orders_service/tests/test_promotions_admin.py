"""Merchandisers run vouchers and promotions in the orders admin; support only sees them."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User

from orders.orders.models import Order
from orders.promotions.models import Promotion, Voucher
from tests.conftest import add_line, cart_headers, checkout, new_cart

pytestmark = pytest.mark.django_db


def staff(client, group: str) -> User:
    user = User.objects.create_user(group.split()[0].lower(), f"{group[:3]}@cosmeticos.co", "x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return user


VOUCHER = {
    "code": "verao15",
    "name": "Verão",
    "kind": "percent",
    "value": "15",
    "active": "on",
    "min_subtotal": "100.00",
    "brands": "natura, quem-disse",
    "categories": "",
    "skus": "",
    "usage_limit": "500",
    "per_customer_limit": "1",
    "combines_with_promotions": "on",
    "release_on_cancel": "on",
}


def test_a_merchandiser_creates_a_voucher_with_its_brands_typed_comma_separated(client):
    staff(client, "Merchandiser")

    response = client.post("/admin/promotions/voucher/add/", VOUCHER)

    assert response.status_code == 302, response.context["adminform"].form.errors
    voucher = Voucher.objects.get()
    assert (voucher.code, voucher.brands, voucher.categories, voucher.usage_limit) == (
        "VERAO15",
        ["natura", "quem-disse"],
        [],
        500,
    )
    assert client.get(f"/admin/promotions/voucher/{voucher.pk}/change/").status_code == 200


def test_a_code_differing_only_in_case_from_another_is_refused(client):
    staff(client, "Merchandiser")
    Voucher.objects.create(code="VERAO15", name="Verão", kind="percent", value=Decimal("15"))

    response = client.post("/admin/promotions/voucher/add/", VOUCHER)

    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.errors.as_data()["code"]] == ["code_taken"]
    assert Voucher.objects.count() == 1


def test_a_percent_above_100_is_a_form_error_and_nothing_is_saved(client):
    staff(client, "Merchandiser")

    response = client.post("/admin/promotions/voucher/add/", {**VOUCHER, "value": "150"})

    assert response.status_code == 200
    assert [error.code for error in response.context["adminform"].form.errors.as_data()["value"]] == [
        "percent_above_100"
    ]
    assert Voucher.objects.count() == 0


def test_a_quantity_tier_must_pay_fewer_units_than_it_takes(client):
    staff(client, "Merchandiser")
    data = {
        "name": "Leve 3 pague 3",
        "kind": "quantity_tier",
        "active": "on",
        "min_subtotal": "0",
        "buy_quantity": "3",
        "pay_quantity": "3",
        "gift_quantity": "1",
        "percent": "0",
    }

    response = client.post("/admin/promotions/promotion/add/", data)

    assert response.status_code == 200
    assert Promotion.objects.count() == 0
    response = client.post("/admin/promotions/promotion/add/", {**data, "pay_quantity": "2"})
    assert response.status_code == 302
    assert Promotion.objects.get().pay_quantity == 2


def test_customer_support_sees_vouchers_but_cannot_create_them(client):
    staff(client, "Customer support")
    Voucher.objects.create(code="X", name="X", kind="fixed", value=Decimal("5"))

    assert client.get("/admin/promotions/voucher/").status_code == 200
    assert client.get("/admin/promotions/voucher/add/").status_code == 403
    assert client.get("/admin/promotions/voucheruse/").status_code == 200


def test_the_order_page_shows_each_discount_with_its_reason(client, catalog):
    Voucher.objects.create(code="BEMVINDA10", name="Boas-vindas", kind="percent", value=Decimal("10"))
    headers = cart_headers(new_cart(client)["token"])
    add_line(client, headers, "SERUM-30", 1)
    client.post("/api/orders/cart/vouchers", {"code": "BEMVINDA10"}, content_type="application/json", **headers)
    assert checkout(client, headers, key="admin-discount", email="bia@example.com").status_code == 201
    staff(client, "Customer support")

    page = client.get(f"/admin/orders/order/{Order.objects.get().pk}/change/").content.decode()

    assert "Cupom BEMVINDA10: 10% de desconto: R$ 8,99" in page
