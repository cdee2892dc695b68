"""Steps of the recall journey: a lot received in the catalog admin, sold, blocked and its customers told."""

from __future__ import annotations

from behave import then, when
from e2e.shop import admin_errors, expect, pick_form, poll
from pessoas import pessoa

LOTS = "inventory/stocklot"


@when('a visitante "{nome}" põe {quantidade:d} unidade do produto novo no carrinho')
def poe_no_carrinho(context, nome, quantidade):
    shopper = pessoa(context, nome)
    poll("the new product on sale", lambda: context.shop.stock(context.sku).get(context.sku, 0) >= quantidade)
    context.shop.new_cart(shopper)
    expect(context.shop.add_line(shopper, context.sku, quantidade), 201)


def _lot_page(context):
    [lot_id] = context.admin.object_ids(LOTS, context.lot)
    context.lot_url = f"{context.admin.base}/admin/{LOTS}/{lot_id}/change/"
    context.lot_id = lot_id
    return expect(context.admin.get(context.lot_url), 200)


@then('o pedido de "{nome}" aparece no lote do produto novo')
def pedido_no_lote(context, nome):
    number = pessoa(context, nome).last_order["number"]
    poll(f"order {number} listed on lot {context.lot}", lambda: number in _lot_page(context).text)


@when('a merchandiser bloqueia o lote por "{motivo}"')
def bloqueia(context, motivo):
    context.recall_reason = motivo
    page = _lot_page(context)
    form = pick_form(page.text, lambda f: "block_reason" in f.fields)
    saved = context.admin.submit(page, form, {**form.fields, "block_reason": motivo, "_save": "Save"})
    assert not admin_errors(saved), admin_errors(saved)
    assert "bloqueado" in saved.text, saved.text[:2000]


@then("o produto novo fica sem unidades disponíveis na loja")
def sem_unidades(context):
    assert context.shop.stock(context.sku)[context.sku] == 0
    [variant] = context.shop.product(context.product_slug)["variants"]
    assert variant["available"] == 0, variant


@when("ela avisa por e-mail os clientes do lote")
def avisa(context):
    done = context.admin.run_action(LOTS, "notify_customers", [context.lot_id])
    assert "1 cliente será avisado por e-mail." in done.text, admin_errors(done) or done.text[:2000]


@then('"{nome}" recebe o e-mail de recall do lote')
def email_de_recall(context, nome):
    shopper = pessoa(context, nome)
    mail = context.mailbox.wait_for(to=shopper.email, contains=context.lot, timeout=60)
    assert "Recall:" in mail.subject and context.lot in mail.subject, mail.subject
    assert shopper.last_order["number"] in mail.body, mail.body
    assert f"Motivo: {context.recall_reason}" in mail.body, mail.body
