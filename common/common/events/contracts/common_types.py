"""Small value types shared by several contracts."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field


class Line(BaseModel):
    """A SKU and a quantity, as ordered or reserved."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str
    quantity: int = Field(gt=0)


class PricedLine(Line):
    """An order line with its price snapshot (money as Decimal, two places)."""

    name: str
    unit_price: Decimal
    line_total: Decimal
