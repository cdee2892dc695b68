"""Every email, rendered from what its real handler records, in pt-BR and English: the admin shows the
body (HTML sandboxed), and every link leads to a page that exists.

Which pages exist: with a storefront (``STOREFRONT_URL``) its own; without one, orders' ``/pedidos/``
pages, whose answers (200 with the token, the landing page) orders' suite checks against its URL conf
(``orders_service/tests/test_status_page.py``). Here: every link an email carries is one of those.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest
from django.contrib.auth import get_user_model

from common.events.contracts.accounts import PasswordResetRequested, UserRegistered
from common.events.contracts.catalog import LotRecalled, RecallRecipient
from common.events.contracts.orders import OrderFulfilled, OrderRejected, ReturnedLine, ReturnRefunded
from common.events.testing import deliver
from common.sealing import seal, unseal, unsealed
from config.event_handlers import HANDLERS
from tasks.emails.models import EmailKind, EmailLog
from tasks.emails.rendering import render_email
from tasks.reports.services.production import report_produce
from tests.conftest import order_cancelled, order_paid

pytestmark = pytest.mark.django_db

ORDERS = "http://orders.test:8003"
RESET = "https://contas.test/redefinir-senha?uid=Mg&token=abc-123"
LINK = re.compile(r"""https?://[^\s"'<>]+""")


@pytest.fixture
def every_email(settings, merchandisers):
    """One EmailLog of every kind, recorded by the real handlers (guest and signed-in confirmations)."""
    settings.ORDERS_URL = ORDERS
    settings.STOREFRONT_URL = ""
    at = datetime(2026, 1, 15, 15, 0, tzinfo=UTC)
    events = [
        UserRegistered(user_id=7, email="ana@example.com", full_name="Ana Lima"),
        PasswordResetRequested(
            user_id=7, email="ana@example.com", full_name="Ana", reset_url=RESET, expires_at=at.isoformat()
        ),
        order_paid("CO-1").model_copy(update={"access_token": "guest-tok_1"}),
        order_paid("CO-2"),
        OrderFulfilled(order_number="CO-1", email="ana@example.com", tracking_code="BR123456789", fulfilled_at=at),
        order_cancelled("CO-2", refunded=True, cancelled_at=at),
        OrderRejected(order_number="CO-3", email="ana@example.com", reason="out_of_stock"),
        LotRecalled(
            sku="BLP-BAT-001",
            product_name="Batom Matte Vermelho",
            lot="L2401",
            expires_on=datetime(2027, 1, 31).date(),
            reason="Contaminação microbiológica",
            recipients=[RecallRecipient(order_number="CO-1", email="ana@example.com", quantity=1)],
        ),
        ReturnRefunded(
            order_number="CO-1",
            email="ana@example.com",
            return_id=4,
            lines=[ReturnedLine(sku="SERUM-30", name="Sérum", quantity=1, amount="89.90", condition="sellable")],
            refund_amount="102.80",
            currency="BRL",
            access_token_sealed=seal("guest-tok_1"),  # orders seals a guest's key in every event it sends
            occurred_at=at,
            shipping_refunded=True,
        ),
    ]
    for event in events:
        deliver(event, handlers=HANDLERS)
    report_produce(kind="sales", period_start=datetime(2026, 1, 15).date(), period_end=datetime(2026, 1, 15).date())
    assert set(EmailLog.objects.values_list("kind", flat=True)) == set(EmailKind.values)
    return list(EmailLog.objects.all())


def _allowed(url: str) -> bool:
    return url in (f"{ORDERS}/pedidos/", RESET) or re.fullmatch(rf"{ORDERS}/pedidos/CO-\d+/\?token=[\w-]+", url)


@pytest.mark.parametrize("language", ["pt-br", "en"])
def test_every_link_in_every_email_leads_to_an_existing_page(every_email, language):
    links = set()
    for log in every_email:
        # As the send renders it: a sealed reset link is opened for this render only.
        rendered = render_email(kind=log.kind, language=language, context=unsealed(log.context))
        links |= set(LINK.findall(rendered.text)) | {unescape(u) for u in LINK.findall(rendered.html)}
    assert links == {
        f"{ORDERS}/pedidos/",  # welcome, and the signed-in shopper's confirmation
        f"{ORDERS}/pedidos/CO-1/?token=guest-tok_1",  # the guest's confirmation
        RESET,  # accounts builds the reset link (its STOREFRONT_URL + PASSWORD_RESET_PATH)
    }
    assert all(_allowed(url) for url in links)


def test_with_a_storefront_the_links_lead_to_it(settings, merchandisers):
    settings.STOREFRONT_URL = "https://www.cosmeticos.co/"
    deliver(UserRegistered(user_id=8, email="bia@example.com", full_name="Bia"), handlers=HANDLERS)
    deliver(order_paid("CO-9").model_copy(update={"access_token": "t9"}), handlers=HANDLERS)
    contexts = {log.kind: log.context for log in EmailLog.objects.all()}
    assert contexts["welcome"]["shop_url"] == "https://www.cosmeticos.co"
    assert (
        unseal(contexts["order_confirmation"]["order_url_sealed"]) == "https://www.cosmeticos.co/orders/CO-9?token=t9"
    )


def test_the_admin_shows_the_rendered_body_with_the_html_sandboxed(client, every_email):
    admin_user = get_user_model().objects.create_superuser("root@cosmeticos.co", "root@cosmeticos.co", "x")
    client.force_login(admin_user)
    log = EmailLog.objects.get(kind=EmailKind.ORDER_CONFIRMATION, dedup_key="CO-1")
    log.context = {**log.context, "lines": [{**log.context["lines"][0], "name": '<script>alert("x")</script>'}]}
    log.save()

    page = client.get(f"/admin/emails/emaillog/{log.pk}/change/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "Texto do e-mail" in html and "HTML do e-mail" in html
    assert "O pagamento do pedido CO-1 foi confirmado." in html
    assert '<iframe sandbox=""' in html
    assert "<script>alert" not in html  # escaped in the text and inside srcdoc
    assert "R$ 49,90" in html


def test_dates_in_emails_are_local_and_brazilian_not_iso_utc(every_email):
    reset = next(log for log in every_email if log.kind == EmailKind.PASSWORD_RESET)
    text = render_email(kind=reset.kind, language="pt-br", context=reset.context).text
    assert "válido até 15/01/2026 às 12:00 (horário de Brasília)" in text  # 15:00 UTC
    report = next(log for log in every_email if log.kind == EmailKind.REPORT_READY)
    rendered = render_email(kind=report.kind, language="pt-br", context=report.context)
    assert rendered.subject == "Relatório de vendas 15/01/2026"
    assert "2026-01-15" not in rendered.text.replace(report.context["file_name"], "")
