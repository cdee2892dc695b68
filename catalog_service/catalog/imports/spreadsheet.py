"""Excel-ready CSV: what a spreadsheet saved and what Excel in Portuguese opens as columns.

Excel in pt-BR saves a CSV with ``;`` between fields and a decimal comma (``39,90``), as UTF-8 with a
BOM ("CSV UTF-8") or as Windows-1252 ("CSV (separado por vírgulas)"). The import detects all three
(encoding, separator, decimal format) and says what it found in the dry run; the export writes ``;``
and a BOM by default, with the decimal comma or point as the merchandiser chooses.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from catalog.imports.csv_format import ACCEPTED

DELIMITERS = (";", ",", "\t")
DECIMAL_COLUMNS = ("price", "compare_at_price")
BOM = "\ufeff"
THOUSANDS = re.compile(r"-?\d{1,3}(\.\d{3})+(,\d*)?")


@dataclass(frozen=True)
class CsvFormat:
    """How a file is written: what the dry run reports and what ``catalog_csv_validate`` reads with."""

    delimiter: str = ","
    decimal_comma: bool = False
    encoding: str = "utf-8"

    def describe(self) -> str:
        names = {";": _("semicolon (;)"), ",": _("comma (,)"), "\t": _("tab")}
        decimal = _("decimal comma (39,90)") if self.decimal_comma else _("decimal point (39.90)")
        encodings = {"utf-8": "UTF-8", "utf-8-sig": _("UTF-8 with BOM"), "cp1252": "Windows-1252"}
        return _("Separator: %(separator)s; numbers: %(decimal)s; encoding: %(encoding)s.") % {
            "separator": names[self.delimiter],
            "decimal": decimal,
            "encoding": encodings.get(self.encoding, self.encoding),
        }


def csv_bytes_decode(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without a BOM), else Windows-1252 (Excel's "CSV")."""
    if data.startswith(BOM.encode()):
        return data.decode("utf-8-sig"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def csv_delimiter_detect(text: str) -> str:
    """The separator whose header line names the most known columns (``,`` when none does)."""
    header_line = text.lstrip(BOM).split("\n", 1)[0]

    def known(delimiter: str) -> int:
        fields = next(csv.reader([header_line], delimiter=delimiter), [])
        return sum(1 for name in fields if name.strip() in ACCEPTED)

    return max(DELIMITERS, key=lambda delimiter: (known(delimiter), delimiter == ","))


def decimal_comma_detect(rows: Iterable[dict[str, str]]) -> bool:
    """A file writes a decimal comma when some price holds a comma (``39,90``, ``1.234,56``)."""
    return any("," in row.get(column, "") for row in rows for column in DECIMAL_COLUMNS)


def decimal_normalise(value: str, *, decimal_comma: bool) -> str:
    """``1.234,56`` -> ``1234.56`` in a decimal-comma file; a decimal-point file is left as written."""
    value = value.strip().replace("R$", "").replace(" ", "").replace("\u00a0", "")
    if decimal_comma and ("," in value or THOUSANDS.fullmatch(value)):
        return value.replace(".", "").replace(",", ".")
    return value  # "39.90" stays a decimal point even in a decimal-comma file


def csv_reader(text: str, delimiter: str) -> csv.DictReader:
    return csv.DictReader(io.StringIO(text.lstrip(BOM)), delimiter=delimiter)


def export_format(query) -> dict:
    """The export's options from the admin's query string: Excel-ready unless told otherwise."""
    comma_separated = query.get("separator") == "comma"
    return {
        "delimiter": "," if comma_separated else ";",
        "decimal_comma": query.get("decimal", "comma") != "point",
        "bom": query.get("bom", "1") != "0",
    }


TEMPLATE_EXAMPLE = {
    "sku": "BLP-BAT-001",
    "product_slug": "batom-matte-rose",
    "product_name": "Batom Matte Rosé",
    "brand": "bella-pele",
    "category": "batons",
    "product_type": "maquiagem",
    "description": "Batom matte de longa duração.",
    "published": "sim",
    "variant_name": "Rosé 02",
    "shade_hex": "#C8787E",
    "size": "3,5 g",
    "price": "39,90",
    "compare_at_price": "49,90",
    "ean13": "7891234567895",
    "weight_grams": "12",
    "on_hand": "30",
    "low_stock_threshold": "5",
    "lot_code": "L2026A",
    "lot_expires_on": "2028-06-30",
    "lot_manufactured_on": "2026-06-30",
    "images": "https://cdn.exemplo.com.br/batom-rose.jpg",
}


def template_csv() -> str:
    """The downloadable template: BOM, ``;``, the header and one example row (decimal comma)."""
    from catalog.imports.column_help import TEMPLATE_COLUMNS

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(TEMPLATE_COLUMNS)
    writer.writerow([TEMPLATE_EXAMPLE.get(name, "") for name in TEMPLATE_COLUMNS])
    return BOM + buffer.getvalue()
