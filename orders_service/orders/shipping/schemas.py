from __future__ import annotations

from ninja import Schema
from pydantic import Field


class ShippingQuotesIn(Schema):
    postal_code: str = Field(min_length=1, max_length=20, description="The destination CEP: 01304-000 or 01304000")


class ShippingQuoteOut(Schema):
    method: str
    name: str
    price: str
    currency: str
    days_min: int
    days_max: int
