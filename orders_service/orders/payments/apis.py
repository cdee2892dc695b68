"""``GET payments/installments?amount=``: the card installment plans, the same numbers as product and cart."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from common.brazil.installments import installment_plans, installment_policy_from_settings
from orders.money import money
from orders.payments.schemas import InstallmentPlanOut

router = Router(tags=["payments"])


class InstallmentsQuery(Schema):
    amount: Decimal = Field(gt=0, le=Decimal("99999999.99"), decimal_places=2)


@router.get("payments/installments", response=list[InstallmentPlanOut])
def get_installments(request: HttpRequest, query: Query[InstallmentsQuery]):
    """Every plan for ``amount``: interest-free up to the shop's limit, with interest beyond (card issuer's)."""
    plans = installment_plans(amount=query.amount, policy=installment_policy_from_settings())
    return [
        {
            "count": plan.count,
            "amount": money(plan.amount),
            "total": money(plan.total),
            "interest_free": plan.interest_free,
        }
        for plan in plans
    ]
