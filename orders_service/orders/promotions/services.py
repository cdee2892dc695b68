"""Writes of promotions: a cart's codes, checkout's pricing under lock, and the uses of each voucher.

Usage limits hold under concurrent checkouts because checkout locks the cart's voucher rows
(``select_for_update`` in primary-key order, so two checkouts never deadlock) before it counts the
uses, and raises ``uses_count`` in the same transaction as the order; a check constraint
(``uses_count <= usage_limit``) backs the lock up.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from common.api import Conflict, NotFound
from orders.carts.models import Cart, CartLine
from orders.carts.selectors import cart_lines
from orders.carts.services import cart_lock, cart_resolve
from orders.products import catalog_client
from orders.promotions.engine import (
    Customer,
    Pricing,
    PricingLine,
    PromotionRule,
    VoucherKind,
    discounts_compute,
)
from orders.promotions.models import CartVoucher, Voucher, VoucherUse
from orders.promotions.selectors import (
    cart_vouchers,
    customer_facts,
    customer_key,
    pricing_lines,
    promotion_rules,
    voucher_rule,
)


class VoucherNotFound(NotFound):
    code, detail = "voucher_not_found", _("Voucher not found: check the code.")


class VoucherNotApplicable(Conflict):
    code, detail = "voucher_not_applicable", _("The voucher does not apply to this cart.")


@dataclass(frozen=True)
class PricingContext:
    """Who is buying and how: what a pricing needs besides the cart.

    ``first_purchase`` may be a function: it costs a query, and only a first-purchase code asks for it."""

    user_id: int | None = None
    email: str | None = None
    first_purchase: bool | Callable[[], bool] = True
    payment_method: str | None = None

    def is_first_purchase(self) -> bool:
        return self.first_purchase() if callable(self.first_purchase) else self.first_purchase


def _normalise(code: str) -> str:
    return (code or "").strip().upper()


def gifts_unavailable(*, skus: Iterable[str]) -> frozenset[str]:
    """Gift/sample SKUs catalog says are out of stock (catalog not answering: none, the reservation decides)."""
    skus = sorted(set(skus))
    if not skus:
        return frozenset()
    available = catalog_client.stock_available(skus=skus)
    if available is None:
        return frozenset()
    return frozenset(sku for sku in skus if available.get(sku, 0) <= 0)


def _price(
    *,
    lines: list[PricingLine],
    vouchers: list[Voucher],
    context: PricingContext,
    shipping,
    now: datetime,
    check_gift_stock: bool = True,
    promotions: list[PromotionRule] | None = None,
) -> Pricing:
    """The engine's answer for these lines and codes, with the facts it needs read (and only those).

    Gift stock is asked of catalog for the gifts the cart earns, not for every gift promotion in force: a
    cart that earns none makes no call. Gifts never change an amount, so pricing again with the sold-out
    ones known only moves them from ``gifts`` to ``gifts_unavailable``."""
    rules = [voucher_rule(voucher) for voucher in vouchers]
    first_purchase = context.is_first_purchase() if any(rule.first_purchase_only for rule in rules) else True
    customer: Customer = customer_facts(
        user_id=context.user_id, email=context.email, first_purchase=first_purchase, codes=[v.code for v in vouchers]
    )
    promotions = promotion_rules(now=now) if promotions is None else promotions

    def compute(unavailable: frozenset[str]) -> Pricing:
        return discounts_compute(
            lines=lines,
            shipping=shipping,
            vouchers=rules,
            promotions=promotions,
            customer=customer,
            payment_method=context.payment_method,
            now=now,
            unavailable_skus=unavailable,
        )

    pricing = compute(frozenset())
    if check_gift_stock and pricing.gifts:
        unavailable = gifts_unavailable(skus=[gift.sku for gift in pricing.gifts])
        if unavailable:
            pricing = compute(unavailable)
    return pricing


def cart_pricing(
    *,
    cart: Cart,
    context: PricingContext,
    shipping,
    lines: list[CartLine] | None = None,
    vouchers: list[Voucher] | None = None,
) -> Pricing:
    """The cart's discounts and gifts as they stand (codes no longer applicable come back in ``refused``).

    ``lines`` and ``vouchers``, when the caller has read them already (``cart_lines``, ``cart_vouchers``),
    are not read again. An empty cart without codes earns nothing: it is priced without reading a rule."""
    lines = cart_lines(cart=cart) if lines is None else lines
    vouchers = cart_vouchers(cart=cart) if vouchers is None else vouchers
    now = timezone.now()
    promotions = promotion_rules(now=now) if lines else []  # a rule only ever applies to a line
    if not vouchers and not promotions:  # no rule to look at a line's brand or categories: none read
        return discounts_compute(
            lines=[PricingLine(sku=x.sku, quantity=x.quantity, unit_price=x.unit_price, name=x.name) for x in lines],
            shipping=shipping,
            vouchers=[],
            promotions=[],
            customer=Customer(),
            payment_method=context.payment_method,
            now=now,
        )
    return _price(
        lines=pricing_lines(cart_lines=lines),
        vouchers=vouchers,
        context=context,
        shipping=shipping,
        now=now,
        promotions=promotions,
    )


def cart_for_shopper(*, user_id: int | None, token: str | None) -> Cart:
    """The cart a request means (``carts.services.cart_resolve``), the guest's codes kept when it merges."""
    return cart_resolve(user_id=user_id, token=token, on_merge=_cart_vouchers_merge)


