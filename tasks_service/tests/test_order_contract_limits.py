"""Issue 21 items 10a and 11 on tasks' side: the orders contract's field limits fit tasks' columns (on
PostgreSQL, where a too-long value is an error, not silently kept), and a guest's confirmation link
carries the order's access token."""

from __future__ import annotations

import pytest
from django.core import mail

from common.events.contracts.orders import ORDER_LINE_NAME_MAX_LENGTH
from common.events.testing import deliver
from common.sealing import unseal
from config.event_handlers import HANDLERS
from tasks.emails.models import EmailLog
from tasks.reports.models import SaleLine
from tests.conftest import order_paid, order_paid_sealed

pytestmark = pytest.mark.django_db


def test_the_longest_line_name_the_contract_allows_is_stored_and_emailed(
    postgresql, django_capture_on_commit_callbacks
):
    longest = "P" * 200 + " - " + "V" * 100
    assert len(longest) == ORDER_LINE_NAME_MAX_LENGTH == 303

    with django_capture_on_commit_callbacks(execute=True):
        assert deliver(order_paid("CO-2026-000303", lines=[("SKU-LONG", longest, 1, "10.00")]), handlers=HANDLERS)

    assert list(SaleLine.objects.values_list("name", flat=True)) == [longest]
    assert EmailLog.objects.get().context["lines"][0]["name"] == longest
    assert len(mail.outbox) == 1


def test_a_line_name_longer_than_the_contract_is_refused_by_the_contract():
    with pytest.raises(ValueError, match="at most 303"):
        order_paid("CO-2026-000304", lines=[("SKU-LONG", "N" * 304, 1, "10.00")])


def test_a_guests_confirmation_links_the_order_with_its_access_token(django_capture_on_commit_callbacks, settings):
    settings.STOREFRONT_URL = "https://www.cosmeticos.co"
    event = order_paid_sealed("CO-2026-000777", access_token="tok-abc_123")
    with django_capture_on_commit_callbacks(execute=True):
        deliver(event, handlers=HANDLERS)
    context = EmailLog.objects.get().context
    assert "order_url" not in context  # the link carries the guest's key: kept sealed
    assert unseal(context["order_url_sealed"]) == "https://www.cosmeticos.co/orders/CO-2026-000777?token=tok-abc_123"
    assert "/orders/CO-2026-000777?token=tok-abc_123" in mail.outbox[0].body


def test_a_signed_in_shoppers_confirmation_links_the_order_without_a_token(
    django_capture_on_commit_callbacks, settings
):
    settings.STOREFRONT_URL = "https://www.cosmeticos.co"
    with django_capture_on_commit_callbacks(execute=True):
        deliver(order_paid("CO-2026-000778"), handlers=HANDLERS)
    assert EmailLog.objects.get().context["order_url"].endswith("/orders/CO-2026-000778")
