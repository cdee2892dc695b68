"""CSV import (dry run with per-row errors, upsert by SKU, background jobs) and CSV export."""

import io
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from catalog.imports.csv_format import EXPORT_HEADER
from catalog.imports.csv_format import HEADER as COLUMN_NAMES
from catalog.imports.models import ImportJob
from catalog.imports.selectors import catalog_csv_rows
from catalog.imports.services import catalog_import, catalog_import_submit
from catalog.inventory.models import Stock, StockLot, StockMovement
from catalog.products.models import Product, ProductImage, Variant
from common.events.testing import published

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMN_NAMES) + "\n"

GOOD = HEADER + (
    "BLP-BAT-001,batom-matte-rose,Batom Matte Rosé,bella-pele,batons,maquiagem,Novo texto,true,"
    "Rosé 02,#C8787E,,42.90,,,12,30,4\n"
    "BLP-BAT-009,batom-matte-rose,Batom Matte Rosé,bella-pele,batons,maquiagem,Novo texto,true,"
    "Vinho 09,#6E2A4A,,42.90,49.90,7891234567895,12,7,\n"
    "NEW-SER-001,serum-novo,Sérum Novo Vitamina C,urban-glow,hidratantes-faciais,skincare,Antioxidante.,true,"
    "30 ml,,30 ml,99.00,,,50,12,3\n"
)

BAD = HEADER + (
    "BLP-BAT-001,batom-matte-rose,Batom Matte Rosé,bella-pele,batons,maquiagem,,true,Rosé 02,,,1.00,,,,999,\n"
    "X-1,novo,Novo,no-brand,batons,maquiagem,,true,Um,,,abc,,,,,\n"
    "X-2,novo-2,Novo 2,bella-pele,batons,maquiagem,,talvez,Dois,red,,10.00,5.00,7891234567890,-1,,\n"
    "URG-MSC-001,outro-produto,Outro,urban-glow,batons,maquiagem,,true,Preto,,,10.00,,,,,\n"
    "X-1,novo,Novo,bella-pele,batons,maquiagem,,true,Um de novo,,,10.00,,,,,\n"
)


def snapshot():
    return (
        sorted(Variant.objects.values_list("sku", "name", "price")),
        sorted(Product.objects.values_list("slug", "name", "description", "is_published")),
        sorted(Stock.objects.values_list("variant__sku", "on_hand", "low_stock_threshold")),
        len(published()),
    )


def test_dry_run_of_a_file_with_bad_rows_reports_each_and_writes_nothing(catalog_data):
    before = snapshot()
    report = catalog_import(text=BAD, dry_run=True)
    assert snapshot() == before
    assert report.written is False
    errors = {(e["row"], e["sku"]): e["errors"] for e in report.errors}
    assert errors == {
        (3, "X-1"): ["brand desconhecido: 'no-brand'", "price 'abc' não é um número"],
        (4, "X-2"): [
            "compare_at_price deve ser maior que price",
            "ean13 '7891234567890' não é um código de barras EAN-13 válido",
            "shade_hex 'red' deve ter a forma #C8787E",
            "published 'talvez' deve ser true ou false",
            "weight_grams '-1' deve ser um número inteiro, zero ou mais",
        ],
        (5, "URG-MSC-001"): ["o SKU URG-MSC-001 pertence ao produto rimel-volume-extremo"],
        (6, "X-1"): [
            "o SKU X-1 aparece duas vezes no arquivo",
            "o produto novo tem outro nome ou marca numa linha anterior",
        ],
    }


def test_bad_rows_block_the_real_import_too(catalog_data):
    before = snapshot()
    report = catalog_import(text=BAD, dry_run=False)
    assert report.written is False
    assert len(report.errors) == 4
    assert snapshot() == before


def test_missing_columns_are_one_error_for_the_file(catalog_data):
    report = catalog_import(text="sku,price\nA,1.00\n", dry_run=True)
    assert report.errors == [
        {
            "row": 1,
            "sku": "",
            "errors": [
                f"falta a coluna {c}"
                for c in ["product_slug", "product_name", "brand", "category", "product_type", "variant_name"]
            ],
        }
    ]


def test_dry_run_of_a_good_file_says_what_would_change_and_writes_nothing(catalog_data):
    before = snapshot()
    report = catalog_import(text=GOOD, dry_run=True)
    assert (report.errors, report.created, report.updated, report.written) == ([], 2, 1, False)
    assert snapshot() == before


