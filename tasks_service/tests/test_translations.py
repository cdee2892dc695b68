"""pt-BR everywhere a person reads in tasks: the catalogue is complete and compiled, the admin (reports,
email log, read models) renders in pt-BR without an English msgid, and API error details follow
Accept-Language while the code stays."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.conf import settings

from common.events.inbox.models import DeadLetter, ProcessedEvent
from common.testing.locales import (
    COMMON_PO,
    admin_page_problems,
    api_error_problems,
    catalogue_problems,
    compiled_catalogue_problems,
    label_problems,
    service_po,
)
from tasks.emails.models import EmailKind, EmailLog
from tasks.reports.models import Report, ReportKind, SaleOrder, StockLevel

PACKAGES = ("tasks", "common")
PO_FILES = (service_po(settings.BASE_DIR), COMMON_PO)
SEEN_IN_ENGLISH = ("email(s) queued", "email(s) being sent")


@pytest.mark.parametrize("po_path", PO_FILES, ids=["tasks", "common"])
def test_every_msgid_has_a_pt_br_translation(po_path):
    assert catalogue_problems(po_path) == []


@pytest.mark.parametrize("po_path", PO_FILES, ids=["tasks", "common"])
def test_the_committed_mo_is_compiled_from_the_po(po_path):
    assert compiled_catalogue_problems(po_path) == []


def test_every_admin_label_goes_through_translation():
    assert label_problems(PACKAGES, PO_FILES) == []


@pytest.mark.django_db
def test_every_admin_page_renders_in_pt_br_without_english(admin_client):
    paid_at = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    EmailLog.objects.create(
        kind=EmailKind.WELCOME,
        dedup_key="welcome:1",
        recipient="bia@example.com",
        context={"full_name": "Bia Lima", "shop_url": "https://www.cosmeticos.co"},
    )
    Report.objects.create(kind=ReportKind.SALES, period_start=date(2026, 11, 30), period_end=date(2026, 11, 30))
    SaleOrder.objects.create(
        order_number="CO-1",
        email="bia@example.com",
        total=Decimal("76.90"),
        paid_at=paid_at,
        paid_on=date(2026, 11, 30),
    )
    StockLevel.objects.create(
        sku="SERUM-30", product_name="Sérum", on_hand=3, available=3, low_stock_threshold=5, changed_at=paid_at
    )
    DeadLetter.objects.create(event_type="orders.order_paid", source="tasks.orders", body="{}")
    ProcessedEvent.objects.create(event_id="00000000-0000-0000-0000-000000000001", event_type="orders.order_paid")

    assert admin_page_problems(admin_client, PACKAGES, PO_FILES, also=SEEN_IN_ENGLISH) == []


def test_every_api_error_detail_is_pt_br_and_english_on_request():
    assert api_error_problems(PACKAGES) == []


@pytest.mark.django_db
def test_an_api_error_detail_follows_accept_language_and_its_code_stays(client):
    portuguese = client.get("/api/tasks/reports")
    english = client.get("/api/tasks/reports", HTTP_ACCEPT_LANGUAGE="en")
    assert portuguese.status_code == english.status_code == 401
    assert portuguese.json() == {
        "detail": "As credenciais de autenticação não foram enviadas ou são inválidas.",
        "code": "not_authenticated",
    }
    assert english.json() == {
        "detail": "Authentication credentials were not provided or are invalid.",
        "code": "not_authenticated",
    }
