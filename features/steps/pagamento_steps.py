"""Steps of paying the Brazilian way: Pix, boleto and card in installments on the sandbox provider's page."""

from __future__ import annotations

import re
import uuid

from behave import given, then, when
from e2e.shop import ADDRESS, APPROVE_CARD, Browser, expect, poll
from pessoas import pessoa

CPF = "529.982.247-25"
PAYMENTS = {
    "Pix": {"payment_method": "pix", "document": CPF},
    "boleto": {"payment_method": "boleto", "document": CPF},
    "cartão em 3x": {"payment_method": "card", "installments": 3},
}


def _checkout(context, shopper, payment: dict):
    body = {"email": shopper.email, "shipping_address": ADDRESS, **payment}
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    response = context.shop.call("orders", "POST", "checkout", json=body, shopper=shopper, headers=headers)
    if response.status_code == 201 and response.json().get("access_token"):
        shopper.order_tokens[response.json()["number"]] = response.json()["access_token"]
    return response


@given('que a visitante "{nome}" tem no carrinho {quantidade:d} unidades de um produto em estoque')
def visitante_com_unidades(context, nome, quantidade):
    shopper = pessoa(context, nome)
    product = context.shop.product_with_stock(quantidade + 1)
    sku = product["variants"][0]["sku"]
    shopper.memory["bought"] = (sku, quantidade, context.shop.stock(sku)[sku])
    context.shop.new_cart(shopper)
    expect(context.shop.add_line(shopper, sku, quantidade), 201)


@when('"{nome}" finaliza a compra pagando com {forma}')
def finaliza_com(context, nome, forma):
    shopper = pessoa(context, nome)
    order = expect(_checkout(context, shopper, PAYMENTS[forma]), 201).json()
    assert order["payment"]["method"] == PAYMENTS[forma]["payment_method"], order
    if forma == "cartão em 3x":
        assert order["payment"]["installments"]["count"] == 3, order
    shopper.last_order = order


@then('a página do provedor mostra a "{forma}" em português com o valor em reais')
def pagina_em_portugues(context, forma):
    shopper = context.shopper
    order = context.shop.order(shopper, shopper.last_order["number"])
    shopper.last_order = {**shopper.last_order, **order}
    page = expect(Browser(order["payment"]["checkout_url"]).get(order["payment"]["checkout_url"]), 200).text
    reais = "R$ " + order["total"].replace(".", ",")
    assert reais in page, page[:2000]
    assert 'lang="pt-BR"' in page and "Voltar para a loja" in page
    if forma == "Pix":
        copy_paste = order["payment"]["pix"]["copy_paste"]
        assert copy_paste.startswith("000201") and copy_paste in page and "Copiar código Pix" in page
    elif forma == "boleto":
        line = order["payment"]["boleto"]["digitable_line"]
        assert len(re.sub(r"\D", "", line)) == 47 and line in page and "Copiar linha digitável" in page
    else:
        assert "3x de R$" in page and "sem juros" in page, page[:2000]


@when('"{nome}" paga com {forma} na página do provedor')
def paga_com(context, nome, forma):
    shopper = pessoa(context, nome)
    url = shopper.last_order["payment"]["checkout_url"]
    if forma == "cartão em 3x":
        expect(context.shop.pay(url, APPROVE_CARD), 200)
        return
    action = {"Pix": "pix_simulate", "boleto": "boleto_simulate"}[forma]
    browser = Browser(url)
    browser.get(url)
    expect(browser.post(url, data={"action": action}), 200)


@then('o estoque do produto de "{nome}" é baixado')
def estoque_baixado(context, nome):
    shopper = pessoa(context, nome)
    sku, quantity, before = shopper.memory["bought"]
    poll(f"{sku} to drop by {quantity}", lambda: context.shop.stock(sku)[sku] == before - quantity, timeout=30)
    # Committed, not just held: catalog answered order_paid without stock_commit_failed.
    order = context.shop.order(shopper, shopper.last_order["number"])
    assert order["status"] == "paid", order


@then('o e-mail de confirmação de "{nome}" diz "{texto}"')
def email_diz(context, nome, texto):
    shopper = pessoa(context, nome)
    number = shopper.last_order["number"]
    mail = context.mailbox.wait_for(to=shopper.email, contains=number, timeout=60)
    assert texto in mail.body, mail.body


@when('"{nome}" tenta finalizar a compra com Pix sem informar o CPF')
def pix_sem_cpf(context, nome):
    context.refusal = _checkout(context, pessoa(context, nome), {"payment_method": "pix"})


@when('"{nome}" tenta finalizar a compra com Pix e um CPF com dígito errado')
def pix_cpf_errado(context, nome):
    context.refusal = _checkout(context, pessoa(context, nome), {"payment_method": "pix", "document": "529.982.247-24"})


@then('a loja recusa com o código "{code}"')
def recusa(context, code):
    response = context.refusal
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code, response.text