def test_good_file_creates_and_updates_by_sku(catalog_data):
    report = catalog_import(text=GOOD, dry_run=False)
    assert (report.errors, report.created, report.updated, report.written) == ([], 2, 1, True)
    updated = Variant.objects.select_related("stock", "product").get(sku="BLP-BAT-001")
    assert (str(updated.price), updated.shade_hex, updated.stock.on_hand, updated.stock.low_stock_threshold) == (
        "42.90",
        "#C8787E",
        30,
        4,
    )
    assert updated.product.description == "Novo texto"
    new_shade = Variant.objects.select_related("stock").get(sku="BLP-BAT-009")
    assert (new_shade.product_id, str(new_shade.compare_at_price), new_shade.ean13) == (
        catalog_data["batom"].pk,
        "49.90",
        "7891234567895",
    )
    serum = Product.objects.get(slug="serum-novo")
    assert (serum.name, serum.is_published, str(serum.price_from)) == ("Sérum Novo Vitamina C", True, "99.00")
    assert Stock.objects.get(variant__sku="NEW-SER-001").on_hand == 12
    assert Variant.objects.count() == 9
    assert [e.payload["slug"] for e in published("catalog.product_published")] == ["serum-novo"]
    [batom_update] = published("catalog.product_updated")
    assert [(v["sku"], v["price"]) for v in batom_update.payload["variants"]] == [
        ("BLP-BAT-001", "42.90"),
        ("BLP-BAT-002", "44.90"),
        ("BLP-BAT-009", "42.90"),
    ]
    assert catalog_import(text=GOOD, dry_run=False).updated == 3
    assert Variant.objects.count() == 9


def import_ledger():
    rows = StockMovement.objects.filter(reason="import").order_by("id")
    return list(rows.values_list("sku", "delta", "on_hand_after", "reference"))


def test_every_unit_change_of_an_import_is_a_ledger_movement(catalog_data, admin_user):
    catalog_import_submit(file_name="lancamentos.csv", text=GOOD, dry_run=False, user=admin_user)
    assert import_ledger() == [
        ("BLP-BAT-001", 20, 30, "CSV lancamentos.csv"),
        ("BLP-BAT-009", 7, 7, "CSV lancamentos.csv"),
        ("NEW-SER-001", 12, 12, "CSV lancamentos.csv"),
    ]
    assert set(StockMovement.objects.values_list("created_by", flat=True)) == {admin_user.pk}
    catalog_import(text=GOOD, dry_run=False)  # the same levels again: nothing moves
    assert len(import_ledger()) == 3


def test_imported_products_are_found_by_search(client, catalog_data):
    catalog_import(text=GOOD, dry_run=False)
    assert [i["slug"] for i in client.get("/api/catalog/products", {"q": "serum"}).json()["items"]] == ["serum-novo"]


def test_large_files_become_a_background_job_run_by_the_worker(catalog_data, settings):
    settings.CATALOG_IMPORT_SYNC_MAX_ROWS = 2
    report = catalog_import_submit(file_name="big.csv", text=GOOD, dry_run=False)
    assert report.job is not None and report.job.status == "pending"
    assert not Variant.objects.filter(sku="NEW-SER-001").exists()
    call_command("run_import_jobs", stdout=StringIO())
    job = ImportJob.objects.get()
    assert (job.status, job.created_count, job.updated_count, job.errors) == ("done", 2, 1, [])
    assert Variant.objects.filter(sku="NEW-SER-001").exists()
    assert {reference for *_, reference in import_ledger()} == {f"importação #{job.pk} (big.csv)"}


def test_a_bad_background_job_fails_with_its_row_errors(catalog_data, settings):
    settings.CATALOG_IMPORT_SYNC_MAX_ROWS = 1
    before = snapshot()
    catalog_import_submit(file_name="bad.csv", text=BAD, dry_run=False)
    call_command("run_import_jobs", stdout=StringIO())
    job = ImportJob.objects.get()
    assert job.status == "failed" and len(job.errors) == 4
    assert snapshot()[:3] == before[:3]


def test_export_round_trips_through_import(catalog_data):
    text = "".join(catalog_csv_rows())
    lines = text.splitlines()
    assert lines[0] == ",".join(EXPORT_HEADER) and EXPORT_HEADER[-1] == "stock_version"
    version = StockMovement.objects.filter(sku="BLP-BAT-001").order_by("-id").values_list("id", flat=True).first() or 0
    assert lines[1] == (
        "BLP-BAT-001,batom-matte-rose,Batom Matte Rosé,bella-pele,batons,maquiagem,Long-lasting matte lipstick.,"
        "true,Rosé 02,,,39.90,,,0,10,2,"
        "https://img.test/batom-matte-rose/0.jpg|https://img.test/batom-matte-rose/1.jpg,finish=matte,,,,,,,"
        f"{version}"
    )
    assert len(lines) == 8
    before = snapshot()
    report = catalog_import(text=text, dry_run=False)
    assert (report.errors, report.created, report.updated) == ([], 0, 7)
    assert snapshot()[:3] == before[:3]


