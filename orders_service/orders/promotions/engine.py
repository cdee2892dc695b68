"""The discount calculation: one pure function of (cart, promotions, customer, payment method).

No database, no clock, no settings: every fact comes in as a frozen value, so the same input always
prices the same way (cart, checkout and the property tests call the very same function).

Stacking rules, applied in this order (docs/services/orders.md, "Promoções"):

1. Quantity tiers ("leve 3 pague 2"), per line: a line gets at most one tier, the one that saves most.
2. Vouchers of value (percent or fixed amount): at most one per order. A voucher that does not combine
   with promotions (``combines_with_promotions=False``) leaves out the lines a tier already discounted.
   Percent is rounded per line; a fixed amount is spread over the eligible lines in proportion to what
   they still cost, in centavos (largest remainder), never more than they cost.
3. The payment-method discount (Pix): of the promotions for the method that reach a line of the cart,
   the one that saves most, a percent of what each line still costs after 1 and 2, rounded per line.
   It combines with everything.
4. Free shipping: at most one free-shipping voucher per order; it zeroes the chosen shipping price.
   It combines with a voucher of value.
5. Gifts and samples: every matching promotion adds its SKU once (price zero); one out of stock is left
   out and said so. They never change an amount.

Money is Decimal with two places; a line never costs less than zero, so the total is never negative and
never above the undiscounted total, and the lines' net amounts add up to the merchandise total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
SHOP_TIME_ZONE = ZoneInfo("America/Sao_Paulo")


class VoucherKind:
    PERCENT = "percent"
    FIXED = "fixed"
    FREE_SHIPPING = "free_shipping"


class PromotionKind:
    QUANTITY_TIER = "quantity_tier"
    GIFT = "gift"
    SAMPLE = "sample"
    PAYMENT_METHOD = "payment_method"


class DiscountKind:
    """What an applied discount is, as the cart and the order show it (``kind``)."""

    QUANTITY_TIER = "quantity_tier"
    VOUCHER = "voucher"
    PAYMENT_METHOD = "payment_method"
    FREE_SHIPPING = "free_shipping"


def cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def brl(value: Decimal) -> str:
    """R$ 1.234,56"""
    whole, fraction = f"{cents(value):,.2f}".split(".")
    return f"R$ {whole.replace(',', '.')},{fraction}"


def _local_date(moment: datetime) -> str:
    return moment.astimezone(SHOP_TIME_ZONE).strftime("%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class PricingLine:
    """A cart line with what the rules look at: its SKU, brand slug and category slugs (with ancestors)."""

    sku: str
    quantity: int
    unit_price: Decimal
    name: str = ""
    brand: str = ""
    categories: tuple[str, ...] = ()

    @property
    def total(self) -> Decimal:
        return cents(self.unit_price * self.quantity)


@dataclass(frozen=True)
class Scope:
    """Which lines a rule reaches: empty everywhere means every line; otherwise any listed brand,
    category (a sub-category counts: lines carry their ancestors) or SKU."""

    brands: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    skus: frozenset[str] = frozenset()

    @property
    def everything(self) -> bool:
        return not (self.brands or self.categories or self.skus)

    def covers(self, line: PricingLine) -> bool:
        return (
            self.everything
            or line.sku in self.skus
            or line.brand in self.brands
            or bool(self.categories.intersection(line.categories))
        )

    def describe(self) -> str:
        parts = []
        if self.brands:
            parts.append("marcas " + ", ".join(sorted(self.brands)))
        if self.categories:
            parts.append("categorias " + ", ".join(sorted(self.categories)))
        if self.skus:
            parts.append("produtos " + ", ".join(sorted(self.skus)))
        return " ou ".join(parts)


@dataclass(frozen=True)
class VoucherRule:
    code: str
    kind: str
    value: Decimal = ZERO  # percent (0-100) or an amount in BRL; unused for free shipping
    min_subtotal: Decimal = ZERO
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    usage_limit: int | None = None
    uses_count: int = 0
    per_customer_limit: int | None = None
    first_purchase_only: bool = False
    scope: Scope = field(default_factory=Scope)
    combines_with_promotions: bool = True
    active: bool = True  # a merchandiser can switch a code off while it sits in carts


@dataclass(frozen=True)
class PromotionRule:
    id: int
    name: str
    kind: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    min_subtotal: Decimal = ZERO  # of the lines in scope
    scope: Scope = field(default_factory=Scope)
    buy_quantity: int = 0  # quantity tier: every buy_quantity units ...
    pay_quantity: int = 0  # ... cost pay_quantity
    gift_sku: str = ""
    gift_name: str = ""
    gift_quantity: int = 1
    percent: Decimal = ZERO  # payment method
    payment_method: str = ""


@dataclass(frozen=True)
class Customer:
    """What the rules need to know of the shopper: first purchase, and their uses of each voucher code."""

    first_purchase: bool = True
    voucher_uses: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AppliedDiscount:
    kind: str
    reason: str  # pt-BR, shown to the shopper
    amount: Decimal
    code: str = ""  # the voucher's code
    promotion_id: int | None = None
    line_amounts: tuple[tuple[str, Decimal], ...] = ()  # (sku, amount) summing to ``amount`` (merchandise)
    shipping_amount: Decimal = ZERO


@dataclass(frozen=True)
class GiftLine:
    sku: str
    name: str
    quantity: int
    reason: str
    promotion_id: int
    kind: str = PromotionKind.GIFT


@dataclass(frozen=True)
class RefusedVoucher:
    code: str
    reason: str


@dataclass(frozen=True)
class LineResult:
    sku: str
    total: Decimal
    discount: Decimal

    @property
    def net(self) -> Decimal:
        return self.total - self.discount


@dataclass(frozen=True)
class Pricing:
    lines: tuple[LineResult, ...]
    subtotal: Decimal
    shipping: Decimal
    discounts: tuple[AppliedDiscount, ...]
    gifts: tuple[GiftLine, ...]
    gifts_unavailable: tuple[GiftLine, ...]
    refused: tuple[RefusedVoucher, ...]

    @property
    def merchandise_discount(self) -> Decimal:
        return sum((line.discount for line in self.lines), ZERO)

    @property
    def shipping_discount(self) -> Decimal:
        return min(self.shipping, sum((d.shipping_amount for d in self.discounts), ZERO))

    @property
    def discount_total(self) -> Decimal:
        return self.merchandise_discount + self.shipping_discount

    @property
    def total(self) -> Decimal:
        return self.subtotal - self.merchandise_discount + self.shipping - self.shipping_discount


def _active(starts_at: datetime | None, ends_at: datetime | None, now: datetime) -> bool:
    return (starts_at is None or starts_at <= now) and (ends_at is None or now < ends_at)


def spread(amount: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """``amount`` split in centavos in proportion to ``weights`` (largest remainder), each part capped
    at its weight; the parts add up to ``min(amount, sum(weights))``."""
    total = sum(weights, ZERO)
    amount = min(cents(amount), total)
    if amount <= 0 or total <= 0:
        return [ZERO for _ in weights]
    shares = [amount * weight / total for weight in weights]
    parts = [share.quantize(CENT, rounding=ROUND_DOWN) for share in shares]
    left = int((amount - sum(parts, ZERO)) / CENT)
    order = sorted(range(len(weights)), key=lambda i: (-(shares[i] - parts[i]), i))
    for i in order:
        if left <= 0:
            break
        if parts[i] + CENT <= weights[i]:
            parts[i] += CENT
            left -= 1
    return parts


def voucher_refusal(*, voucher: VoucherRule, lines: list[PricingLine], customer: Customer, now: datetime) -> str | None:
    """Why ``voucher`` cannot apply to these lines for this customer now (pt-BR), or None."""
    code = voucher.code
    if not voucher.active:
        return f"O cupom {code} foi encerrado."
    if voucher.starts_at is not None and now < voucher.starts_at:
        return f"O cupom {code} só vale a partir de {_local_date(voucher.starts_at)}."
    if voucher.ends_at is not None and now >= voucher.ends_at:
        return f"O cupom {code} expirou em {_local_date(voucher.ends_at)}."
    if voucher.usage_limit is not None and voucher.uses_count >= voucher.usage_limit:
        return f"O cupom {code} esgotou: todos os usos já foram feitos."
    used = customer.voucher_uses.get(code, 0)
    if voucher.per_customer_limit is not None and used >= voucher.per_customer_limit:
        times = "uma vez" if voucher.per_customer_limit == 1 else f"{voucher.per_customer_limit} vezes"
        return f"O cupom {code} vale {times} por cliente, e você já o usou."
    if voucher.first_purchase_only and not customer.first_purchase:
        return f"O cupom {code} vale só na primeira compra."
    subtotal = sum((line.total for line in lines), ZERO)
    if subtotal < voucher.min_subtotal:
        missing = voucher.min_subtotal - subtotal
        return f"O cupom {code} exige subtotal mínimo de {brl(voucher.min_subtotal)} (faltam {brl(missing)})."
    if not any(voucher.scope.covers(line) for line in lines):
        return f"O cupom {code} vale só para {voucher.scope.describe()}, e o carrinho não tem nenhum deles."
    return None


def _tier_savings(promotion: PromotionRule, line: PricingLine) -> Decimal:
    if promotion.buy_quantity <= promotion.pay_quantity or promotion.pay_quantity < 0 or not promotion.buy_quantity:
        return ZERO
    free_units = (line.quantity // promotion.buy_quantity) * (promotion.buy_quantity - promotion.pay_quantity)
    return min(line.total, cents(line.unit_price * free_units))


def _scope_subtotal(scope: Scope, lines: list[PricingLine]) -> Decimal:
    return sum((line.total for line in lines if scope.covers(line)), ZERO)


def discounts_compute(
    *,
    lines: list[PricingLine],
    shipping: Decimal,
    vouchers: list[VoucherRule],
    promotions: list[PromotionRule],
    customer: Customer,
    payment_method: str | None,
    now: datetime,
    unavailable_skus: frozenset[str] = frozenset(),
) -> Pricing:
    """Every discount and gift the cart earns, each with its pt-BR reason, in the stacking order above.

    ``vouchers`` are the cart's codes in the order they were added; one that cannot apply is in
    ``refused`` with the reason. ``unavailable_skus``: gift/sample SKUs out of stock (left out, said so).
    """
    shipping = cents(max(shipping, ZERO))
    remaining = [line.total for line in lines]
    discounted = [ZERO for _ in lines]
    tiered = [False for _ in lines]
    discounts: list[AppliedDiscount] = []
    refused: list[RefusedVoucher] = []
    live = [p for p in promotions if _active(p.starts_at, p.ends_at, now)]

    def take(kind: str, reason: str, parts: list[Decimal], **extra) -> None:
        line_amounts = []
        for i, part in enumerate(parts):
            part = min(part, remaining[i])
            if part > 0:
                remaining[i] -= part
                discounted[i] += part
                line_amounts.append((lines[i].sku, part))
        amount = sum((a for _, a in line_amounts), ZERO)
        if amount > 0:
            discounts.append(
                AppliedDiscount(kind=kind, reason=reason, amount=amount, line_amounts=tuple(line_amounts), **extra)
            )

    # 1. quantity tiers: the best tier of each line
    tiers = [
        p for p in live if p.kind == PromotionKind.QUANTITY_TIER and _scope_subtotal(p.scope, lines) >= p.min_subtotal
    ]
    for i, line in enumerate(lines):
        best, saving = None, ZERO
        for promotion in tiers:
            if promotion.scope.covers(line):
                candidate = _tier_savings(promotion, line)
                if candidate > saving:
                    best, saving = promotion, candidate
        if best is not None:
            parts = [ZERO] * len(lines)
            parts[i] = saving
            tiered[i] = True
            take(
                DiscountKind.QUANTITY_TIER,
                f"{best.name}: leve {best.buy_quantity}, pague {best.pay_quantity} em {line.name or line.sku}",
                parts,
                promotion_id=best.id,
            )

    # 2 and 4. vouchers, in the order they were added
    value_voucher = shipping_voucher = None
    for voucher in vouchers:
        reason = voucher_refusal(voucher=voucher, lines=lines, customer=customer, now=now)
        if reason is None and voucher.kind == VoucherKind.FREE_SHIPPING and shipping_voucher is not None:
            reason = f"O cupom {voucher.code} não é cumulativo com o cupom {shipping_voucher.code} (frete grátis)."
        if reason is None and voucher.kind != VoucherKind.FREE_SHIPPING and value_voucher is not None:
            reason = (
                f"O cupom {voucher.code} não é cumulativo com o cupom {value_voucher.code}: "
                "só um cupom de desconto por pedido."
            )
        eligible = [
            i
            for i, line in enumerate(lines)
            if voucher.scope.covers(line) and (voucher.combines_with_promotions or not tiered[i])
        ]
        if reason is None and not eligible:
            reason = f"O cupom {voucher.code} não é cumulativo com promoções, e os itens dele já estão em promoção."
        if reason is not None:
            refused.append(RefusedVoucher(code=voucher.code, reason=reason))
            continue
        if voucher.kind == VoucherKind.FREE_SHIPPING:
            shipping_voucher = voucher
            discounts.append(
                AppliedDiscount(
                    kind=DiscountKind.FREE_SHIPPING,
                    reason=f"Cupom {voucher.code}: frete grátis",
                    amount=ZERO,
                    code=voucher.code,
                    shipping_amount=shipping,
                )
            )
            continue
        value_voucher = voucher
        parts = [ZERO] * len(lines)
        if voucher.kind == VoucherKind.PERCENT:
            rate = min(max(voucher.value, ZERO), Decimal(100)) / 100
            for i in eligible:
                parts[i] = cents(remaining[i] * rate)
            reason_text = f"Cupom {voucher.code}: {voucher.value.normalize():f}% de desconto"
        else:
            shares = spread(max(voucher.value, ZERO), [remaining[i] for i in eligible])
            for i, share in zip(eligible, shares, strict=True):
                parts[i] = share
            reason_text = f"Cupom {voucher.code}: {brl(voucher.value)} de desconto"
        if not voucher.scope.everything:
            reason_text += f" em {voucher.scope.describe()}"
        take(DiscountKind.VOUCHER, reason_text, parts, code=voucher.code)

    # 3. the payment method's discount (Pix)
    by_method = [
        p
        for p in live
        if p.kind == PromotionKind.PAYMENT_METHOD
        and payment_method
        and p.payment_method == payment_method
        and any(p.scope.covers(line) for line in lines)  # one for other products is no candidate
        and _scope_subtotal(p.scope, lines) >= p.min_subtotal
    ]

    def method_parts(promotion: PromotionRule) -> list[Decimal]:
        rate = min(max(promotion.percent, ZERO), Decimal(100)) / 100
        return [cents(remaining[i] * rate) if promotion.scope.covers(line) else ZERO for i, line in enumerate(lines)]

    if by_method:
        # the one that saves the shopper most on this cart (a tie: the oldest)
        best = max(by_method, key=lambda p: (sum(method_parts(p), ZERO), p.percent, -p.id))
        parts = method_parts(best)
        take(
            DiscountKind.PAYMENT_METHOD,
            f"{best.name}: {best.percent.normalize():f}% de desconto pagando com {payment_method.capitalize()}",
            parts,
            promotion_id=best.id,
        )

    # 5. gifts and samples
    gifts: list[GiftLine] = []
    unavailable: list[GiftLine] = []
    in_cart = {line.sku for line in lines}
    for promotion in sorted(live, key=lambda p: p.id):
        if promotion.kind not in (PromotionKind.GIFT, PromotionKind.SAMPLE) or not promotion.gift_sku:
            continue
        if not any(promotion.scope.covers(line) for line in lines):
            continue
        if _scope_subtotal(promotion.scope, lines) < promotion.min_subtotal:
            continue
        if promotion.gift_sku in in_cart or any(g.sku == promotion.gift_sku for g in gifts + unavailable):
            continue
        word = "Amostra grátis" if promotion.kind == PromotionKind.SAMPLE else "Brinde"
        gift = GiftLine(
            sku=promotion.gift_sku,
            name=promotion.gift_name or promotion.gift_sku,
            quantity=max(1, promotion.gift_quantity),
            reason=f"{word}: {promotion.gift_name or promotion.gift_sku} ({promotion.name})",
            promotion_id=promotion.id,
            kind=promotion.kind,
        )
        if promotion.gift_sku in unavailable_skus:
            unavailable.append(
                GiftLine(
                    sku=gift.sku,
                    name=gift.name,
                    quantity=gift.quantity,
                    reason=f"{word} esgotado: {gift.name}. O pedido segue sem ele.",
                    promotion_id=gift.promotion_id,
                    kind=gift.kind,
                )
            )
        else:
            gifts.append(gift)

    return Pricing(
        lines=tuple(LineResult(sku=line.sku, total=line.total, discount=discounted[i]) for i, line in enumerate(lines)),
        subtotal=sum((line.total for line in lines), ZERO),
        shipping=shipping,
        discounts=tuple(discounts),
        gifts=tuple(gifts),
        gifts_unavailable=tuple(unavailable),
        refused=tuple(refused),
    )
