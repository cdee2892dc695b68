"""A CSV re-import of a catalog export taken before sales never sets on_hand back (issue 21, item 1's twin).

The export writes each row's ``stock_version`` (the stock ledger position its ``on_hand`` was read at).
On import, a row whose units moved since: left alone when its on_hand is still the exported one, refused
(dry run and real import, nothing written) when it would set a different number; checked again under the
stock's row lock. On PostgreSQL with the real saga handlers selling the units.
"""

from __future__ import annotations

import csv
import io

import pytest

from catalog.imports import services as import_services
from catalog.imports.selectors import catalog_csv_rows
from catalog.imports.services import catalog_import
from catalog.inventory.models import Stock, StockMovement
from tests.test_stock_admin import levels, sell

pytestmark = pytest.mark.django_db


def export() -> str:
    return "".join(catalog_csv_rows())


def edited(text: str, sku: str, **values) -> str:
    rows = list(csv.DictReader(io.StringIO(text)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, **values} if row["sku"] == sku else row)
    return out.getvalue()


def import_movements(sku: str) -> list[tuple[int, int]]:
    return list(StockMovement.objects.filter(sku=sku, reason="import").values_list("delta", "on_hand_after"))


def test_the_export_names_the_stock_version_of_each_row(postgresql, catalog_data):
    sell("CO-1", "BLP-BAT-001", 2)
    [row] = [r for r in csv.DictReader(io.StringIO(export())) if r["sku"] == "BLP-BAT-001"]
    latest = StockMovement.objects.filter(sku="BLP-BAT-001").order_by("-id").first()
    assert (row["on_hand"], row["stock_version"]) == ("8", str(latest.pk))


def test_reimporting_an_export_taken_before_sales_keeps_the_units_sold_since(postgresql, catalog_data):
    before_sales = export()
    sell("CO-1", "BLP-BAT-001", 2)
    assert levels("BLP-BAT-001") == (8, 0)

    dry = catalog_import(text=before_sales, dry_run=True)
    assert dry.errors == []
    report = catalog_import(text=before_sales, dry_run=False)

    assert (report.errors, report.written) == ([], True)
    assert levels("BLP-BAT-001") == (8, 0)  # not 10: the two sold units stay sold
    assert import_movements("BLP-BAT-001") == []


def test_a_stale_row_that_changes_on_hand_is_refused_in_the_dry_run_with_a_clear_message(postgresql, catalog_data):
    stale = edited(export(), "BLP-BAT-001", on_hand="15", price="41.90")
    sell("CO-1", "BLP-BAT-001", 2)
    stock_before = sorted(Stock.objects.values_list("variant__sku", "on_hand"))

    dry = catalog_import(text=stale, dry_run=True)
    real = catalog_import(text=stale, dry_run=False)

    message = (
        "on_hand: o estoque de BLP-BAT-001 mudou desde a exportação (era 10, agora é 8); "
        "exporte de novo ou registre a diferença como um ajuste de estoque, com o motivo"
    )
    assert [(e["sku"], e["errors"]) for e in dry.errors] == [("BLP-BAT-001", [message])]
    assert (real.errors, real.written) == (dry.errors, False)
    assert sorted(Stock.objects.values_list("variant__sku", "on_hand")) == stock_before
    assert str(Stock.objects.get(variant__sku="BLP-BAT-001").variant.price) == "39.90"  # nothing written


def test_a_fresh_export_edited_sets_the_stock_with_a_ledger_movement(postgresql, catalog_data):
    report = catalog_import(text=edited(export(), "BLP-BAT-001", on_hand="15"), dry_run=False)
    assert (report.errors, report.written) == ([], True)
    assert levels("BLP-BAT-001") == (15, 0)
    assert import_movements("BLP-BAT-001") == [(5, 15)]


def test_a_sale_between_the_check_and_the_row_lock_refuses_the_import(postgresql, catalog_data, monkeypatch):
    text = edited(export(), "BLP-BAT-001", on_hand="15")
    checked = import_services.catalog_csv_validate

    def validate_then_a_sale(text, **options):
        validation = checked(text, **options)
        sell("CO-2", "BLP-BAT-001", 1)  # committed after the file was checked, before the import locks the row
        return validation

    monkeypatch.setattr(import_services, "catalog_csv_validate", validate_then_a_sale)
    report = catalog_import(text=text, dry_run=False)

    assert report.written is False
    assert [e["sku"] for e in report.errors] == ["BLP-BAT-001"]
    assert "era 10, agora é 9" in report.errors[0]["errors"][0]
    assert levels("BLP-BAT-001") == (9, 0)
    assert import_movements("BLP-BAT-001") == []
