"""Staff endpoint of the inventory app: every SKU's stock level, for tasks' low-stock read model.

Tasks backfills and reconciles its ``StockLevel`` rows from here (``manage.py stock_levels_reconcile``
and a Beat schedule), so its low-stock report does not depend on having seen every ``stock_changed``.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from catalog.inventory.selectors import stock_levels_page
from common.api import ErrorOut, ValidationErrorOut
from common.auth import StaffJWTAuth

router = Router(tags=["inventory"])

MAX_PAGE = 1000


class StockLevelsQuery(Schema):
    after: str = Field("", max_length=64, description="The last SKU of the previous page (empty: from the start)")
    limit: int = Field(500, ge=1, le=MAX_PAGE)


class StockLevelOut(Schema):
    sku: str
    product_name: str
    on_hand: int
    available: int
    low_stock_threshold: int


class StockLevelsPageOut(Schema):
    as_of: datetime = Field(description="Read before the rows: a change announced after this is newer than them")
    items: list[StockLevelOut]
    next_after: str | None = Field(description="Pass as ``after`` for the next page; null on the last page")


@router.get(
    "staff/stock-levels",
    auth=StaffJWTAuth(),
    response={200: StockLevelsPageOut, 401: ErrorOut, 403: ErrorOut, 422: ValidationErrorOut},
    summary="Every SKU's stock level (staff), in SKU order, page by page",
)
def stock_levels_api(request: HttpRequest, query: Query[StockLevelsQuery]):
    as_of = timezone.now()
    items = stock_levels_page(after=query.after, limit=query.limit)
    next_after = items[-1]["sku"] if len(items) == query.limit else None
    return {"as_of": as_of, "items": items, "next_after": next_after}
