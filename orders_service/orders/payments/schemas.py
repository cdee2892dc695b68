from __future__ import annotations

from ninja import Schema


class WebhookOut(Schema):
    received: bool
    outcome: str


class InstallmentPlanOut(Schema):
    """One card plan: ``count`` installments of ``amount`` (``total`` with the issuer's interest, if any)."""

    count: int
    amount: str
    total: str
    interest_free: bool
