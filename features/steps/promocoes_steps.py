"""Steps of the promotions-and-returns journey: a voucher, a free sample and the Pix discount run by the
merchandiser in the orders admin, a Pix checkout with the quoted shipping, and a return of one unit that
support approves, receives and refunds in the orders admin."""

from __future__ import annotations

import random
import string
import uuid
from datetime import date, timedelta
from decimal import Decimal

from behave import given, then, when
from e2e.shop import Admin, admin_errors, expect, inline_rows, pick_form, poll
from e2e.stack import MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD, SUPPORT_EMAIL, SUPPORT_PASSWORD
from frete_steps import SALVADOR
from pagamento_steps import CPF
from pessoas import pessoa

PRODUCTS = "products/product"
CENT = Decimal("0.01")


def _word() -> str:
    return "".join(random.choices(string.ascii_lowercase, k=9))


def _step_form(page):
    """The page's own form (not the header's sign-out form)."""
    return pick_form(page.text, lambda f: f.method.lower() == "post" and "logout" not in (f.action or ""))


# ---------------------------------------------------------------------- the merchandiser's setup


@given("que ela cadastra no admin do catálogo uma amostra grátis com {unidades:d} unidades")
def cadastra_amostra(context, unidades):
    admin = context.admin  # the merchandiser, signed in to the catalog admin
    word = _word()
    first = {
        field: admin.autocomplete("products", "product", field)[0]["id"]
        for field in ("brand", "category", "product_type")
    }
    page, form = admin.add_page(PRODUCTS)
    context.sample_sku = f"E2E-AMOSTRA-{word.upper()}"
    data = {
        **form.fields,
        **first,
        "name": f"Amostra Sérum {word.capitalize()}",
        "slug": f"amostra-serum-{word}",
        "description": "Sachê de 5 ml, só sai como amostra grátis de uma promoção.",
        **inline_rows(
            form,
            "variants",
            [
                {
                    "sku": context.sample_sku,
                    "name": "Sachê 5 ml",
                    "price": "9.90",
                    "sale_mode": "sample",  # "amostra (só em promoções)": real stock, never sold alone
                    "stock_reason": "received",
                    "stock_quantity": str(unidades),
                    "stock_lot_code": f"A{word.upper()}",
                    "stock_lot_expires_on": (date.today() + timedelta(days=365)).isoformat(),
                }
            ],
        ),
        "_save": "Save",
    }
    data.pop("is_published", None)
    saved = admin.submit(page, form, data)
    assert not admin_errors(saved), admin_errors(saved)
    poll(
        f"{context.sample_sku} in stock",
        lambda: context.shop.stock(context.sample_sku).get(context.sample_sku) == unidades,
        timeout=20,
    )
    context.sample_units = unidades


def _add_in_orders_admin(admin: Admin, model_path: str, values: dict[str, str]):
    page, form = admin.add_page(model_path)
    saved = admin.submit(page, form, {**form.fields, **values, "_save": "Save"})
    assert not admin_errors(saved), admin_errors(saved)
    assert f"/admin/{model_path}/add/" not in str(saved.url), saved.text[:2000]
    return saved


@when(
    'ela cria no admin de pedidos o cupom "{codigo}" de {cupom:d}% para esse produto, '
    "a amostra grátis para quem o compra e {pix:d}% de desconto no Pix"
)
def cria_promocoes(context, codigo, cupom, pix):
    sku = context.sku  # the product she just made: no other journey's cart has it
    admin = Admin(context.stack.urls["orders"], MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD)
    # A code of its own per run, so the journey runs again on a stack it already ran on (codes are unique).
    context.voucher_code = f"{codigo}{''.join(random.choices(string.ascii_uppercase, k=4))}"
    context.voucher_percent, context.pix_percent = Decimal(cupom), Decimal(pix)
    # Each rule reaches this product's SKU only, so the other journeys' carts are priced as before.
    _add_in_orders_admin(
        admin,
        "promotions/voucher",
        {
            "code": context.voucher_code.lower(),
            "name": f"Verão {cupom}%",
            "kind": "percent",
            "value": str(cupom),
            "skus": sku,
        },
    )
    _add_in_orders_admin(
        admin,
        "promotions/promotion",
        {
            "name": "Amostra do sérum",
            "kind": "sample",
            "gift_sku": context.sample_sku,
            "gift_quantity": "1",
            "skus": sku,
        },
    )
    _add_in_orders_admin(
        admin,
        "promotions/promotion",
        {
            "name": "Pix com desconto",
            "kind": "payment_method",
            "payment_method": "pix",
            "percent": str(pix),
            "skus": sku,
        },
    )


