"""The shopper API's query and answer schemas (the contract of shared/API.md, Catalog section)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import ConfigDict, Field

SortOption = Literal["relevance", "price", "-price", "name", "-created"]


class ProductListQuery(Schema):
    """Query parameters of GET products (attribute filters such as ``skin_type`` come on top)."""

    model_config = ConfigDict(extra="ignore")

    q: str | None = Field(None, max_length=200)
    category: str | None = Field(None, max_length=120)
    brand: str | None = Field(None, max_length=100)
    min_price: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    max_price: Decimal | None = Field(None, ge=0, max_digits=10, decimal_places=2)
    in_stock: bool | None = None
    free_of: list[str] | None = Field(None, max_length=10)
    allergen_free: list[str] | None = Field(None, max_length=10)
    sort: SortOption | None = None
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(24, ge=1, le=100)


class Ref(Schema):
    slug: str
    name: str


class ProductListItemOut(Schema):
    slug: str
    name: str
    brand: Ref
    category: Ref
    price_from: str | None = Field(description='Lowest variant price, two decimals, e.g. "129.90".')
    currency: str
    in_stock: bool
    image_url: str | None


class ProductPageOut(Schema):
    items: list[ProductListItemOut]
    count: int
    page: int
    pages: int


class AttributeOut(Schema):
    code: str
    name: str
    value: str


class ImageOut(Schema):
    url: str
    thumbnail_url: str | None
    alt: str
    width: int | None
    height: int | None


class ShadeOut(Schema):
    name: str
    hex: str


class VariantOut(Schema):
    sku: str
    name: str
    price: str
    currency: str
    available: int
    attributes: list[AttributeOut]
    shade: ShadeOut | None


class AnvisaOut(Schema):
    number: str | None
    risk_grade: int | None


class InstallmentsHintOut(Schema):
    """The longest interest-free card plan of the lowest price: ``count`` installments of ``amount``."""

    count: int
    amount: str


class ProductDetailOut(Schema):
    slug: str
    name: str
    description: str
    brand: Ref
    category: Ref
    attributes: list[AttributeOut]
    images: list[ImageOut]
    ingredients: list[str]
    allergens: list[str]
    anvisa: AnvisaOut
    pao_months: int | None
    variants: list[VariantOut]
    installments: InstallmentsHintOut | None = None


class CategoryOut(Schema):
    slug: str
    name: str
    children: list[CategoryOut]


class StockOut(Schema):
    sku: str
    available: int


class RecentlyViewedOut(Schema):
    slug: str
    name: str
    viewed_at: datetime
