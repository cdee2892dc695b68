"""Reading and checking a catalog CSV without writing anything: every bad row with every reason.

The reasons are read by merchandisers in the admin (and in ``import_catalog``'s report): pt-BR through the
catalogue, the column names as the file spells them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from catalog.imports.csv_format import (
    ACCEPTED,
    ATTRIBUTE_COLUMN,
    BOX_COLUMNS,
    FALSE_WORDS,
    IMAGE_COLUMN,
    IMAGE_IMPORT_DIR,
    REQUIRED,
    TRUE_WORDS,
)
from catalog.imports.spreadsheet import (
    CsvFormat,
    csv_delimiter_detect,
    csv_reader,
    decimal_comma_detect,
    decimal_normalise,
)
from catalog.inventory.ledger import stock_on_hand_at_version
from catalog.inventory.models import StockLot
from catalog.products.models import Attribute, Brand, Category, ProductType, Variant
from catalog.products.validators import is_valid_ean13

SLUG = re.compile(r"^[-a-z0-9_]+$")
HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
MAX_ROWS = 200_000


@dataclass
class RowError:
    row: int  # the line number in the file (the header is line 1)
    sku: str
    errors: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "sku": self.sku, "errors": self.errors}


@dataclass
class ValidRow:
    row: int
    sku: str
    product_slug: str
    product: dict[str, Any]
    variant: dict[str, Any]
    published: bool | None
    on_hand: int | None
    low_stock_threshold: int | None
    stock_version: int | None = None
    lot_code: str = ""
    lot_expires_on: date | None = None
    lot_manufactured_on: date | None = None
    images: tuple[str, ...] = ()
    attributes: tuple[tuple[int, str], ...] | None = None  # (attribute id, value); None: leave them


@dataclass
class Validation:
    rows: list[ValidRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    row_count: int = 0
    format: CsvFormat = field(default_factory=CsvFormat)


def _decimal(value: str, name: str, problems: list[str], *, required: bool, decimal_comma: bool) -> Decimal | None:
    if not value:
        if required:
            problems.append(_("%(column)s is required") % {"column": name})
        return None
    try:
        amount = Decimal(decimal_normalise(value, decimal_comma=decimal_comma))
    except InvalidOperation:
        problems.append(_("%(column)s '%(value)s' is not a number") % {"column": name, "value": value})
        return None
    if not amount.is_finite() or amount <= 0 or amount.as_tuple().exponent < -2 or amount >= Decimal("100000000"):
        problems.append(
            _("%(column)s '%(value)s' must be positive with at most two decimals") % {"column": name, "value": value}
        )
        return None
    return amount


def _centimetres(raw: dict[str, str], problems: list[str]) -> dict[str, Decimal]:
    """The box columns the row's file has (cm, 0 to 9999.9, one decimal); absent columns are left out."""
    box = {}
    for name in BOX_COLUMNS:
        if name not in raw:
            continue
        value = raw[name] or "0"
        try:
            size = Decimal(value.replace(",", "."))
        except InvalidOperation:
            size = None
        if size is None or not size.is_finite() or size < 0 or size >= 10000 or size.as_tuple().exponent < -1:
            problems.append(
                _("%(column)s '%(value)s' must be centimetres from 0 to 9999.9 with at most one decimal")
                % {"column": name, "value": value}
            )
            continue
        box[name] = size
    return box


def _images(text: str, problems: list[str]) -> tuple[str, ...]:
    """The row's photos: http(s) URLs kept as they are, file names made storage paths (they must exist)."""
    found = []
    for entry in (part.strip() for part in text.split("|")):
        if not entry:
            continue
        if entry.startswith(("http://", "https://")):
            found.append(entry[:500])
        elif entry.startswith("products/") and ".." not in entry and default_storage.exists(entry):
            found.append(entry)  # a photo already in the storage, as the export names it
        elif "/" in entry or "\\" in entry or entry.startswith("."):
            problems.append(_("image '%(entry)s' must be a URL or a file name (no folders)") % {"entry": entry})
        elif not default_storage.exists(IMAGE_IMPORT_DIR + entry):
            problems.append(
                _("image file '%(entry)s' was not uploaded to %(folder)s")
                % {"entry": entry, "folder": IMAGE_IMPORT_DIR}
            )
        else:
            found.append(IMAGE_IMPORT_DIR + entry)
    return tuple(found)


