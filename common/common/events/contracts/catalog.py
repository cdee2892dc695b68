"""Events published by the catalog service: product stream, stock saga replies, stock levels, activity."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from common.events.contracts.base import EventContract, contract
from common.events.contracts.common_types import Line


class VariantSnapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str
    name: str
    price: Decimal
    currency: str = "BRL"
    # The packed unit for shipping quotes (optional, added with shipping by CEP; 0 = not measured).
    weight_grams: int = Field(default=0, ge=0)
    length_cm: Decimal = Field(default=Decimal("0"), ge=0)
    width_cm: Decimal = Field(default=Decimal("0"), ge=0)
    height_cm: Decimal = Field(default=Decimal("0"), ge=0)
    # "regular", or "gift" / "sample": given by promotions, never sold alone (optional, added with promotions)
    sale_mode: str = "regular"


class ProductSnapshot(EventContract):
    """The state of a product that other services copy (names, prices, published flag)."""

    product_id: int
    slug: str
    name: str
    brand: str
    published: bool
    variants: list[VariantSnapshot]
    # For promotions restricted to brands or categories (optional, added with promotions): the brand's
    # slug, and the category's slug followed by its ancestors' (a sub-category is inside its parent).
    brand_slug: str = ""
    category_slugs: list[str] = []


@contract("catalog.product_published", version=1, producer="catalog", consumers=("orders",))
class ProductPublished(ProductSnapshot):
    """A product became visible to shoppers."""


@contract("catalog.product_updated", version=1, producer="catalog", consumers=("orders",))
class ProductUpdated(ProductSnapshot):
    """A product's name, variants or prices changed."""


@contract("catalog.product_unpublished", version=1, producer="catalog", consumers=("orders",))
class ProductUnpublished(ProductSnapshot):
    """A product was withdrawn from sale."""


class LotLevel(BaseModel):
    """A lot on the shelf: its code, expiry, units on hand and whether it is blocked (recall)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lot: str
    expires_on: date
    on_hand: int
    blocked: bool = False


class LotAllocation(BaseModel):
    """Units of one lot (FEFO) reserved for an order line: the lot the shopper will receive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str
    lot: str
    expires_on: date
    quantity: int


@contract("catalog.stock_reserved", version=1, producer="catalog", consumers=("orders",))
class StockReserved(EventContract):
    """Every line of an order is reserved until ``expires_at``; ``lots`` names the lots holding them
    (optional, added with stock by lot: units held in no lot are not listed)."""

    order_number: str
    lines: list[Line]
    expires_at: datetime
    lots: list[LotAllocation] = []
    # Optional lines (the order's gifts and samples, ``order_placed.optional_skus``) there was no stock
    # for: reserved without them (optional, added with promotions).
    left_out: list[Line] = []


class RejectedLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str
    requested: int
    available: int


@contract("catalog.stock_rejected", version=1, producer="catalog", consumers=("orders",))
class StockRejected(EventContract):
    """An order could not be reserved; nothing of it was reserved."""

    order_number: str
    reason: str
    lines: list[RejectedLine]


@contract("catalog.stock_changed", version=1, producer="catalog", consumers=("tasks",))
class StockChanged(EventContract):
    """A SKU's stock level changed (reservation, commit, release, import or admin edit); ``lots``, the
    SKU's lots with units (optional, added with stock by lot), feeds tasks' expiring-lots report."""

    sku: str
    product_name: str
    on_hand: int
    available: int
    low_stock_threshold: int
    lots: list[LotLevel] = []


@contract("catalog.product_viewed", version=1, producer="catalog", consumers=("tasks",))
class ProductViewed(EventContract):
    """A signed-in shopper viewed a product page (shopper activity stream)."""

    product_slug: str
    user_id: int | None
    session_id: str | None = None
    viewed_at: datetime


class UncoveredLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sku: str
    quantity: int
    on_hand: int


@contract("catalog.stock_commit_failed", version=1, producer="catalog", consumers=("orders",))
class StockCommitFailed(EventContract):
    """A paid order's reservation could not be committed (released, expired or stock short): support must act."""

    order_number: str
    reason: str
    lines: list[UncoveredLine]


class RecallRecipient(BaseModel):
    """A paid order that received units of a recalled lot, and whom to tell."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    order_number: str
    email: str
    quantity: int


@contract("catalog.lot_recalled", version=1, producer="catalog", consumers=("tasks",))
class LotRecalled(EventContract):
    """A merchandiser blocked a lot and asked to notify the customers who received it: tasks emails
    each recipient (once per lot and order)."""

    sku: str
    product_name: str
    lot: str
    expires_on: date
    reason: str
    recipients: list[RecallRecipient]


class _SearchFields(EventContract):
    query: str = Field(max_length=200)
    normalized_query: str = Field(max_length=200)
    result_count: int = Field(ge=0)
    user_id: int | None
    session_id: str | None = Field(default=None, max_length=200)
    searched_at: datetime


@contract("catalog.search_performed", version=1, producer="catalog", consumers=("tasks",))
class SearchPerformed(_SearchFields):
    """A shopper searched the catalog (superseded by v2, which carries the filters; read for events in flight)."""


# A search's filters as the list API took them: ``brand``, ``sort``, ``min_price`` ("49.90"), ``in_stock``,
# ``free_of`` (a list) and attribute codes (``skin_type``); at most the list's parameters and 5 attributes.
SearchFilterValue = str | bool | list[str]
MAX_SEARCH_FILTERS = 20


@contract("catalog.search_performed", version=2, producer="catalog", consumers=("catalog", "tasks"))
class SearchPerformedFiltered(_SearchFields):
    """A shopper searched the catalog: the words, as understood, the filters, and how many answered.

    Catalog's own consumer writes it to its MongoDB search log (the merchandisers' zero-result page);
    tasks aggregates the stream for its search-analytics report.
    """

    filters: dict[str, SearchFilterValue] = Field(default_factory=dict, max_length=MAX_SEARCH_FILTERS)
