"""Excel-ready catalog CSV: a file Excel in Portuguese saved (``;``, decimal comma, BOM or Windows-1252)
imports as it is and the dry run says how it was read; the export is Excel-ready and goes back in
unchanged; the template names and explains every column."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from catalog.imports.column_help import COLUMN_HELP, TEMPLATE_COLUMNS
from catalog.imports.csv_format import HEADER
from catalog.imports.services import catalog_import
from catalog.imports.spreadsheet import csv_bytes_decode, csv_delimiter_detect
from catalog.inventory.lots import lot_for_receipt
from catalog.inventory.models import Stock
from catalog.products.models import ProductAttributeValue, Variant
from tests.test_csv_import import snapshot

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/products/product/"
EXCEL_HEADER = ";".join(HEADER) + "\r\n"
EXCEL_ROWS = (
    "BLP-BAT-001;batom-matte-rose;Batom Matte Rosé;bella-pele;batons;maquiagem;Novo texto;sim;"
    "Rosé 02;#C8787E;;42,90;;;12;;4\r\n"
    "NEW-SER-001;serum-novo;Sérum Novo Vitamina C;urban-glow;hidratantes-faciais;skincare;Antioxidante.;sim;"
    '30 ml;;30 ml;"1.234,50";"1.299,00";;50;;3\r\n'
)


def test_an_excel_semicolon_file_with_decimal_commas_imports_and_the_dry_run_says_how_it_was_read(catalog_data):
    text = "\ufeff" + EXCEL_HEADER + EXCEL_ROWS
    with translation.override("en"):
        dry = catalog_import(text=text, dry_run=True, encoding="utf-8-sig")
    assert dry.errors == []
    assert (dry.created, dry.updated) == (1, 1)
    assert dry.format_note == ("Separator: semicolon (;); numbers: decimal comma (39,90); encoding: UTF-8 with BOM.")
    report = catalog_import(text=text, dry_run=False)
    assert report.errors == [] and report.written
    prices = dict(Variant.objects.filter(sku__in=["BLP-BAT-001", "NEW-SER-001"]).values_list("sku", "price"))
    assert {sku: str(price) for sku, price in prices.items()} == {"BLP-BAT-001": "42.90", "NEW-SER-001": "1234.50"}
    assert str(Variant.objects.get(sku="NEW-SER-001").compare_at_price) == "1299.00"


def test_the_separator_is_the_one_whose_header_names_the_known_columns():
    assert csv_delimiter_detect(EXCEL_HEADER) == ";"
    assert csv_delimiter_detect(",".join(HEADER)) == ","
    assert csv_delimiter_detect("\t".join(HEADER)) == "\t"
    assert csv_delimiter_detect("nothing;known,here") == ","


def test_a_windows_1252_file_from_excel_is_read_with_its_accents(admin_client, catalog_data):
    data = (EXCEL_HEADER + EXCEL_ROWS).encode("cp1252")
    assert csv_bytes_decode(data) == ((EXCEL_HEADER + EXCEL_ROWS), "cp1252")
    upload = SimpleUploadedFile("excel.csv", data)
    with translation.override("en"):
        response = admin_client.post(
            f"{CHANGELIST}import/", {"file": upload, "dry_run": "on"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Separator: semicolon (;); numbers: decimal comma (39,90); encoding: Windows-1252." in page
    assert "Dry run: 2 rows are good" in page
    assert Variant.objects.filter(sku="NEW-SER-001").exists() is False


def test_a_decimal_point_price_in_a_decimal_comma_file_keeps_its_point(catalog_data):
    rows = EXCEL_ROWS.replace(";42,90;", ";42.90;")
    report = catalog_import(text=EXCEL_HEADER + rows, dry_run=False)
    assert report.errors == []
    assert str(Variant.objects.get(sku="BLP-BAT-001").price) == "42.90"


def test_the_admin_export_goes_back_in_unchanged_with_its_lots_listed(admin_client, catalog_data):
    stock = Stock.objects.get(variant__sku="BLP-BAT-001")
    lot_for_receipt(stock=stock, code="L2026A", expires_on=date(2028, 6, 30), manufactured_on=None)
    response = admin_client.get(f"{CHANGELIST}export/")
    body = b"".join(response.streaming_content)
    text, encoding = csv_bytes_decode(body)
    assert encoding == "utf-8-sig"
    header, first = text.splitlines()[:2]
    assert header.split(";")[-9:] == [
        "images",
        "attributes",
        "ingredients",
        "allergens",
        "anvisa_number",
        "anvisa_risk_grade",
        "pao_months",
        "lots",
        "stock_version",
    ]
    rest, stock_version = first.rsplit(";", 1)
    assert rest.endswith(";finish=matte;;;;;;L2026A validade 2028-06-30: 0") and stock_version.isdigit()
    before = snapshot()
    report = catalog_import(text=text, dry_run=False, encoding=encoding)
    assert (report.errors, report.created, report.updated) == ([], 0, 7)
    assert snapshot()[:3] == before[:3]


def test_the_point_export_is_still_excel_ready(admin_client, catalog_data):
    body = b"".join(admin_client.get(f"{CHANGELIST}export/?decimal=point").streaming_content)
    assert ";39.90;" in body.decode("utf-8-sig").splitlines()[1]


def test_the_template_explains_every_column_and_downloads_as_an_excel_file(admin_client):
    assert set(TEMPLATE_COLUMNS) == set(COLUMN_HELP)
    page = admin_client.get(f"{CHANGELIST}import/template/")
    assert page.status_code == 200
    html = page.content.decode()
    for name in TEMPLATE_COLUMNS:
        assert f"<code>{name}</code>" in html
    download = admin_client.get(f"{CHANGELIST}import/template/?download=1")
    body = b"".join(download.streaming_content)
    assert download["Content-Disposition"] == 'attachment; filename="modelo-catalogo.csv"'
    text, encoding = csv_bytes_decode(body)
    assert encoding == "utf-8-sig"
    header, example = text.splitlines()
    assert header.split(";") == TEMPLATE_COLUMNS
    assert ";39,90;" in example


ATTRIBUTE_HEADER = ";".join([*HEADER, "attributes"]) + "\r\n"
BATOM = (
    "BLP-BAT-001;batom-matte-rose;Batom Matte Rosé;bella-pele;batons;maquiagem;Novo texto;sim;"
    "Rosé 02;#C8787E;;42,90;;;12;;4;{attributes}\r\n"
)


def _attributes(slug: str) -> list[tuple[str, str]]:
    return list(
        ProductAttributeValue.objects.filter(product__slug=slug)
        .order_by("attribute__code")
        .values_list("attribute__code", "value")
    )


def test_a_filled_attributes_cell_sets_exactly_those_attributes(catalog_data):
    assert _attributes("batom-matte-rose") == [("finish", "matte")]
    report = catalog_import(text=ATTRIBUTE_HEADER + BATOM.format(attributes="finish = cremoso"), dry_run=False)
    assert report.errors == [] and report.written
    assert _attributes("batom-matte-rose") == [("finish", "cremoso")]
    catalog_import(text=ATTRIBUTE_HEADER + BATOM.format(attributes=""), dry_run=False)  # empty: left as is
    assert _attributes("batom-matte-rose") == [("finish", "cremoso")]


def test_an_attribute_of_another_product_type_is_refused_and_nothing_is_written(catalog_data):
    before = snapshot()
    report = catalog_import(
        text=ATTRIBUTE_HEADER + BATOM.format(attributes="finish=cremoso | skin_type=oleosa | cor"), dry_run=False
    )
    assert report.errors == [
        {
            "row": 2,
            "sku": "BLP-BAT-001",
            "errors": [
                "'skin_type' não é um atributo do tipo de produto 'maquiagem'",
                "o atributo 'cor' deve ter a forma codigo=valor",
            ],
        }
    ]
    assert _attributes("batom-matte-rose") == [("finish", "matte")]
    assert snapshot() == before
