"""Steps of the merchandiser journeys: the catalog admin (forms, actions, CSV import) and the shop API."""

from __future__ import annotations

import csv
import io
import random
import string
from datetime import date, timedelta

from behave import given, then, when
from e2e.shop import Admin, admin_errors, expect, inline_rows, poll
from e2e.stack import MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD

PRODUCTS = "products/product"


def _word() -> str:
    """A made-up word no seeded product has, so a search for it finds only what this scenario made."""
    return "".join(random.choices(string.ascii_lowercase, k=9))


@given("que a merchandiser entra no admin do catálogo")
def entra_no_admin_do_catalogo(context):
    context.admin = Admin(context.stack.urls["catalog"], MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD)


# ---------------------------------------------------------------------- a product made in the admin


@when('ela cria no admin um produto novo com o tom "{tom}" a "{preco}" e {unidades:d} unidades')
def cria_produto(context, tom, preco, unidades):
    cria_produto_com_lote(context, tom, preco, unidades, 400)


@when(
    'ela cria no admin um produto novo com o tom "{tom}" a "{preco}" e {unidades:d} unidades '
    "de um lote novo válido por {dias:d} dias"
)
def cria_produto_com_lote(context, tom, preco, unidades, dias):
    admin = context.admin
    context.word = _word()
    context.lot = f"R{context.word.upper()}"
    name = f"Batom Líquido {context.word.capitalize()}"
    slug = f"batom-liquido-{context.word}"
    first = {
        field: admin.autocomplete("products", "product", field)[0]["id"]
        for field in ("brand", "category", "product_type")
    }
    page, form = admin.add_page(PRODUCTS)
    context.sku = f"E2E-{context.word.upper()}-RUBI"
    data = {
        **form.fields,
        **first,
        "name": name,
        "slug": slug,
        "description": "Lançamento cadastrado pelo teste de ponta a ponta.",
        **inline_rows(
            form,
            "variants",
            [
                {
                    "sku": context.sku,
                    "name": tom,
                    "price": preco,
                    "stock_reason": "received",  # units arrive as a movement (Recebimento) of a named lot
                    "stock_quantity": str(unidades),
                    "stock_lot_code": context.lot,
                    "stock_lot_expires_on": (date.today() + timedelta(days=dias)).isoformat(),
                }
            ],
        ),
        "_save": "Save",
    }
    data.pop("is_published", None)
    saved = admin.submit(page, form, data)
    assert not admin_errors(saved), admin_errors(saved)
    context.product_slug = slug
    context.product_ids = admin.object_ids(PRODUCTS, slug)
    assert len(context.product_ids) == 1, context.product_ids


@then("a cliente ainda não encontra o produto novo na loja")
def ainda_nao_publicado(context):
    response = context.shop.call("catalog", "GET", f"products/{context.product_slug}")
    assert response.status_code == 404, response.text
    assert context.shop.products(q=context.word)["count"] == 0


@when("ela publica o produto no admin")
def publica(context):
    done = context.admin.run_action(PRODUCTS, "publish", context.product_ids)
    assert "1 produto publicado." in done.text, admin_errors(done) or done.text[:2000]


@then("uma cliente encontra o produto novo na busca da loja")
def encontra_na_busca(context):
    found = poll(
        f"a search for {context.word!r} to find {context.product_slug}",
        lambda: [i for i in context.shop.products(q=context.word)["items"] if i["slug"] == context.product_slug],
        timeout=20,
    )
    assert found[0]["price_from"] == "59.90", found


@then('a página do produto mostra o tom "{tom}" a "{preco}" com {unidades:d} unidades disponíveis')
def pagina_do_produto(context, tom, preco, unidades):
    detail = context.shop.product(context.product_slug)
    shades = [(v["name"], v["price"], v["currency"], v["available"]) for v in detail["variants"]]
    assert shades == [(tom, preco, "BRL", unidades)], shades


# ---------------------------------------------------------------------- CSV import


@when('ela importa no admin um CSV de três produtos com o preço "{preco}" na linha {linha:d}')
def importa_csv(context, preco, linha):
    admin = context.admin
    export = expect(admin.get(f"{admin.base}/admin/{PRODUCTS}/export/"), 200).text
    model = next(csv.DictReader(io.StringIO(export.lstrip("\ufeff")), delimiter=";"))  # Excel-ready: ; and BOM
    word = _word()
    context.import_rows = []
    for number in (1, 2, 3):
        context.import_rows.append(
            {
                **{column: "" for column in model},
                "sku": f"E2E-IMP-{word.upper()}-{number}",
                "product_slug": f"importado-{word}-{number}",
                "product_name": f"Sérum Importado {word.capitalize()} {number}",
                "brand": model["brand"],
                "category": model["category"],
                "product_type": model["product_type"],
                "published": "true",
                "variant_name": "30 ml",
                "price": "49.90",
                "on_hand": "7",
            }
        )
    context.import_rows[linha - 2]["price"] = preco  # line 1 is the header
    context.import_page = _upload(admin, context.import_rows)


def _upload(admin: Admin, rows: list[dict]):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    page = expect(admin.get(f"{admin.base}/admin/{PRODUCTS}/import/"), 200)
    form_data = {"csrfmiddlewaretoken": admin.csrf_token()}
    files = {"file": ("lancamentos.csv", out.getvalue().encode("utf-8"), "text/csv")}
    admin.last_url = str(page.url)
    return expect(admin.post(f"{admin.base}/admin/{PRODUCTS}/import/", data=form_data, files=files), 200)


@then("o admin mostra o erro de preço da linha {linha:d} e diz que nada foi gravado")
def erro_da_linha(context, linha):
    text = context.import_page.text
    assert "1 linha com problema: nada foi gravado" in text, text[:3000]
    row = f"<tr><td>{linha}</td><td>{context.import_rows[linha - 2]['sku']}</td><td>"
    assert row in text and "price" in text.split(row, 1)[1].split("</tr>", 1)[0], text[:3000]


@then("nenhum dos três produtos da planilha aparece na loja")
def nada_gravado(context):
    for row in context.import_rows:
        response = context.shop.call("catalog", "GET", f"products/{row['product_slug']}")
        assert response.status_code == 404, (row["product_slug"], response.status_code)


@when('ela corrige o preço da linha {linha:d} para "{preco}" e importa de novo')
def corrige_e_importa(context, linha, preco):
    context.import_rows[linha - 2]["price"] = preco
    context.import_page = _upload(context.admin, context.import_rows)
    assert "Importado: 3 criados, 0 atualizados." in context.import_page.text, admin_errors(context.import_page)


@then("os três produtos da planilha aparecem na loja")
def tres_na_loja(context):
    for row in context.import_rows:
        detail = context.shop.product(row["product_slug"])
        variants = [(v["sku"], v["price"], v["available"]) for v in detail["variants"]]
        assert variants == [(row["sku"], row["price"], 7)], variants
