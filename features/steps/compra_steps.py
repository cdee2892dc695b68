"""Steps of the shopping journeys: search, carts, checkout, the sandbox payment page, cancel."""

from __future__ import annotations

import uuid

from behave import given, then, when
from e2e.shop import APPROVE_CARD, DECLINE_CARD, expect, poll
from pessoas import pessoa


def _typo(word: str) -> str:
    """The word with two neighbouring letters in its middle swapped (``hidratante`` -> ``hidartante``)."""
    middle = len(word) // 2
    return word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]


# ---------------------------------------------------------------------- search and filters


@when('"{nome}" busca um produto de dois tons digitando o nome com um erro')
def busca_com_erro(context, nome):
    shopper = pessoa(context, nome)
    product = context.shop.product_with_stock(2, variants=2)
    word = max(product["name"].split(), key=len)
    assert len(word) >= 5, f"no word long enough to mistype in {product['name']!r}"
    context.product, context.typed = product, _typo(word)
    context.results = context.shop.products(shopper, q=context.typed, page_size=50)


@then("a busca mostra esse produto mesmo assim")
def busca_acha(context):
    slugs = [item["slug"] for item in context.results["items"]]
    assert context.product["slug"] in slugs, f"q={context.typed!r} did not find {context.product['slug']}: {slugs}"


@when('"{nome}" filtra os produtos pela marca desse produto')
def filtra_marca(context, nome):
    brand = context.product["brand"]["slug"]
    context.results = context.shop.products(pessoa(context, nome), brand=brand, page_size=100)


@then("só aparecem produtos dessa marca, entre eles o procurado")
def so_a_marca(context):
    brand = context.product["brand"]["slug"]
    items = context.results["items"]
    assert {item["brand"]["slug"] for item in items} == {brand}, [item["brand"] for item in items]
    assert context.product["slug"] in [item["slug"] for item in items]
    assert context.results["count"] < context.shop.products(page_size=1)["count"], "the brand filter filtered nothing"


# ---------------------------------------------------------------------- carts


@when('"{nome}" sai da conta e põe os dois tons no carrinho de visitante')
def carrinho_de_visitante(context, nome):
    shopper = pessoa(context, nome)
    expect(context.shop.call("accounts", "POST", "logout", json={"refresh": shopper.refresh}), 204)
    shopper.access = shopper.refresh = None
    context.shop.new_cart(shopper)
    context.shades = [variant["sku"] for variant in context.product["variants"][:2]]
    for sku in context.shades:
        expect(context.shop.add_line(shopper, sku, 1), 201)
    guest_cart = context.shop.cart(shopper)
    assert sorted(line["sku"] for line in guest_cart["lines"]) == sorted(context.shades), guest_cart


@then('o carrinho da conta de "{nome}" tem os dois tons')
def carrinhos_juntos(context, nome):
    shopper = pessoa(context, nome)
    merged = context.shop.cart(shopper)  # token and guest cart token together: the guest cart is merged
    shopper.cart_token = None
    account_cart = context.shop.cart(shopper)  # the token alone now finds the merged cart
    for cart in (merged, account_cart):
        assert sorted((line["sku"], line["quantity"]) for line in cart["lines"]) == sorted(
            (sku, 1) for sku in context.shades
        ), cart


@given('que a visitante "{nome}" tem no carrinho um produto em estoque')
def visitante_com_produto(context, nome):
    shopper = pessoa(context, nome)
    product = context.shop.product_with_stock(2)
    context.shop.new_cart(shopper)
    expect(context.shop.add_line(shopper, product["variants"][0]["sku"], 1), 201)


@given("um produto com poucas unidades em estoque")
def produto_com_pouco_estoque(context):
    context.scarce = _scarce_variant(context.shop)
    context.scarce_units = context.shop.stock(context.scarce)[context.scarce]


@given('a visitante "{nome}" tem todas as unidades desse produto no carrinho')
@given('a visitante "{nome}" também tem todas as unidades desse produto no carrinho')
def visitante_com_todo_estoque(context, nome):
    shopper = pessoa(context, nome)
    context.shop.new_cart(shopper)
    expect(context.shop.add_line(shopper, context.scarce, context.scarce_units), 201)


def _scarce_variant(shop, enough: int = 3) -> str:
    """An in-stock SKU with at most ``enough`` units available (the seed keeps a few nearly sold out)."""
    best: tuple[int, str] | None = None
    for page in (1, 2, 3):
        for item in shop.products(in_stock="true", page_size=100, page=page)["items"]:
            for variant in shop.product(item["slug"])["variants"]:
                if variant["available"] > 0 and (best is None or variant["available"] < best[0]):
                    best = (variant["available"], variant["sku"])
            if best is not None and best[0] <= enough:
                return best[1]
    assert best is not None, "no SKU in stock"
    return best[1]


# ---------------------------------------------------------------------- checkout and payment


@when('"{nome}" finaliza a compra')
def finaliza(context, nome):
    shopper = pessoa(context, nome)
    key = str(uuid.uuid4())
    order = expect(context.shop.checkout(shopper, key=key), 201).json()
    assert order["status"] in ("pending", "awaiting_payment"), order
    assert order["payment"]["checkout_url"], order
    again = expect(context.shop.checkout(shopper, key=key), 200, 201).json()
    assert again["number"] == order["number"], (order, again)
    shopper.last_order = order


