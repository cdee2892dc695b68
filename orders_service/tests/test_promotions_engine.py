"""The discount calculation (a pure function): exact examples of each rule and stacking, and properties
that hold for any cart (hypothesis)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from orders.promotions.engine import (
    CENT,
    Customer,
    PricingLine,
    PromotionKind,
    PromotionRule,
    Scope,
    VoucherKind,
    VoucherRule,
    discounts_compute,
    spread,
)

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
D = Decimal


def price(lines, *, vouchers=(), promotions=(), customer=None, payment_method=None, shipping="12.90", **extra):
    return discounts_compute(
        lines=list(lines),
        shipping=D(shipping),
        vouchers=list(vouchers),
        promotions=list(promotions),
        customer=customer or Customer(),
        payment_method=payment_method,
        now=NOW,
        **extra,
    )


SERUM = PricingLine(
    sku="SERUM-30", quantity=1, unit_price=D("89.90"), name="Sérum", brand="natura", categories=("skincare",)
)
BATOM = PricingLine(
    sku="BATOM-RED",
    quantity=3,
    unit_price=D("49.90"),
    name="Batom",
    brand="quem-disse",
    categories=("batom", "maquiagem"),
)
TIER = PromotionRule(
    id=1,
    name="Leve 3 pague 2",
    kind=PromotionKind.QUANTITY_TIER,
    buy_quantity=3,
    pay_quantity=2,
    scope=Scope(categories=frozenset({"maquiagem"})),
)
PIX = PromotionRule(id=2, name="Desconto Pix", kind=PromotionKind.PAYMENT_METHOD, percent=D("5"), payment_method="pix")


def test_a_quantity_tier_makes_every_third_unit_free_on_the_lines_in_its_category():
    pricing = price([SERUM, BATOM], promotions=[TIER])

    assert [(d.kind, d.reason, d.amount) for d in pricing.discounts] == [
        ("quantity_tier", "Leve 3 pague 2: leve 3, pague 2 em Batom", D("49.90"))
    ]
    assert [(line.sku, line.discount) for line in pricing.lines] == [("SERUM-30", D("0")), ("BATOM-RED", D("49.90"))]
    assert pricing.total == D("89.90") + D("149.70") - D("49.90") + D("12.90")


def test_a_percent_voucher_is_rounded_per_line_in_centavos():
    voucher = VoucherRule(code="BEMVINDA10", kind=VoucherKind.PERCENT, value=D("10"))
    pricing = price([SERUM, BATOM], vouchers=[voucher])

    # 8.99 on 89.90 and 14.97 on 149.70 (not 10 % of 239.60 rounded once)
    assert [(line.sku, line.discount) for line in pricing.lines] == [
        ("SERUM-30", D("8.99")),
        ("BATOM-RED", D("14.97")),
    ]
    assert [(d.code, d.reason, d.amount) for d in pricing.discounts] == [
        ("BEMVINDA10", "Cupom BEMVINDA10: 10% de desconto", D("23.96"))
    ]


def test_a_fixed_voucher_is_spread_over_the_lines_in_proportion_and_adds_up():
    voucher = VoucherRule(code="MENOS50", kind=VoucherKind.FIXED, value=D("50.00"))
    pricing = price([SERUM, BATOM], vouchers=[voucher])

    assert [(line.sku, line.discount) for line in pricing.lines] == [
        ("SERUM-30", D("18.76")),
        ("BATOM-RED", D("31.24")),
    ]
    assert pricing.merchandise_discount == D("50.00")
    assert pricing.discounts[0].reason == "Cupom MENOS50: R$ 50,00 de desconto"


def test_a_fixed_voucher_above_the_cart_takes_it_to_zero_never_below():
    voucher = VoucherRule(code="MENOS500", kind=VoucherKind.FIXED, value=D("500.00"))
    pricing = price([SERUM], vouchers=[voucher])

    assert pricing.merchandise_discount == D("89.90")
    assert pricing.total == D("12.90")


def test_only_one_value_voucher_per_order_the_second_is_refused_with_the_reason():
    first = VoucherRule(code="BEMVINDA10", kind=VoucherKind.PERCENT, value=D("10"))
    second = VoucherRule(code="MENOS50", kind=VoucherKind.FIXED, value=D("50"))
    pricing = price([SERUM], vouchers=[first, second])

    assert [d.code for d in pricing.discounts] == ["BEMVINDA10"]
    assert [(r.code, r.reason) for r in pricing.refused] == [
        ("MENOS50", "O cupom MENOS50 não é cumulativo com o cupom BEMVINDA10: só um cupom de desconto por pedido.")
    ]


def test_free_shipping_combines_with_a_value_voucher_and_zeroes_the_shipping():
    percent = VoucherRule(code="BEMVINDA10", kind=VoucherKind.PERCENT, value=D("10"))
    free = VoucherRule(code="FRETEGRATIS", kind=VoucherKind.FREE_SHIPPING)
    pricing = price([SERUM], vouchers=[free, percent], shipping="19.90")

    assert [(d.kind, d.code) for d in pricing.discounts] == [
        ("free_shipping", "FRETEGRATIS"),
        ("voucher", "BEMVINDA10"),
    ]
    assert pricing.shipping_discount == D("19.90")
    assert pricing.total == D("89.90") - D("8.99")


def test_a_voucher_that_does_not_combine_with_promotions_leaves_out_the_tiered_lines():
    voucher = VoucherRule(code="SO10", kind=VoucherKind.PERCENT, value=D("10"), combines_with_promotions=False)
    pricing = price([SERUM, BATOM], vouchers=[voucher], promotions=[TIER])

    assert [(line.sku, line.discount) for line in pricing.lines] == [("SERUM-30", D("8.99")), ("BATOM-RED", D("49.90"))]


def test_a_non_combinable_voucher_on_tiered_lines_only_is_refused():
    voucher = VoucherRule(
        code="SO10",
        kind=VoucherKind.PERCENT,
        value=D("10"),
        combines_with_promotions=False,
        scope=Scope(brands=frozenset({"quem-disse"})),
    )
    pricing = price([BATOM], vouchers=[voucher], promotions=[TIER])

    assert pricing.refused[0].reason == (
        "O cupom SO10 não é cumulativo com promoções, e os itens dele já estão em promoção."
    )


def test_the_pix_discount_applies_last_on_what_the_lines_still_cost():
    voucher = VoucherRule(code="BEMVINDA10", kind=VoucherKind.PERCENT, value=D("10"))
    pricing = price([SERUM], vouchers=[voucher], promotions=[PIX], payment_method="pix")

    assert [(d.kind, d.amount) for d in pricing.discounts] == [("voucher", D("8.99")), ("payment_method", D("4.05"))]
    assert pricing.discounts[1].reason == "Desconto Pix: 5% de desconto pagando com Pix"
    assert price([SERUM], vouchers=[voucher], promotions=[PIX], payment_method="card").merchandise_discount == D("8.99")


def test_refusals_say_why_in_portuguese():
    lines = [SERUM]
    cases = [
        (
            VoucherRule(code="A", kind="percent", value=D(5), min_subtotal=D("150")),
            "O cupom A exige subtotal mínimo de R$ 150,00 (faltam R$ 60,10).",
        ),
        (
            VoucherRule(code="B", kind="percent", value=D(5), ends_at=NOW - timedelta(days=1)),
            "O cupom B expirou em 30/11/2026 12:00.",
        ),
        (
            VoucherRule(code="C", kind="percent", value=D(5), starts_at=NOW + timedelta(days=2)),
            "O cupom C só vale a partir de 03/12/2026 12:00.",
        ),
        (
            VoucherRule(code="D", kind="percent", value=D(5), usage_limit=10, uses_count=10),
            "O cupom D esgotou: todos os usos já foram feitos.",
        ),
        (
            VoucherRule(code="E", kind="percent", value=D(5), scope=Scope(brands=frozenset({"eudora"}))),
            "O cupom E vale só para marcas eudora, e o carrinho não tem nenhum deles.",
        ),
    ]
    for voucher, reason in cases:
        assert [r.reason for r in price(lines, vouchers=[voucher]).refused] == [reason]
    first = VoucherRule(code="F", kind="percent", value=D(5), first_purchase_only=True)
    assert price(lines, vouchers=[first], customer=Customer(first_purchase=False)).refused[0].reason == (
        "O cupom F vale só na primeira compra."
    )
    once = VoucherRule(code="G", kind="percent", value=D(5), per_customer_limit=1)
    assert price(lines, vouchers=[once], customer=Customer(voucher_uses={"G": 1})).refused[0].reason == (
        "O cupom G vale uma vez por cliente, e você já o usou."
    )


def test_a_category_voucher_reaches_the_sub_categories():
    voucher = VoucherRule(
        code="MAKE15", kind=VoucherKind.PERCENT, value=D("15"), scope=Scope(categories=frozenset({"maquiagem"}))
    )
    pricing = price([SERUM, BATOM], vouchers=[voucher])

    assert [(line.sku, line.discount) for line in pricing.lines] == [("SERUM-30", D("0")), ("BATOM-RED", D("22.46"))]
    assert pricing.discounts[0].reason == "Cupom MAKE15: 15% de desconto em categorias maquiagem"


def test_gifts_and_samples_are_added_once_and_an_out_of_stock_one_is_said_so():
    gift = PromotionRule(
        id=3,
        name="Compre Quem Disse",
        kind=PromotionKind.GIFT,
        gift_sku="NECESSAIRE",
        gift_name="Nécessaire",
        scope=Scope(brands=frozenset({"quem-disse"})),
    )
    sample = PromotionRule(
        id=4,
        name="Acima de R$ 200",
        kind=PromotionKind.SAMPLE,
        gift_sku="AMOSTRA-PERFUME",
        gift_name="Amostra de perfume",
        min_subtotal=D("200"),
    )
    pricing = price([SERUM, BATOM], promotions=[gift, sample], unavailable_skus=frozenset({"AMOSTRA-PERFUME"}))

    assert [(g.sku, g.quantity, g.reason) for g in pricing.gifts] == [
        ("NECESSAIRE", 1, "Brinde: Nécessaire (Compre Quem Disse)")
    ]
    assert [(g.sku, g.reason) for g in pricing.gifts_unavailable] == [
        ("AMOSTRA-PERFUME", "Amostra grátis esgotado: Amostra de perfume. O pedido segue sem ele.")
    ]
    assert price([SERUM], promotions=[gift, sample]).gifts == ()  # neither the brand nor R$ 200


def test_spread_adds_up_and_never_exceeds_a_weight():
    assert spread(D("0.05"), [D("0.01"), D("0.01"), D("10.00")]) == [D("0.00"), D("0.00"), D("0.05")]
    assert spread(D("1.00"), [D("1"), D("1"), D("1")]) == [D("0.34"), D("0.33"), D("0.33")]


# Properties for any cart ------------------------------------------------------------------------------

money = st.decimals(min_value=D("0.01"), max_value=D("999.99"), places=2, allow_nan=False, allow_infinity=False)
brands = st.sampled_from(["natura", "eudora", "quem-disse"])
categories = st.lists(st.sampled_from(["maquiagem", "batom", "skincare", "perfume"]), max_size=2, unique=True)


@st.composite
def carts(draw):
    skus = draw(st.lists(st.sampled_from([f"SKU-{i}" for i in range(8)]), min_size=1, max_size=6, unique=True))
    return [
        PricingLine(
            sku=sku,
            quantity=draw(st.integers(min_value=1, max_value=20)),
            unit_price=draw(money),
            brand=draw(brands),
            categories=tuple(draw(categories)),
        )
        for sku in skus
    ]


scopes = st.one_of(
    st.just(Scope()),
    st.builds(
        Scope,
        brands=st.frozensets(brands, max_size=1),
        categories=st.frozensets(st.sampled_from(["maquiagem", "skincare"]), max_size=1),
    ),
)


@st.composite
def tiers(draw):
    buy = draw(st.integers(2, 5))
    return PromotionRule(
        id=draw(st.integers(1, 5)),
        name="Leve",
        kind=PromotionKind.QUANTITY_TIER,
        buy_quantity=buy,
        pay_quantity=draw(st.integers(0, buy - 1)),
        scope=draw(scopes),
    )


percents = st.builds(
    VoucherRule,
    code=st.sampled_from(["P1", "P2"]),
    kind=st.just("percent"),
    value=st.decimals(min_value=0, max_value=100, places=2),
    scope=scopes,
    combines_with_promotions=st.booleans(),
    min_subtotal=st.sampled_from([D(0), D("100")]),
)
fixed = st.builds(
    VoucherRule,
    code=st.sampled_from(["F1", "F2"]),
    kind=st.just("fixed"),
    value=st.decimals(min_value=0, max_value=5000, places=2),
    scope=scopes,
    combines_with_promotions=st.booleans(),
)
vouchers = st.lists(
    st.one_of(percents, fixed, st.builds(VoucherRule, code=st.just("FRETE"), kind=st.just("free_shipping"))),
    max_size=3,
)
pix_promotions = st.builds(
    PromotionRule,
    id=st.integers(6, 9),
    name=st.just("Pix"),
    kind=st.just("payment_method"),
    percent=st.decimals(min_value=0, max_value=100, places=2),
    payment_method=st.just("pix"),
)
promotions = st.lists(st.one_of(tiers(), pix_promotions), max_size=3)


@settings(max_examples=300, deadline=None)
@given(
    lines=carts(),
    vouchers=vouchers,
    promotions=promotions,
    shipping=st.decimals(min_value=0, max_value=60, places=2),
    method=st.sampled_from([None, "pix", "card"]),
)
def test_any_cart_prices_to_a_total_between_zero_and_the_undiscounted_total(
    lines, vouchers, promotions, shipping, method
):
    pricing = price(lines, vouchers=vouchers, promotions=promotions, payment_method=method, shipping=shipping)
    undiscounted = sum((line.total for line in lines), D(0)) + shipping

    assert D(0) <= pricing.total <= undiscounted
    for line, result in zip(lines, pricing.lines, strict=True):
        assert result.discount == result.discount.quantize(CENT)  # centavos, per line
        assert D(0) <= result.discount <= line.total
    # the lines add up to the total, and each discount to its lines
    assert sum((r.net for r in pricing.lines), D(0)) + shipping - pricing.shipping_discount == pricing.total
    assert sum((d.amount for d in pricing.discounts), D(0)) == pricing.merchandise_discount
    for discount in pricing.discounts:
        assert sum((amount for _, amount in discount.line_amounts), D(0)) == discount.amount
    # at most one value voucher and one free-shipping voucher apply
    applied = [d for d in pricing.discounts if d.kind == "voucher"]
    assert len(applied) <= 1
    assert len([d for d in pricing.discounts if d.kind == "free_shipping"]) <= 1
    # the same input prices the same way
    assert price(lines, vouchers=vouchers, promotions=promotions, payment_method=method, shipping=shipping) == pricing


def test_a_pix_discount_for_other_products_does_not_hide_the_one_for_the_cart():
    # the older one reaches another SKU only; the cart's own comes later with the same percent
    elsewhere = PromotionRule(
        id=3,
        name="Pix no batom",
        kind=PromotionKind.PAYMENT_METHOD,
        percent=D("5"),
        payment_method="pix",
        scope=Scope(skus=frozenset({"BATOM-RED"})),
    )
    serum = PromotionRule(
        id=4,
        name="Pix no sérum",
        kind=PromotionKind.PAYMENT_METHOD,
        percent=D("5"),
        payment_method="pix",
        scope=Scope(skus=frozenset({"SERUM-30"})),
    )
    pricing = price([SERUM], promotions=[elsewhere, serum], payment_method="pix")
    assert [(d.kind, d.promotion_id, d.amount) for d in pricing.discounts] == [("payment_method", 4, D("4.50"))]


def test_of_two_pix_discounts_the_one_that_saves_most_on_the_cart_wins():
    wide = PromotionRule(id=5, name="Pix 3%", kind=PromotionKind.PAYMENT_METHOD, percent=D("3"), payment_method="pix")
    narrow = PromotionRule(
        id=6,
        name="Pix 10% no batom",
        kind=PromotionKind.PAYMENT_METHOD,
        percent=D("10"),
        payment_method="pix",
        scope=Scope(skus=frozenset({"BATOM-RED"})),
    )
    # on a sérum alone the 3 % (2,70) beats a 10 % that reaches nothing; with batons the 10 % saves more
    assert [d.promotion_id for d in price([SERUM], promotions=[wide, narrow], payment_method="pix").discounts] == [5]
    both = price([SERUM, BATOM], promotions=[wide, narrow], payment_method="pix")
    assert [(d.promotion_id, d.amount) for d in both.discounts] == [(6, D("14.97"))]