def _attributes(
    text: str, type_slug: str, known: dict[tuple[str, str], int], problems: list[str]
) -> tuple[tuple[int, str], ...] | None:
    """``finish=matte | skin_type=oleosa`` -> ``((attribute id, "matte"), ...)``; None for an empty cell."""
    if not text.strip():
        return None
    found: dict[int, str] = {}
    for entry in (part.strip() for part in text.split("|")):
        if not entry:
            continue
        code, separator, value = entry.partition("=")
        code, value = code.strip(), value.strip()
        if not separator or not code or not value:
            problems.append(_("attribute '%(entry)s' must look like code=value") % {"entry": entry})
        elif (type_slug, code) not in known:
            problems.append(
                _("attribute '%(code)s' is not an attribute of product type '%(type)s'")
                % {"code": code, "type": type_slug}
            )
        else:
            found[known[(type_slug, code)]] = value
    return tuple(found.items())


def _day(text: str, name: str, problems: list[str]) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems.append(_("%(column)s '%(value)s' must be a date like 2027-01-31") % {"column": name, "value": text})
        return None


def _whole(value: str, name: str, problems: list[str]) -> int | None:
    if not value:
        return None
    if not value.isdigit():
        problems.append(
            _("%(column)s '%(value)s' must be a whole number of zero or more") % {"column": name, "value": value}
        )
        return None
    return int(value)


def stock_changed_since_export(*, sku: str, on_hand: int, version: int) -> tuple[int | None, str]:
    """A row's ``on_hand`` read at ledger position ``version`` (the export's ``stock_version``), against
    the stock now: ``(on_hand to apply, "")``, ``(None, "")`` when the row leaves the stock as exported
    (the units moved since, so it is left as it is now), or ``(None, problem)`` when it would set units
    that moved since the export back (sales made after it would be sellable again)."""
    moved = stock_on_hand_at_version(sku=sku, version=version)
    if moved is None:
        return on_hand, ""
    exported, now = moved
    if on_hand == exported:
        return None, ""
    return None, _(
        "on_hand: the stock of %(sku)s changed since the export (it was %(exported)s, it is %(now)s now); "
        "export again, or record the difference as a stock adjustment with its reason"
    ) % {"sku": sku, "exported": exported, "now": now}


def _on_hand_unless_stale(*, sku: str, on_hand: int, version: int, problems: list[str]) -> int | None:
    applied, problem = stock_changed_since_export(sku=sku, on_hand=on_hand, version=version)
    if problem:
        problems.append(problem)
    return applied