# ---------------------------------------------------------------------- the shopper's cart and checkout


@when('a visitante "{nome}" põe {quantidade:d} unidades do produto novo no carrinho')
def poe_unidades_do_novo(context, nome, quantidade):
    shopper = pessoa(context, nome)
    poll("the new product on sale", lambda: context.shop.stock(context.sku).get(context.sku, 0) >= quantidade)
    shopper.memory["bought"] = (context.sku, quantidade, context.shop.stock(context.sku)[context.sku])
    context.shop.new_cart(shopper)
    expect(context.shop.add_line(shopper, context.sku, quantidade), 201)


@when('"{nome}" aplica o cupom "{codigo}" no carrinho')
def aplica_cupom(context, nome, codigo):
    shopper = pessoa(context, nome)
    assert context.voucher_code.startswith(codigo), (codigo, context.voucher_code)
    typed = context.voucher_code.lower()  # typed in small letters: codes are stored in capitals
    response = context.shop.call("orders", "POST", "cart/vouchers", json={"code": typed}, shopper=shopper)
    shopper.memory["cart"] = expect(response, 201).json()


@then('o carrinho de "{nome}" mostra o desconto do cupom e a amostra grátis')
def carrinho_com_cupom_e_amostra(context, nome):
    shopper = pessoa(context, nome)
    cart = shopper.memory["cart"]
    code = context.voucher_code
    assert cart["vouchers"] == [{"code": code, "applied": True, "reason": None}], cart
    [discount] = cart["discounts"]
    expected = (Decimal(cart["subtotal"]) * context.voucher_percent / 100).quantize(CENT)
    assert (discount["kind"], discount["code"], Decimal(discount["amount"])) == ("voucher", code, expected), cart
    assert (
        discount["reason"]
        == f"Cupom {code}: {context.voucher_percent}% de desconto em produtos " + (shopper.memory["bought"][0])
    ), discount
    [sample] = cart["gifts"]
    assert (sample["sku"], sample["kind"], sample["quantity"], sample["available"]) == (
        context.sample_sku,
        "sample",
        1,
        True,
    ), cart
    assert sample["reason"].startswith("Amostra grátis:") and "Amostra do sérum" in sample["reason"], sample
    assert Decimal(cart["total"]) == Decimal(cart["subtotal"]) - expected, cart


@when('"{nome}" finaliza a compra em Salvador com a entrega padrão pagando com Pix')
def finaliza_padrao_pix(context, nome):
    shopper = pessoa(context, nome)
    body = {
        "email": shopper.email,
        "shipping_address": SALVADOR,
        "shipping_method": "standard",
        "payment_method": "pix",
        "document": CPF,
    }
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    response = context.shop.call("orders", "POST", "checkout", json=body, shopper=shopper, headers=headers)
    order = expect(response, 201).json()
    if order.get("access_token"):
        shopper.order_tokens[order["number"]] = order["access_token"]
    shopper.last_order = order


@then('o pedido de "{nome}" tem o desconto do cupom, o do Pix e a amostra, com o frete padrão cotado')
def pedido_com_descontos(context, nome):
    shopper = pessoa(context, nome)
    order = context.shop.order(shopper, shopper.last_order["number"])
    sku, quantity, _before = shopper.memory["bought"]
    [standard] = [q for q in shopper.memory["quotes"] if q["method"] == "standard"]
    subtotal = Decimal(order["subtotal"])
    voucher = (subtotal * context.voucher_percent / 100).quantize(CENT)
    pix = ((subtotal - voucher) * context.pix_percent / 100).quantize(CENT)
    assert [(d["kind"], d.get("code"), Decimal(d["amount"])) for d in order["discounts"]] == [
        ("voucher", context.voucher_code, voucher),
        ("payment_method", None, pix),
    ], order["discounts"]
    assert "Pix" in order["discounts"][1]["reason"], order["discounts"]
    assert order["shipping"] == standard["price"] and order["shipping_method"]["method"] == "standard", order
    assert Decimal(order["total"]) == subtotal - voucher - pix + Decimal(standard["price"]), order
    bought = {line["sku"]: line for line in order["lines"]}
    assert bought[sku]["quantity"] == quantity and Decimal(bought[sku]["discount"]) == voucher + pix, order["lines"]
    sample = bought[context.sample_sku]
    assert (sample["quantity"], sample["unit_price"], sample["gift_kind"]) == (1, "0.00", "sample"), sample
    shopper.memory["paid_for_line"] = Decimal(bought[sku]["line_total"]) - Decimal(bought[sku]["discount"])


