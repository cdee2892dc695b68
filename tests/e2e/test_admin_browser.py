"""The four admins in headless Chromium (Debian's package, driven by Playwright; no browser download),
on the suite as real processes: one sign-in at accounts, then each admin's home page and one task in
each without a second password prompt, every assertion on visible Portuguese text; signing out at one
admin signs out of all. Screenshots are kept in ``var/screenshots/admin-*.png`` as artifacts.

Also the scripted path the journeys use (``shop.Admin``): the same single sign-in through accounts.
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from .shop import Admin, expect
from .stack import MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD

pytestmark = pytest.mark.timeout(420)

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHIEF_EMAIL = "chefe@e2e.cosmeticos.co"
CHIEF_PASSWORD = "e2e-chefe-senha-9137"


@pytest.fixture(scope="module")
def chromium():
    if not os.access(CHROMIUM, os.X_OK):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure_chromium.sh")
        pytest.skip("needs Debian's chromium: scripts/ensure_chromium.sh")
    return CHROMIUM


@pytest.fixture(scope="module")
def chief(stack) -> tuple[str, str]:
    """A superuser of accounts (staff in every admin through the sign-on)."""
    stack.manage("accounts", "create_merchandiser", CHIEF_EMAIL, "--password", CHIEF_PASSWORD, "--superuser")
    return CHIEF_EMAIL, CHIEF_PASSWORD


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"admin-{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000


def _on(page, base: str, path: str = "/admin/") -> None:
    """The page is ``base`` + ``path`` (no detour through a login page)."""
    assert page.url.startswith(base + path), page.url
    assert page.locator('input[name="password"]').count() == 0, f"a password prompt at {page.url}"


def test_one_sign_in_walks_the_four_admins_and_one_sign_out_leaves_them_all(stack, chief, chromium):
    from playwright.sync_api import expect as see
    from playwright.sync_api import sync_playwright

    urls = stack.urls
    email, password = chief
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="pt-BR").new_page()

            # catalog's admin sends the browser to accounts' one password page
            page.goto(f"{urls['catalog']}/admin/")
            assert page.url.startswith(f"{urls['accounts']}/admin/login/"), page.url
            see(page.locator("input[type=submit]")).to_have_value("Acessar")
            page.fill("#id_username", email)
            page.fill("#id_password", password)
            page.click("input[type=submit]")

            # catalog: home and the low-stock list (emptiest first)
            _on(page, urls["catalog"])
            see(page.locator("#dashboard h2")).to_have_text("Painel")
            see(page.locator("#dashboard-low-stock h3")).to_contain_text("Estoque baixo")
            see(page.locator("#dashboard-without-images h3")).to_contain_text("Produtos sem foto")
            see(page.locator("#user-tools")).to_contain_text("Encerrar sessão")
            _shot(page, "catalog")
            page.click("text=Ver todo o estoque baixo")
            _on(page, urls["catalog"], "/admin/inventory/lowstock/")
            see(page.locator("#content h1")).to_have_text("Selecione item com estoque baixo para modificar")

            # orders, by the header's link: no second password prompt
            page.click("#admin-links >> text=Pedidos")
            _on(page, urls["orders"])
            see(page.locator("#dashboard-sales h3")).to_contain_text("Vendas de hoje: R$ ")
            see(page.locator("#dashboard-to-ship h3")).to_contain_text("Pedidos para enviar")
            see(page.locator("#dashboard-awaiting-payment h3")).to_contain_text("Pagamentos aguardando")
            assert page.locator("#dashboard-sales svg rect").count() == 30
            _shot(page, "orders")
            page.click("text=Ver os pedidos pagos")
            _on(page, urls["orders"], "/admin/orders/order/")
            see(page.locator("#changelist-filter")).to_contain_text("Filtro")

            # tasks: home, and a report for today run from the admin
            page.click("#admin-links >> text=Tarefas")
            _on(page, urls["tasks"])
            see(page.locator("#tasks-dashboard")).to_contain_text("Vendas dos últimos 30 dias")
            _shot(page, "tasks")
            page.click("text=Gerar relatório de um período")
            today = date.today().isoformat()
            page.fill("#id_start", today)
            page.fill("#id_end", today)
            page.click("input[type=submit]")
            see(page.locator(".messagelist")).to_contain_text("Relatório gerado:")

            # accounts: home, and the staff user found by the search box
            page.click("#admin-links >> text=Contas")
            _on(page, urls["accounts"])
            see(page.locator("#content h1")).to_have_text("Administração do Site")
            _shot(page, "accounts")
            page.goto(f"{urls['accounts']}/admin/users/user/?q={MERCHANDISER_EMAIL}")
            see(page.locator("#result_list")).to_contain_text(MERCHANDISER_EMAIL)
            see(page.locator("#content h1")).to_contain_text("Selecione")

            # signing out at tasks signs out of every admin
            page.goto(f"{urls['tasks']}/admin/")
            page.click("#logout-form button")
            assert page.url.startswith(f"{urls['accounts']}/admin/login/"), page.url
            for service in ("catalog", "orders", "accounts"):
                page.goto(f"{urls[service]}/admin/")
                assert page.url.startswith(f"{urls['accounts']}/admin/login/"), (service, page.url)
                see(page.locator("input[type=submit]")).to_have_value("Acessar")
            _shot(page, "signed-out")
        finally:
            browser.close()


def test_the_scripted_admin_signs_in_once_through_accounts(stack):
    """``shop.Admin`` (the journeys' client) follows the same sign-in: catalog's login page leads to accounts."""
    catalog = Admin(stack.urls["catalog"], MERCHANDISER_EMAIL, MERCHANDISER_PASSWORD)
    home = expect(catalog.get(f"{catalog.base}/admin/"), 200)
    assert str(home.url).startswith(stack.urls["catalog"]) and "Estoque baixo" in home.text
    tasks = expect(catalog.get(f"{stack.urls['tasks']}/admin/"), 200)  # the same browser: no password asked
    assert str(tasks.url).startswith(stack.urls["tasks"]) and 'name="password"' not in tasks.text
    assert re.search(r"Vendas dos últimos 30 dias", tasks.text)