def test_a_row_naming_a_lot_receives_its_units_into_that_lot(catalog_data):
    header = ",".join([*COLUMN_NAMES, "lot_code", "lot_expires_on", "lot_manufactured_on"]) + "\n"
    row = (
        "BLP-BAT-001,batom-matte-rose,Batom Matte Rosé,bella-pele,batons,maquiagem,Novo texto,true,"
        "Rosé 02,#C8787E,,42.90,,,12,{on_hand},4,{lot},{expires},{made}\n"
    )
    bad = catalog_import(text=header + row.format(on_hand=16, lot="l9", expires="", made=""), dry_run=True)
    assert [error["errors"] for error in bad.errors] == [["lot_code L9 é um lote novo: lot_expires_on é obrigatório"]]
    assert (
        catalog_import(
            text=header + row.format(on_hand=16, lot="l9", expires="2027-03-31", made="2025-03-31"), dry_run=False
        ).errors
        == []
    )
    lot = StockLot.objects.get(code="L9")
    assert (lot.on_hand, str(lot.expires_on), str(lot.manufactured_on)) == (6, "2027-03-31", "2025-03-31")
    assert Stock.objects.get(variant__sku="BLP-BAT-001").on_hand == 16
    [movement] = StockMovement.objects.filter(reason="import")
    assert (movement.lot, movement.delta, movement.on_hand_after) == (lot, 6, 16)
    catalog_import(text=header + row.format(on_hand=14, lot="L9", expires="", made=""), dry_run=False)
    lot.refresh_from_db()
    assert lot.on_hand == 4  # a count of the lot: two units fewer


def test_a_row_can_name_image_urls_and_uploaded_files_added_once(catalog_data, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (10, 20, 30)).save(buffer, format="PNG")
    default_storage.save("products/import/serum.png", ContentFile(buffer.getvalue()))
    header = ",".join([*COLUMN_NAMES, "images"]) + "\n"
    row = (
        "NEW-SER-001,serum-novo,Sérum Novo Vitamina C,urban-glow,hidratantes-faciais,skincare,Antioxidante.,true,"
        "30 ml,,30 ml,99.00,,,50,12,3,{images}\n"
    )
    bad = catalog_import(text=header + row.format(images="falta.png | ../x.png"), dry_run=True)
    assert bad.errors[0]["errors"] == [
        "o arquivo de imagem 'falta.png' não foi enviado para products/import/",
        "a imagem '../x.png' deve ser uma URL ou um nome de arquivo (sem pastas)",
    ]
    good = row.format(images="https://cdn.test/serum.jpg | serum.png")
    assert catalog_import(text=header + good, dry_run=False).errors == []
    catalog_import(text=header + good, dry_run=False)  # again: nothing added twice
    images = list(ProductImage.objects.filter(product__slug="serum-novo").order_by("position"))
    external, stored = images
    assert (external.url, external.width, external.position) == ("https://cdn.test/serum.jpg", None, 0)
    assert (stored.file.name, stored.width, stored.height, stored.position) == (
        "products/import/serum.png",
        640,
        480,
        1,
    )
    assert stored.thumbnail_url.endswith("serum-thumb.jpg")


def test_the_box_columns_set_the_variants_box_and_a_file_without_them_keeps_it(catalog_data):
    from decimal import Decimal

    header = ",".join([*COLUMN_NAMES, "length_cm", "width_cm", "height_cm"]) + "\n"
    row = (
        "BLP-BAT-001,batom-matte-rose,Batom Matte Rosé,bella-pele,batons,maquiagem,Novo texto,true,"
        "Rosé 02,#C8787E,,42.90,,,12,30,4,{length},{width},{height}\n"
    )
    bad = catalog_import(text=header + row.format(length="8.55", width="-1", height="2"), dry_run=True)
    assert [error["errors"] for error in bad.errors] == [
        [
            "length_cm '8.55' deve estar em centímetros, de 0 a 9999,9, com no máximo uma casa decimal",
            "width_cm '-1' deve estar em centímetros, de 0 a 9999,9, com no máximo uma casa decimal",
        ]
    ]
    report = catalog_import(text=header + row.format(length="8.5", width="2", height=""), dry_run=False)
    assert report.errors == []
    box = ("length_cm", "width_cm", "height_cm")
    assert Variant.objects.values_list(*box).get(sku="BLP-BAT-001") == (Decimal("8.5"), Decimal("2.0"), Decimal("0.0"))
    plain = HEADER + (
        "BLP-BAT-001,batom-matte-rose,Batom Matte Rosé,bella-pele,batons,maquiagem,Novo texto,true,"
        "Rosé 02,#C8787E,,42.90,,,12,30,4\n"
    )
    assert catalog_import(text=plain, dry_run=False).errors == []
    assert Variant.objects.values_list(*box).get(sku="BLP-BAT-001") == (Decimal("8.5"), Decimal("2.0"), Decimal("0.0"))


def test_a_bad_rows_reasons_are_in_english_for_a_merchandiser_who_reads_english(catalog_data):
    """The reasons go through the catalogue: pt-BR by default (above), English when the admin is in English."""
    from django.utils import translation

    with translation.override("en"):
        report = catalog_import(text="sku,price\nA,1.00\n", dry_run=True)
    assert report.errors[0]["errors"][0] == "missing column product_slug"