def catalog_csv_validate(text: str, *, encoding: str = "utf-8") -> Validation:
    """Parse ``text`` (its separator and decimal format detected) and check each row; nothing is written."""
    result = Validation(format=CsvFormat(delimiter=csv_delimiter_detect(text), encoding=encoding))
    reader = csv_reader(text, result.format.delimiter)
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in ACCEPTED]
    if missing or unknown:
        problems = [_("missing column %(column)s") % {"column": name} for name in missing] + [
            _("unknown column %(column)s") % {"column": name} for name in unknown
        ]
        result.errors.append(RowError(row=1, sku="", errors=problems))
        return result
    raw_rows = []
    for raw in reader:
        raw_rows.append({(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None})
        if len(raw_rows) > MAX_ROWS:
            result.errors.append(RowError(row=1, sku="", errors=[_("more than %(max)s rows") % {"max": MAX_ROWS}]))
            return result
    result.row_count = len(raw_rows)
    decimal_comma = decimal_comma_detect(raw_rows)
    result.format = CsvFormat(delimiter=result.format.delimiter, decimal_comma=decimal_comma, encoding=encoding)

    brands = dict(Brand.objects.values_list("slug", "id"))
    categories = dict(Category.objects.values_list("slug", "id"))
    types = dict(ProductType.objects.values_list("slug", "id"))
    known_attributes = {
        (type_slug, code): attribute_id
        for attribute_id, type_slug, code in Attribute.objects.values_list("id", "product_type__slug", "code")
    }
    skus = [row.get("sku", "") for row in raw_rows]
    existing = {row["sku"]: row for row in Variant.objects.filter(sku__in=skus).values("sku", "product__slug")}
    eans = [row.get("ean13", "") for row in raw_rows if row.get("ean13")]
    ean_owner = dict(Variant.objects.filter(ean13__in=eans).values_list("ean13", "sku"))

    seen_skus: set[str] = set()
    seen_eans: dict[str, str] = {}
    products: dict[str, dict[str, Any]] = {}
    for number, raw in enumerate(raw_rows, start=2):
        problems: list[str] = []
        sku = raw.get("sku", "")
        for name in REQUIRED:
            if not raw.get(name) and name != "price":
                problems.append(_("%(column)s is required") % {"column": name})
        if sku and len(sku) > 64:
            problems.append(_("sku is longer than 64 characters"))
        if sku in seen_skus:
            problems.append(_("SKU %(sku)s appears twice in the file") % {"sku": sku})
        seen_skus.add(sku)
        slug = raw.get("product_slug", "")
        if slug and not SLUG.match(slug):
            problems.append(
                _("product_slug '%(slug)s' may only hold lower-case letters, digits, - and _") % {"slug": slug}
            )
        if sku in existing and existing[sku]["product__slug"] != slug:
            problems.append(
                _("SKU %(sku)s belongs to product %(product)s")
                % {"sku": sku, "product": existing[sku]["product__slug"]}
            )
        for column, known in (("brand", brands), ("category", categories), ("product_type", types)):
            if raw.get(column) and raw[column] not in known:
                problems.append(_("unknown %(column)s '%(value)s'") % {"column": column, "value": raw[column]})
        price = _decimal(raw.get("price", ""), "price", problems, required=True, decimal_comma=decimal_comma)
        compare_at = _decimal(
            raw.get("compare_at_price", ""), "compare_at_price", problems, required=False, decimal_comma=decimal_comma
        )
        if price is not None and compare_at is not None and compare_at <= price:
            problems.append(_("compare_at_price must be above price"))
        ean = raw.get("ean13", "")
        if ean:
            if not is_valid_ean13(ean):
                problems.append(_("ean13 '%(ean)s' is not a valid EAN-13 barcode") % {"ean": ean})
            elif ean_owner.get(ean, sku) != sku or seen_eans.get(ean, sku) != sku:
                problems.append(_("ean13 %(ean)s is already used by another SKU") % {"ean": ean})
            seen_eans.setdefault(ean, sku)
        shade = raw.get("shade_hex", "")
        if shade and not HEX.match(shade):
            problems.append(_("shade_hex '%(shade)s' must look like #C8787E") % {"shade": shade})
        published_word = raw.get("published", "").lower()
        if published_word not in TRUE_WORDS | FALSE_WORDS:
            problems.append(_("published '%(value)s' must be true or false") % {"value": raw.get("published")})
        weight = _whole(raw.get("weight_grams", ""), "weight_grams", problems)
        box = _centimetres(raw, problems)
        on_hand = _whole(raw.get("on_hand", ""), "on_hand", problems)
        threshold = _whole(raw.get("low_stock_threshold", ""), "low_stock_threshold", problems)
        stock_version = _whole(raw.get("stock_version", ""), "stock_version", problems)
        if on_hand is not None and stock_version is not None:
            on_hand = _on_hand_unless_stale(sku=sku, on_hand=on_hand, version=stock_version, problems=problems)
        images = _images(raw.get(IMAGE_COLUMN, ""), problems)
        attributes = _attributes(raw.get(ATTRIBUTE_COLUMN, ""), raw.get("product_type", ""), known_attributes, problems)
        lot_code = raw.get("lot_code", "").strip().upper()[:40]
        lot_expires_on = _day(raw.get("lot_expires_on", ""), "lot_expires_on", problems)
        lot_manufactured_on = _day(raw.get("lot_manufactured_on", ""), "lot_manufactured_on", problems)
        if (lot_expires_on or lot_manufactured_on) and not lot_code:
            problems.append(_("lot dates need a lot_code"))
        if lot_code and on_hand is None:
            problems.append(_("lot_code needs on_hand (the SKU's units after the lot is received)"))
        if (
            lot_code
            and lot_expires_on is None
            and not StockLot.objects.filter(stock__variant__sku=sku, code=lot_code).exists()
        ):
            problems.append(_("lot_code %(lot)s is a new lot: lot_expires_on is required") % {"lot": lot_code})
        if lot_expires_on and lot_manufactured_on and lot_manufactured_on > lot_expires_on:
            problems.append(_("lot_manufactured_on is after lot_expires_on"))
        product = {
            "name": raw.get("product_name", "")[:200],
            "description": raw.get("description", ""),
            "brand_id": brands.get(raw.get("brand", "")),
            "category_id": categories.get(raw.get("category", "")),
            "product_type_id": types.get(raw.get("product_type", "")),
        }
        first = products.setdefault(slug, product)
        if first is not product and (first["name"], first["brand_id"]) != (product["name"], product["brand_id"]):
            problems.append(_("product %(slug)s has another name or brand on an earlier row") % {"slug": slug})
        if problems:
            result.errors.append(RowError(row=number, sku=sku, errors=problems))
            continue
        result.rows.append(
            ValidRow(
                row=number,
                sku=sku,
                product_slug=slug,
                product=product,
                variant={
                    "name": raw["variant_name"][:100],
                    "shade_hex": shade,
                    "size": raw.get("size", "")[:30],
                    "price": price,
                    "compare_at_price": compare_at,
                    "ean13": ean or None,
                    "weight_grams": weight or 0,
                    **box,
                },
                published=None if not raw.get("published") else published_word in TRUE_WORDS,
                on_hand=on_hand,
                low_stock_threshold=threshold,
                stock_version=stock_version,
                lot_code=lot_code,
                lot_expires_on=lot_expires_on,
                lot_manufactured_on=lot_manufactured_on,
                images=images,
                attributes=attributes,
            )
        )
    return result
