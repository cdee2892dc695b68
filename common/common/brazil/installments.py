"""Card installment plans (parcelamento): one pure function, so product page, cart and checkout agree.

Up to ``interest_free_max`` installments carry no interest as long as each is at least ``min_installment``;
beyond that, up to ``max_installments``, each installment is the Price-table (compound interest) payment at
``monthly_interest`` per month, still not below the minimum. One installment (à vista) is always offered.
Amounts are in centavos-exact Decimals: the installments of a plan add up to its ``total`` exactly (the first
installment takes the rounding difference).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class InstallmentPolicy:
    max_installments: int = 12
    interest_free_max: int = 6
    min_installment: Decimal = Decimal("10.00")
    monthly_interest: Decimal = Decimal("0.0199")


@dataclass(frozen=True)
class InstallmentPlan:
    count: int
    amount: Decimal  # each installment (the first may differ by the rounding, see ``first_amount``)
    total: Decimal
    interest_free: bool

    @property
    def first_amount(self) -> Decimal:
        return self.total - self.amount * (self.count - 1)


def _price_table_installment(principal: Decimal, rate: Decimal, count: int) -> Decimal:
    factor = (1 + rate) ** count
    return (principal * rate * factor / (factor - 1)).quantize(CENT, ROUND_HALF_UP)


def installment_plans(*, amount: Decimal, policy: InstallmentPolicy) -> list[InstallmentPlan]:
    """Every plan the shopper may choose for ``amount``, from 1x up; empty for a non-positive amount."""
    amount = amount.quantize(CENT)
    if amount <= 0:
        return []
    plans = [InstallmentPlan(count=1, amount=amount, total=amount, interest_free=True)]
    for count in range(2, policy.max_installments + 1):
        if count <= policy.interest_free_max:
            each = (amount / count).quantize(CENT, rounding="ROUND_DOWN")
            total, interest_free = amount, True
        else:
            if policy.monthly_interest <= 0:
                each = (amount / count).quantize(CENT, rounding="ROUND_DOWN")
                total, interest_free = amount, True
            else:
                each = _price_table_installment(amount, policy.monthly_interest, count)
                total, interest_free = each * count, False
        if each < policy.min_installment:
            break
        plans.append(InstallmentPlan(count=count, amount=each, total=total, interest_free=interest_free))
    return plans


def installment_plan_for(*, amount: Decimal, count: int, policy: InstallmentPolicy) -> InstallmentPlan | None:
    """The plan of ``count`` installments for ``amount``, or None when it is not offered."""
    return next((plan for plan in installment_plans(amount=amount, policy=policy) if plan.count == count), None)


def installment_hint(*, amount: Decimal, policy: InstallmentPolicy) -> InstallmentPlan:
    """What a product page advertises: the most interest-free installments (``em até 6x sem juros``)."""
    plans = [plan for plan in installment_plans(amount=amount, policy=policy) if plan.interest_free]
    return plans[-1] if plans else InstallmentPlan(count=1, amount=amount, total=amount, interest_free=True)


def installment_policy_from_settings() -> InstallmentPolicy:
    """The shop's policy (``SHOP_INSTALLMENTS_*`` from ``common.settings``), read when called, not at import."""
    from django.conf import settings

    return InstallmentPolicy(
        max_installments=settings.SHOP_INSTALLMENTS_MAX,
        interest_free_max=settings.SHOP_INSTALLMENTS_INTEREST_FREE,
        min_installment=Decimal(settings.SHOP_INSTALLMENT_MIN_AMOUNT),
        monthly_interest=Decimal(settings.SHOP_INSTALLMENTS_MONTHLY_INTEREST),
    )
