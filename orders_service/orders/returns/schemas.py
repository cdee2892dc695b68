from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema


class ReturnLineIn(Schema):
    sku: str = Field(..., min_length=1, max_length=64)
    quantity: int = Field(..., ge=1, le=10_000)


class ReturnIn(Schema):
    lines: list[ReturnLineIn] = Field(..., min_length=1, max_length=100)
    reason: str = Field(..., max_length=500)


class ReturnLineOut(Schema):
    sku: str
    name: str
    quantity: int
    amount: str
    condition: str | None


class ReturnOut(Schema):
    id: int
    status: str
    reason: str
    rejection_reason: str
    lines: list[ReturnLineOut]
    refund_amount: str
    shipping_refund: str
    currency: str
    created_at: datetime


class ReturnPageOut(Schema):
    items: list[ReturnOut]
    count: int
    page: int
    pages: int
