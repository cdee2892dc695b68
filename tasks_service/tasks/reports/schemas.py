"""API schemas of the reports app."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema


class ReportOut(Schema):
    id: int
    kind: str
    period_start: date
    period_end: date
    created_at: datetime
    download_url: str
