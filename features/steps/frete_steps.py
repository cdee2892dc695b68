"""Steps of shipping by CEP: POST cart/shipping-quotes, then a checkout with the chosen method."""

from __future__ import annotations

import uuid
from decimal import Decimal

from behave import then, when
from e2e.shop import ADDRESS, expect
from pessoas import pessoa

SALVADOR = {
    **ADDRESS,
    "line1": "Avenida Sete de Setembro",
    "number": "1500",
    "neighborhood": "Centro",
    "city": "Salvador",
    "state": "BA",
    "postal_code": "40060-001",
}


@when('"{nome}" cota o frete para o CEP "{cep}"')
def cota_o_frete(context, nome, cep):
    shopper = pessoa(context, nome)
    response = context.shop.call("orders", "POST", "cart/shipping-quotes", json={"postal_code": cep}, shopper=shopper)
    if response.status_code == 200:
        shopper.memory["quotes"] = response.json()
    else:
        context.refusal = response


@then('a cotação de "{nome}" oferece a entrega padrão e a expressa, com preço em reais e prazo em dias')
def cotacao_oferece(context, nome):
    quotes = pessoa(context, nome).memory["quotes"]
    assert [(q["method"], q["name"], q["currency"]) for q in quotes] == [
        ("standard", "Entrega padrão", "BRL"),
        ("express", "Entrega expressa", "BRL"),
    ], quotes
    standard, express = quotes
    assert Decimal(standard["price"]) < Decimal(express["price"]), quotes
    # Salvador is in the Nordeste: 6 to 12 days by the standard method, 3 to 5 by the express one
    assert (standard["days_min"], standard["days_max"], express["days_min"], express["days_max"]) == (6, 12, 3, 5)


@when('"{nome}" finaliza a compra em Salvador com a entrega expressa')
def finaliza_com_expressa(context, nome):
    shopper = pessoa(context, nome)
    body = {"email": shopper.email, "shipping_address": SALVADOR, "shipping_method": "express"}
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    response = context.shop.call("orders", "POST", "checkout", json=body, shopper=shopper, headers=headers)
    order = expect(response, 201).json()
    if order.get("access_token"):
        shopper.order_tokens[order["number"]] = order["access_token"]
    shopper.last_order = order


@then('o pedido de "{nome}" cobra o frete da entrega expressa cotada e soma-o ao total')
def pedido_cobra_o_frete(context, nome):
    shopper = pessoa(context, nome)
    express = shopper.memory["quotes"][1]
    order = context.shop.order(shopper, shopper.last_order["number"])
    assert order["shipping"] == express["price"], (order, express)
    assert order["shipping_method"] == {
        "method": "express",
        "name": "Entrega expressa",
        "days_min": express["days_min"],
        "days_max": express["days_max"],
    }, order
    assert Decimal(order["total"]) == Decimal(order["subtotal"]) + Decimal(express["price"]), order
    assert order["shipping_address"]["postal_code"] == "40060-001" and order["shipping_address"]["state"] == "BA"
