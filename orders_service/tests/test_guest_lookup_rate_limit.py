"""Guest order lookup and cancel are rate limited per client (429 with Retry-After); signed-in is not."""

from __future__ import annotations

import pytest

from common.testing.tokens import auth_header

pytestmark = pytest.mark.django_db


def test_guest_lookups_past_the_limit_answer_429_with_retry_after(client, settings):
    settings.RATE_LIMITS = {"guest_order_lookup": (3, 600)}
    statuses = [client.get(f"/api/orders/orders/CO-2026-{n:06d}?token=guessed-token").status_code for n in range(3)]
    assert statuses == [404, 404, 404]
    refused = client.post("/api/orders/orders/CO-2026-000009/cancel?token=guessed-token")
    assert (refused.status_code, refused.json()["code"]) == (429, "too_many_requests")
    assert 1 <= int(refused["Retry-After"]) <= 600
    elsewhere = client.get("/api/orders/orders/CO-2026-000001?token=guessed-token", REMOTE_ADDR="198.51.100.20")
    assert elsewhere.status_code == 404


def test_signed_in_shoppers_are_not_counted_as_guests(client, settings):
    settings.RATE_LIMITS = {"guest_order_lookup": (1, 600)}
    header = auth_header(user_id=7, email="ana@example.com")
    statuses = [client.get(f"/api/orders/orders/CO-2026-{n:06d}", **header).status_code for n in range(3)]
    assert statuses == [404, 404, 404]
