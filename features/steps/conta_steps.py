"""Steps of the account journeys (accounts API, e-mail written by tasks)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from behave import given, then, when
from e2e.shop import expect, poll
from pessoas import pessoa


@given('que a cliente "{nome}" tem uma conta na loja')
@given('que a cliente "{nome}" se cadastra na loja')
def cliente_cadastrada(context, nome):
    shopper = pessoa(context, nome)
    account = context.shop.register(shopper)
    assert account["email"] == shopper.email, account
    assert account["full_name"] == shopper.full_name, account


@given('"{nome}" entra na conta')
@when('"{nome}" entra na conta de novo')
def entra_na_conta(context, nome):
    context.shop.sign_in(pessoa(context, nome))


@when('"{nome}" pede para redefinir a senha')
def pede_redefinicao(context, nome):
    shopper = pessoa(context, nome)
    expect(context.shop.call("accounts", "POST", "password-reset", json={"email": shopper.email}), 202)


@then('"{nome}" recebe um e-mail com um link de redefinição de uso único')
def recebe_link(context, nome):
    shopper = pessoa(context, nome)
    mails = poll(
        f"an e-mail with a reset link to {shopper.email}",
        lambda: [m for m in context.mailbox.find(to=shopper.email) if _reset_link(m.links())],
        timeout=60,
    )
    shopper.memory["reset"] = _reset_link(mails[-1].links())


@when('"{nome}" escolhe a senha nova "{senha}" pelo link')
def escolhe_senha(context, nome, senha):
    shopper = pessoa(context, nome)
    uid, token = shopper.memory["reset"]
    body = {"uid": uid, "token": token, "new_password": senha}
    expect(context.shop.call("accounts", "POST", "password-reset/confirm", json=body), 204)
    shopper.memory["old_password"], shopper.password = shopper.password, senha


@then('"{nome}" entra na conta com a senha nova "{senha}"')
def entra_com_senha_nova(context, nome, senha):
    shopper = pessoa(context, nome)
    tokens = context.shop.sign_in(shopper, senha)
    me = expect(context.shop.call("accounts", "GET", "me", shopper=shopper), 200).json()
    assert me["email"] == shopper.email and tokens["access"], me


@then('"{nome}" não entra mais com a senha antiga')
def senha_antiga_recusada(context, nome):
    shopper = pessoa(context, nome)
    body = {"email": shopper.email, "password": shopper.memory["old_password"]}
    response = context.shop.call("accounts", "POST", "token", json=body)
    assert response.status_code == 401 and response.json()["code"] == "invalid_credentials", response.text


@then("o mesmo link não serve uma segunda vez")
def link_de_uso_unico(context):
    uid, token = context.shopper.memory["reset"]
    body = {"uid": uid, "token": token, "new_password": "Outra-Senha-Forte-2028!"}
    response = context.shop.call("accounts", "POST", "password-reset/confirm", json=body)
    assert response.status_code == 400 and response.json()["code"] == "invalid_token", response.text


def _reset_link(links: list[str]) -> tuple[str, str] | None:
    """(uid, token) from the one-time link in a reset e-mail: ``?uid=..&token=..`` or ``.../<uid>/<token>/``."""
    for url in links:
        query = parse_qs(urlparse(url).query)
        if "uid" in query and "token" in query:
            return query["uid"][0], query["token"][0]
        parts = [p for p in urlparse(url).path.split("/") if p]
        if len(parts) >= 2 and "reset" in url.lower():
            return parts[-2], parts[-1]
    return None
