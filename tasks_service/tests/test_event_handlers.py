"""The handlers table: every event contract naming tasks as a consumer has a handler here."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from common.events.contracts import latest_contracts
from common.events.contracts.catalog import ProductViewed
from common.events.testing import deliver
from config.event_handlers import HANDLERS

pytestmark = pytest.mark.django_db


def test_every_event_tasks_consumes_has_a_handler():
    consumed = {type_ for type_, contract in latest_contracts().items() if "tasks" in contract.CONSUMERS}
    assert set(HANDLERS) == consumed


def test_activity_is_skipped_with_a_warning_when_mongodb_is_not_configured(settings, caplog):
    settings.MONGODB_URI = ""
    event = ProductViewed(product_slug="batom", user_id=None, viewed_at=datetime(2026, 1, 15, tzinfo=UTC))

    assert deliver(event, handlers=HANDLERS) is True
    assert "MONGODB_URI is not set: shopper activity is not aggregated" in caplog.text