@then("a amostra sai do estoque com o produto")
def amostra_sai_do_estoque(context):
    expected = context.sample_units - 1
    poll(
        f"{context.sample_sku} down to {expected}",
        lambda: context.shop.stock(context.sample_sku)[context.sample_sku] == expected,
        timeout=30,
    )
    shopper = context.shopper
    sku, quantity, before = shopper.memory["bought"]
    poll(f"{sku} down by {quantity}", lambda: context.shop.stock(sku)[sku] == before - quantity, timeout=30)


# ---------------------------------------------------------------------- support ships, delivers, handles the return


def _support(context) -> Admin:
    if getattr(context, "support_admin", None) is None:
        context.support_admin = Admin(context.stack.urls["orders"], SUPPORT_EMAIL, SUPPORT_PASSWORD)
    return context.support_admin


def _press(admin: Admin, url: str, values: dict[str, str] | None = None):
    """Open a support button's page and submit its form; the admin's message says whether it worked."""
    page = expect(admin.get(url), 200)
    form = _step_form(page)
    done = expect(admin.submit(page, form, {**form.fields, **(values or {})}), 200)
    assert not admin_errors(done), admin_errors(done)
    assert 'class="error"' not in done.text, done.text[:3000]
    return done


@when('o suporte envia o pedido de "{nome}" e marca como entregue no admin de pedidos')
def envia_e_entrega(context, nome):
    shopper = pessoa(context, nome)
    number = shopper.last_order["number"]
    admin = _support(context)
    [order_id] = admin.object_ids("orders/order", number)
    base = f"{admin.base}/admin/orders/order/{order_id}"
    context.tracking_code = f"BR{random.randint(10**8, 10**9 - 1)}BR"
    _press(admin, f"{base}/fulfil/", {"carrier": "Correios", "tracking_code": context.tracking_code})
    _press(admin, f"{base}/deliver/")
    shopper.last_order = context.shop.wait_for_status(shopper, number, "delivered")


@when('"{nome}" devolve {unidades:d} unidade do produto dizendo "{motivo}"')
def devolve(context, nome, unidades, motivo):
    shopper = pessoa(context, nome)
    number = shopper.last_order["number"]
    sku = shopper.memory["bought"][0]
    context.return_reason = motivo
    headers = context.shop._order_token(shopper, number)
    response = context.shop.call(
        "orders",
        "POST",
        f"orders/{number}/returns",
        json={"lines": [{"sku": sku, "quantity": unidades}], "reason": motivo},
        shopper=shopper,
        headers=headers,
    )
    shopper.memory["return"] = expect(response, 201).json()
    shopper.memory["returned_units"] = unidades


@then('a devolução de "{nome}" vale o que ela pagou por essa unidade, mais o frete pelo art. 49')
def devolucao_vale(context, nome):
    shopper = pessoa(context, nome)
    opened = shopper.memory["return"]
    sku, quantity, _before = shopper.memory["bought"]
    units = shopper.memory["returned_units"]
    # what the unit cost after the voucher and the Pix discount, not its list price
    unit_paid = (shopper.memory["paid_for_line"] * units / quantity).quantize(CENT)
    shipping = Decimal(shopper.last_order["shipping"])
    [line] = opened["lines"]
    assert (line["sku"], line["quantity"], Decimal(line["amount"])) == (sku, units, unit_paid), opened
    [bought] = [line for line in shopper.last_order["lines"] if line["sku"] == sku]
    assert Decimal(line["amount"]) < Decimal(bought["unit_price"]) * units, opened
    # delivered today: within the 7 days of CDC art. 49, the shipping goes back too
    assert Decimal(opened["shipping_refund"]) == shipping, opened
    assert Decimal(opened["refund_amount"]) == unit_paid + shipping, opened
    assert opened["status"] == "requested", opened
    shopper.memory["refund"] = Decimal(opened["refund_amount"])


