"""Reads for pricing: the rules in force as engine values, a cart's lines and codes, a customer's uses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Count

from common.compiled_queries import CompiledQuery
from common.cursors import statement_cursor
from orders.carts.models import Cart, CartLine
from orders.money import money
from orders.products.models import ProductVariant
from orders.products.selectors import variants_by_sku
from orders.promotions.engine import (
    Customer,
    Pricing,
    PricingLine,
    PromotionRule,
    Scope,
    VoucherRule,
)
from orders.promotions.models import Promotion, Voucher, VoucherUse


def customer_key(*, user_id: int | None, email: str | None) -> str:
    """Who a per-customer limit counts: the order's email (a signed-in shopper's is the account's, so
    checking out as a guest with it counts the same), or the account when no email is known yet."""
    if email:
        return f"email:{email.strip().lower()}"
    return f"user:{user_id}"


def _scope(rule) -> Scope:
    return Scope(brands=frozenset(rule.brands), categories=frozenset(rule.categories), skus=frozenset(rule.skus))


def voucher_rule(voucher: Voucher) -> VoucherRule:
    return VoucherRule(
        code=voucher.code,
        kind=voucher.kind,
        value=voucher.value,
        min_subtotal=voucher.min_subtotal,
        starts_at=voucher.starts_at,
        ends_at=voucher.ends_at,
        usage_limit=voucher.usage_limit,
        uses_count=voucher.uses_count,
        per_customer_limit=voucher.per_customer_limit,
        first_purchase_only=voucher.first_purchase_only,
        scope=_scope(voucher),
        combines_with_promotions=voucher.combines_with_promotions,
        active=voucher.active,
    )


def _rules_version() -> tuple:
    """What changes whenever a promotion is created, edited (``updated_at`` is ``auto_now``) or deleted:
    the row count and the latest ``updated_at``, in one aggregate over a table of a few dozen rows."""
    table = connection.ops.quote_name(Promotion._meta.db_table)
    with statement_cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), MAX(updated_at) FROM {table}")  # noqa: S608 (the model's own table)
        count, latest = cursor.fetchone()
    return (connection.settings_dict["NAME"], count, str(latest))


class _CachedRules:
    """The active promotions as engine rules, kept per process under ``_rules_version``: a cart is priced
    on every cart answer and checkout, the rules change a few times a day."""

    def __init__(self) -> None:
        self.entry: tuple[tuple, list[PromotionRule]] | None = None

    def rules(self) -> list[PromotionRule]:
        version = _rules_version()
        entry = self.entry
        if entry is None or entry[0] != version:
            entry = self.entry = (version, [_rule(p) for p in Promotion.objects.filter(active=True).order_by("id")])
        return entry[1]


_CACHED_RULES = _CachedRules()


def _rule(promotion: Promotion) -> PromotionRule:
    return PromotionRule(
        id=promotion.pk,
        name=promotion.name,
        kind=promotion.kind,
        starts_at=promotion.starts_at,
        ends_at=promotion.ends_at,
        min_subtotal=promotion.min_subtotal,
        scope=_scope(promotion),
        buy_quantity=promotion.buy_quantity,
        pay_quantity=promotion.pay_quantity,
        gift_sku=promotion.gift_sku,
        gift_name=promotion.gift_sku,
        gift_quantity=promotion.gift_quantity,
        percent=promotion.percent,
        payment_method=promotion.payment_method,
    )


def promotion_rules(*, now: datetime) -> list[PromotionRule]:
    """The active automatic promotions whose window includes ``now``, with their gifts' names.

    The rules come from the per-process cache (one aggregate query checks it is current); the gifts'
    names are read from the product copy on each call, since catalog renames a product at any time."""
    live = [rule for rule in _CACHED_RULES.rules() if _in_window(rule, now)]
    gift_skus = [rule.gift_sku for rule in live if rule.gift_sku]
    if not gift_skus:
        return live
    names = variants_by_sku(skus=gift_skus)
    return [
        replace(rule, gift_name=names[rule.gift_sku].display_name) if rule.gift_sku in names else rule for rule in live
    ]


def _in_window(rule: PromotionRule, now: datetime) -> bool:
    return (rule.starts_at is None or rule.starts_at <= now) and (rule.ends_at is None or rule.ends_at > now)


_CART_VOUCHERS = CompiledQuery(
    lambda cart_id: Voucher.objects.filter(cart_links__cart_id=cart_id).order_by("cart_links__id"),
    cart_id=-7_310_000_004,
)


def cart_vouchers(*, cart: Cart) -> list[Voucher]:
    """The cart's codes in the order they were applied (one compiled query: every cart answer reads them)."""
    return _CART_VOUCHERS(cart_id=cart.pk)


