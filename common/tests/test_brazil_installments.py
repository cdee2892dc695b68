"""Card installment plans: interest-free up to N with a minimum installment, interest beyond."""

from decimal import Decimal

from common.brazil.installments import (
    InstallmentPolicy,
    installment_hint,
    installment_plan_for,
    installment_plans,
)

POLICY = InstallmentPolicy(
    max_installments=10, interest_free_max=3, min_installment=Decimal("10.00"), monthly_interest=Decimal("0.0199")
)


def test_plans_are_interest_free_up_to_n_and_carry_price_table_interest_beyond():
    plans = installment_plans(amount=Decimal("238.59"), policy=POLICY)
    assert [(p.count, p.amount, p.total, p.interest_free) for p in plans[:4]] == [
        (1, Decimal("238.59"), Decimal("238.59"), True),
        (2, Decimal("119.29"), Decimal("238.59"), True),
        (3, Decimal("79.53"), Decimal("238.59"), True),
        # 238.59 * 0.0199 * 1.0199^4 / (1.0199^4 - 1) = 62.644... (Price table), 4 x 62.64 = 250.56
        (4, Decimal("62.64"), Decimal("250.56"), False),
    ]
    assert plans[1].first_amount == Decimal("119.30")  # 119.30 + 119.29 = 238.59 exactly
    assert len(plans) == 10


def test_no_plan_has_an_installment_below_the_minimum():
    plans = installment_plans(amount=Decimal("35.00"), policy=POLICY)
    assert [(p.count, p.amount) for p in plans] == [
        (1, Decimal("35.00")),
        (2, Decimal("17.50")),
        (3, Decimal("11.66")),
    ]


def test_the_hint_is_the_longest_interest_free_plan_and_unknown_counts_are_not_offered():
    hint = installment_hint(amount=Decimal("238.59"), policy=POLICY)
    assert (hint.count, hint.amount) == (3, Decimal("79.53"))
    assert installment_plan_for(amount=Decimal("35.00"), count=4, policy=POLICY) is None
    assert installment_plans(amount=Decimal("0"), policy=POLICY) == []


def test_money_reads_the_brazilian_way():
    from common.brazil.formatting import money_brl

    assert money_brl(Decimal("1234.5")) == "R$ 1.234,50"
    assert money_brl("238.59") == "R$ 238,59"
    assert money_brl(Decimal("1000000")) == "R$ 1.000.000,00"
