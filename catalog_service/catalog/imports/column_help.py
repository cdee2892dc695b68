"""What each column of the catalog CSV means: the template page and the template file's second line."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from catalog.imports.csv_format import EXPORT_HEADER, LOT_COLUMNS, REQUIRED

COLUMN_HELP = {
    "sku": _("Variant code, unique in the catalog: a row with a known SKU updates it, a new one creates it."),
    "product_slug": _("The product's address (lower-case letters, digits, - and _); variants of one product share it."),
    "product_name": _("The product's name, the same on every row of the product."),
    "brand": _("The brand's slug, as in the Brands list."),
    "category": _("The category's slug, as in the Categories list."),
    "product_type": _("The product type's slug, as in the Product types list."),
    "description": _("The product's description (optional)."),
    "published": _("true/false (or sim/não): whether the product is on sale; empty keeps it as it is."),
    "variant_name": _("The shade or size shown to shoppers, e.g. Rosé 02."),
    "shade_hex": _("The shade's colour, like #C8787E (optional)."),
    "size": _("The size, e.g. 30 ml (optional)."),
    "price": _("Price in reais, with a decimal comma (39,90) or point (39.90); no R$ needed."),
    "compare_at_price": _("The 'from' price, above the price (optional)."),
    "ean13": _("The 13-digit barcode (optional, unique)."),
    "weight_grams": _("Weight in grams, a whole number (optional)."),
    "on_hand": _("Units on hand after the import (optional; empty leaves the stock as it is)."),
    "low_stock_threshold": _("Below this many units the SKU is low on stock (optional)."),
    "lot_code": _("Import only: the lot the on_hand units are received into (optional)."),
    "lot_expires_on": _("Import only: the lot's expiry date, 2027-01-31; required for a new lot."),
    "lot_manufactured_on": _("Import only: the lot's manufacture date, 2026-06-30 (optional)."),
    "images": _(
        "Photos separated by |: http(s) addresses, files uploaded to products/import/, or the names the export "
        "writes; photos the product already has are not added twice."
    ),
    "attributes": _(
        "The product's attributes as code=value | code=value (codes of its product type, e.g. finish=matte): "
        "a filled cell sets exactly these, an empty one leaves them as they are."
    ),
    "ingredients": _("Export only, ignored by the import: the INCI list in label order."),
    "allergens": _("Export only, ignored by the import: the labelled fragrance allergens."),
    "anvisa_number": _("Export only, ignored by the import: the ANVISA notification or registration number."),
    "anvisa_risk_grade": _("Export only, ignored by the import: ANVISA risk grade, 1 or 2."),
    "pao_months": _("Export only, ignored by the import: period after opening, in months."),
    "lots": _("Export only, ignored by the import: the SKU's lots with expiry and units, first to expire first."),
    "stock_version": _(
        "Written by the export: where the SKU's stock ledger stood. Keep it: if the stock moved since, a changed "
        "on_hand is refused (export again, or record an adjustment); empty: on_hand is set as written."
    ),
}

_AFTER_IMAGES = EXPORT_HEADER.index("images") + 1
#: The export's columns with the import's lot columns after the photos.
TEMPLATE_COLUMNS = [*EXPORT_HEADER[:_AFTER_IMAGES], *LOT_COLUMNS, *EXPORT_HEADER[_AFTER_IMAGES:]]


def column_rows() -> list[tuple[str, bool, str]]:
    """``(column, required, explanation)`` for every column the import reads or the export writes."""
    return [(name, name in REQUIRED, str(COLUMN_HELP[name])) for name in TEMPLATE_COLUMNS]