def _cart_vouchers_merge(source: Cart, target: Cart) -> None:
    """The guest cart's codes move onto the shopper's cart (a code on both stays once); pricing re-checks them."""
    on_target = CartVoucher.objects.filter(cart=target).values("voucher_id")
    CartVoucher.objects.filter(cart=source).exclude(voucher_id__in=on_target).update(cart=target)


def cart_voucher_apply(*, cart: Cart, code: str, context: PricingContext, shipping) -> Voucher:
    """Put a code on the cart: 404 when no active voucher has it, 409 with the reason when it cannot apply.

    Under the cart's lock, like every write to a cart: a code applied while the cart is being checked out
    waits for that checkout (which empties the cart and clears its codes), so it is never left behind on the
    emptied cart nor priced against lines already ordered."""
    with transaction.atomic():
        cart_lock(cart)
        return _cart_voucher_apply(cart=cart, code=code, context=context, shipping=shipping)


def _cart_voucher_apply(*, cart: Cart, code: str, context: PricingContext, shipping) -> Voucher:
    voucher = Voucher.objects.filter(code=_normalise(code), active=True).first()
    if voucher is None:
        raise VoucherNotFound()
    current = cart_vouchers(cart=cart)
    if voucher.pk in {v.pk for v in current}:
        return voucher
    lines = pricing_lines(cart_lines=cart_lines(cart=cart))
    if not lines:
        raise VoucherNotApplicable(
            gettext("The cart is empty: add products before using the voucher %(code)s.") % {"code": voucher.code}
        )
    pricing = _price(
        lines=lines,
        vouchers=[*current, voucher],
        context=context,
        shipping=shipping,
        now=timezone.now(),
        check_gift_stock=False,
    )
    refusal = next((r.reason for r in pricing.refused if r.code == voucher.code), None)
    if refusal:
        raise VoucherNotApplicable(refusal)
    CartVoucher.objects.get_or_create(cart=cart, voucher=voucher)
    return voucher


def cart_voucher_remove(*, cart: Cart, code: str) -> None:
    """Take a code off the cart (a code that is not on it: nothing to do)."""
    with transaction.atomic():
        cart_lock(cart)
        CartVoucher.objects.filter(cart=cart, voucher__code=_normalise(code)).delete()


def checkout_pricing(
    *, cart: Cart, lines: list[PricingLine], context: PricingContext, shipping, now: datetime | None = None
) -> tuple[Pricing, list[Voucher]]:
    """Price the order being placed with the cart's codes locked (call inside checkout's transaction).

    A code that no longer applies (ran out, expired, subtotal too low ...) refuses the checkout with
    409 ``voucher_not_applicable`` and its reason: the shopper never pays another total than the cart showed.
    """
    ids = [voucher.pk for voucher in cart_vouchers(cart=cart)]  # compiled: most carts have none
    locked = {v.pk: v for v in Voucher.objects.select_for_update().filter(pk__in=ids).order_by("pk")} if ids else {}
    vouchers = [locked[pk] for pk in ids if pk in locked]
    pricing = _price(lines=lines, vouchers=vouchers, context=context, shipping=shipping, now=now or timezone.now())
    if pricing.refused:
        raise VoucherNotApplicable(" ".join(r.reason for r in pricing.refused))
    return pricing, vouchers


def voucher_uses_record(
    *, order_id: int, pricing: Pricing, vouchers: list[Voucher], user_id: int | None, email: str
) -> int:
    """Count this order's use of each voucher it applied (the rows are locked by ``checkout_pricing``)."""
    applied = {d.code: d for d in pricing.discounts if d.code}
    key = customer_key(user_id=user_id, email=email)
    recorded = 0
    for voucher in vouchers:
        discount = applied.get(voucher.code)
        if discount is None:
            continue
        amount = discount.amount + (pricing.shipping if voucher.kind == VoucherKind.FREE_SHIPPING else 0)
        VoucherUse.objects.create(voucher=voucher, order_id=order_id, customer_key=key, amount=amount)
        Voucher.objects.filter(pk=voucher.pk).update(uses_count=F("uses_count") + 1)
        recorded += 1
    return recorded


def voucher_uses_release(*, order_id: int, force: bool = False) -> int:
    """Give back the order's voucher uses (order cancelled or returned) where the voucher's rule says so
    (``release_on_cancel``; ``force`` gives them back whatever the rule). Idempotent: a use is given back once.
    Returns how many uses came back."""
    with transaction.atomic():
        uses = list(
            VoucherUse.objects.select_for_update()
            .filter(order_id=order_id, released_at__isnull=True)
            .select_related("voucher")
            .order_by("voucher_id")
        )
        released = 0
        now = timezone.now()
        for use in uses:
            if not (force or use.voucher.release_on_cancel):
                continue
            Voucher.objects.select_for_update().filter(pk=use.voucher_id).first()
            VoucherUse.objects.filter(pk=use.pk).update(released_at=now)
            Voucher.objects.filter(pk=use.voucher_id, uses_count__gt=0).update(uses_count=F("uses_count") - 1)
            released += 1
    return released


def cart_vouchers_clear(*, cart: Cart) -> None:
    """A placed cart starts over without codes."""
    CartVoucher.objects.filter(cart=cart).delete()