@then('o pedido de "{nome}" fica aguardando pagamento')
@then('o pedido de "{nome}" continua aguardando pagamento')
def aguardando_pagamento(context, nome):
    shopper = pessoa(context, nome)
    order = context.shop.wait_for_status(shopper, shopper.last_order["number"], "awaiting_payment")
    shopper.last_order = {**shopper.last_order, **order}


@when('"{nome}" paga na página do provedor com o cartão aprovado')
@when('"{nome}" tenta de novo com o cartão aprovado')
def paga_aprovado(context, nome):
    shopper = pessoa(context, nome)
    context.payment_page = expect(context.shop.pay(_checkout_url(shopper), APPROVE_CARD), 200)


@when('"{nome}" paga na página do provedor com o cartão recusado')
def paga_recusado(context, nome):
    shopper = pessoa(context, nome)
    context.payment_page = context.shop.pay(_checkout_url(shopper), DECLINE_CARD)


@then('o pedido de "{nome}" continua aguardando pagamento, com o pagamento em aberto')
def pagamento_em_aberto(context, nome):
    shopper = pessoa(context, nome)
    order = context.shop.order(shopper, shopper.last_order["number"])
    assert (order["status"], order["payment"]["status"]) == ("awaiting_payment", "open"), order


@then("a página do provedor diz que o pagamento foi recusado")
def pagina_recusado(context):
    page = context.payment_page
    text = page.text.lower()
    assert page.status_code in (200, 402, 422), f"{page.status_code}: {page.text[:500]}"
    assert any(word in text for word in ("recusad", "declined", "negad")), page.text[:1500]


def _checkout_url(shopper) -> str:
    return (shopper.last_order.get("payment") or {}).get("checkout_url")


@then('o pedido de "{nome}" fica pago')
def fica_pago(context, nome):
    shopper = pessoa(context, nome)
    shopper.last_order = context.shop.wait_for_status(shopper, shopper.last_order["number"], "paid")


@then('o pedido de "{nome}" termina rejeitado')
def rejeitado(context, nome):
    shopper = pessoa(context, nome)
    shopper.last_order = context.shop.wait_for_status(shopper, shopper.last_order["number"], "rejected")


@then('o estoque reservado continua sendo só o de "{nome}"')
def estoque_de_duda(context, nome):
    poll(
        f"{context.scarce} to have 0 available",
        lambda: context.shop.stock(context.scarce)[context.scarce] == 0,
        timeout=20,
    )
    shopper = pessoa(context, nome)
    assert context.shop.order(shopper, shopper.last_order["number"])["status"] == "awaiting_payment"


@then('"{nome}" recebe o e-mail de confirmação do pedido')
def email_confirmacao(context, nome):
    shopper = pessoa(context, nome)
    number = shopper.last_order["number"]
    mail = context.mailbox.wait_for(to=shopper.email, contains=number, timeout=60)
    assert number in mail.subject + mail.body
    if number in shopper.order_tokens:  # a guest's link opens the order with its access token
        assert f"token={shopper.order_tokens[number]}" in mail.body, mail.body


@then('o pedido aparece como pago na lista de pedidos de "{nome}"')
def lista_de_pedidos(context, nome):
    shopper = pessoa(context, nome)
    listing = expect(context.shop.call("orders", "GET", "orders", shopper=shopper), 200).json()
    orders = {o["number"]: o["status"] for o in listing["items"]}
    assert orders.get(shopper.last_order["number"]) == "paid", orders


# ---------------------------------------------------------------------- paid orders and cancelling


@given('que a cliente "{nome}" comprou e pagou {quantidade:d} unidades de um produto')
@given('que a cliente "{nome}" comprou e pagou {quantidade:d} unidade de um produto')
def comprou_e_pagou(context, nome, quantidade):
    shopper = pessoa(context, nome)
    context.shop.register(shopper)
    context.shop.sign_in(shopper)
    product = context.shop.product_with_stock(quantidade + 1)
    sku = product["variants"][0]["sku"]
    context.bought = (sku, context.shop.stock(sku)[sku])
    expect(context.shop.add_line(shopper, sku, quantidade), 201)
    finaliza(context, nome)
    aguardando_pagamento(context, nome)
    paga_aprovado(context, nome)
    fica_pago(context, nome)
    poll(f"{sku} to drop by {quantidade}", lambda: context.shop.stock(sku)[sku] == context.bought[1] - quantidade)


@when('"{nome}" cancela o pedido')
def cancela(context, nome):
    shopper = pessoa(context, nome)
    cancelled = expect(context.shop.cancel(shopper, shopper.last_order["number"]), 200).json()
    assert cancelled["number"] == shopper.last_order["number"], cancelled


@then('o pedido de "{nome}" termina reembolsado')
def reembolsado(context, nome):
    shopper = pessoa(context, nome)
    shopper.last_order = context.shop.wait_for_status(shopper, shopper.last_order["number"], "refunded")


@then("o estoque desse produto volta ao que era antes da compra")
def estoque_volta(context):
    sku, before = context.bought
    poll(f"{sku} back to {before} available", lambda: context.shop.stock(sku)[sku] == before, timeout=30)
