from __future__ import annotations

from ninja import Schema


class WebhookOut(Schema):
    received: bool
    outcome: str