def pricing_lines(
    *, cart_lines: Sequence[CartLine], variants: dict[str, ProductVariant] | None = None
) -> list[PricingLine]:
    """Cart lines (or lines being placed) with the brand and categories the rules look at, from the product
    copy: ``variants`` when the caller has read them (``variants_by_sku``), else one query."""
    if variants is None:
        variants = variants_by_sku(skus=[line.sku for line in cart_lines])
    result = []
    for line in cart_lines:
        variant = variants.get(line.sku)
        result.append(
            PricingLine(
                sku=line.sku,
                quantity=line.quantity,
                unit_price=line.unit_price,
                name=line.name,
                brand=variant.brand_slug if variant else "",
                categories=tuple(variant.category_slugs) if variant else (),
            )
        )
    return result


def customer_voucher_uses(*, key: str, codes: list[str]) -> dict[str, int]:
    """``{code: uses not given back}`` of one customer."""
    rows = (
        VoucherUse.objects.filter(customer_key=key, voucher__code__in=codes, released_at__isnull=True)
        .values("voucher__code")
        .annotate(n=Count("id"))
    )
    return {row["voucher__code"]: row["n"] for row in rows}


def customer_facts(*, user_id: int | None, email: str | None, first_purchase: bool, codes: list[str]) -> Customer:
    if not codes or (user_id is None and not email):  # only a code's per-customer limit looks at the uses
        return Customer(first_purchase=first_purchase, voucher_uses={})
    key = customer_key(user_id=user_id, email=email)
    return Customer(first_purchase=first_purchase, voucher_uses=customer_voucher_uses(key=key, codes=codes))


def discounts_body(pricing: Pricing) -> list[dict[str, Any]]:
    """The contract's ``discounts``: ``[{kind, code, reason, amount}]`` (amount includes the shipping taken)."""
    return [
        {
            "kind": discount.kind,
            "code": discount.code or None,
            "reason": discount.reason,
            "amount": money(discount.amount + min(discount.shipping_amount, pricing.shipping)),
        }
        for discount in pricing.discounts
    ]


def gifts_body(pricing: Pricing) -> list[dict[str, Any]]:
    return [
        {"sku": g.sku, "name": g.name, "quantity": g.quantity, "kind": g.kind, "reason": g.reason, "available": True}
        for g in pricing.gifts
    ] + [
        {"sku": g.sku, "name": g.name, "quantity": g.quantity, "kind": g.kind, "reason": g.reason, "available": False}
        for g in pricing.gifts_unavailable
    ]


def pricing_body(pricing: Pricing) -> dict[str, Any]:
    """What the cart adds to its body: discounts, gifts, refused codes and the totals they make."""
    refused = {r.code: r.reason for r in pricing.refused}
    return {
        "discounts": discounts_body(pricing),
        "gifts": gifts_body(pricing),
        "discount_total": money(pricing.discount_total),
        "shipping": money(pricing.shipping),
        "total": money(pricing.total),
        "refused_vouchers": [{"code": code, "reason": reason} for code, reason in refused.items()],
    }
