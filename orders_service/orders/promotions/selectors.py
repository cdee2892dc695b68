"""Reads for pricing: the rules in force as engine values, a cart's lines and codes, a customer's uses."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet

from orders.carts.models import Cart, CartLine
from orders.money import money
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


def promotion_rules(*, now: datetime) -> list[PromotionRule]:
    """The active automatic promotions whose window includes ``now``, with their gifts' names."""
    promotions = list(
        Promotion.objects.filter(active=True)
        .filter(Q(starts_at__isnull=True) | Q(starts_at__lte=now))
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
    )
    names = variants_by_sku(skus=[p.gift_sku for p in promotions if p.gift_sku])
    return [
        PromotionRule(
            id=p.pk,
            name=p.name,
            kind=p.kind,
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            min_subtotal=p.min_subtotal,
            scope=_scope(p),
            buy_quantity=p.buy_quantity,
            pay_quantity=p.pay_quantity,
            gift_sku=p.gift_sku,
            gift_name=names[p.gift_sku].display_name if p.gift_sku in names else p.gift_sku,
            gift_quantity=p.gift_quantity,
            percent=p.percent,
            payment_method=p.payment_method,
        )
        for p in promotions
    ]


def cart_vouchers(*, cart: Cart) -> QuerySet[Voucher]:
    """The cart's codes in the order they were applied."""
    return Voucher.objects.filter(cart_links__cart=cart).order_by("cart_links__id")


def pricing_lines(*, cart_lines: list[CartLine]) -> list[PricingLine]:
    """Cart lines with the brand and categories the rules look at (from the product copy)."""
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
    if user_id is None and not email:
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