@when("o suporte aprova a devolução, recebe o produto e reembolsa no admin de pedidos")
def suporte_trata_devolucao(context):
    shopper = context.shopper
    admin = _support(context)
    return_id = shopper.memory["return"]["id"]
    base = f"{admin.base}/admin/returns/orderreturn/{return_id}"
    _press(admin, f"{base}/approve/")
    page = expect(admin.get(f"{base}/receive/"), 200)
    form = _step_form(page)
    conditions = {name: "sellable" for name in (*form.fields, *form.selects) if name.startswith("condition_")}
    assert conditions, form
    done = expect(admin.submit(page, form, {**form.fields, **conditions}), 200)
    assert not admin_errors(done), admin_errors(done)
    _press(admin, f"{base}/refund/")


@then('a devolução de "{nome}" fica reembolsada pelo valor daquela unidade e do frete')
def devolucao_reembolsada(context, nome):
    shopper = pessoa(context, nome)
    number = shopper.last_order["number"]
    headers = context.shop._order_token(shopper, number)
    listing = expect(
        context.shop.call("orders", "GET", f"orders/{number}/returns", shopper=shopper, headers=headers), 200
    ).json()
    [the_return] = listing["items"]
    assert the_return["status"] == "refunded", the_return
    assert Decimal(the_return["refund_amount"]) == shopper.memory["refund"], the_return
    assert the_return["lines"][0]["condition"] == "sellable", the_return
    # one unit of two came back: the order stays delivered (a whole return would make it refunded)
    assert context.shop.order(shopper, number)["status"] == "delivered"


def _brl(amount: Decimal) -> str:
    whole, cents = f"{amount:,.2f}".split(".")
    return f"R$ {whole.replace(',', '.')},{cents}"


@then('"{nome}" recebe um e-mail a cada passo da devolução')
def emails_da_devolucao(context, nome):
    shopper = pessoa(context, nome)
    number = shopper.last_order["number"]
    subjects = {
        "requested": f"Recebemos seu pedido de devolução ({number})",
        "approved": f"Devolução aprovada ({number})",
        "received": f"Recebemos os produtos devolvidos ({number})",
        "refunded": f"Reembolso da devolução ({number})",
    }
    for step, subject in subjects.items():
        mail = context.mailbox.wait_for(to=shopper.email, contains=subject, timeout=60)
        assert subject in mail.subject, (step, mail.subject)
    refunded = context.mailbox.wait_for(to=shopper.email, contains=subjects["refunded"], timeout=5)
    assert f"foi feito: {_brl(shopper.memory['refund'])}" in refunded.body, refunded.body
    assert "inclui o frete" in refunded.body, refunded.body
    requested = context.mailbox.wait_for(to=shopper.email, contains=subjects["requested"], timeout=5)
    assert f"Motivo: {context.return_reason}" in requested.body, requested.body


@then('o histórico do pedido de "{nome}" mostra o envio, a entrega e cada passo da devolução')
def historico(context, nome):
    shopper = pessoa(context, nome)
    order = context.shop.order(shopper, shopper.last_order["number"])
    history = order["history"]
    statuses = [step["status"] for step in history]
    for status in ("awaiting_payment", "paid", "fulfilled", "delivered"):
        assert status in statuses, statuses
    assert statuses.index("paid") < statuses.index("fulfilled") < statuses.index("delivered"), statuses
    [shipped] = [step for step in history if step["status"] == "fulfilled" and step["from_status"] == "paid"]
    assert context.tracking_code in shipped["note"] and shipped["actor"].startswith("support:"), shipped
    return_id = shopper.memory["return"]["id"]
    notes = [step["note"] for step in history if f"devolução #{return_id}" in step["note"]]
    assert len(notes) == 4, [step["note"] for step in history]
    assert "aberta" in notes[0] and context.return_reason in notes[0], notes
    assert f"reembolsada: {_brl(shopper.memory['refund'])}" in notes[-1], notes
