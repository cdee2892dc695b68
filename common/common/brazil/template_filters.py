"""Template filters every service's templates have without ``{% load %}`` (``TEMPLATES`` builtins):

- ``brl``: money as ``R$ 1.234,56`` (``money_brl``);
- ``local_time``: an instant in the shop's time zone (America/Sao_Paulo) as ``01/12/2026 10:33``,
  whatever it arrives as: an aware or naive (UTC) datetime, an ISO string, or MongoDB's extended JSON
  ``{"$date": ...}`` (ISO text or epoch milliseconds). People never read ``2026-12-01T13:33:01+00:00``.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common.brazil.formatting import money_brl

register = template.Library()


@register.filter
def brl(value) -> str:
    return money_brl(value)


def as_datetime(value) -> datetime | None:
    """``value`` as an aware datetime (naive values are UTC, as MongoDB and the events store them)."""
    if isinstance(value, dict) and "$date" in value:
        value = value["$date"]
        if isinstance(value, dict) and "$numberLong" in value:
            value = int(value["$numberLong"])
    if isinstance(value, int | float):
        value = datetime.fromtimestamp(value / 1000, tz=UTC)
    elif isinstance(value, str):
        value = parse_datetime(value.replace("Z", "+00:00"))
    if not isinstance(value, datetime):
        return None
    return timezone.make_aware(value, UTC) if timezone.is_naive(value) else value


@register.filter
def local_time(value) -> str:
    moment = as_datetime(value)
    if moment is None:
        return "" if value is None else str(value)
    return f"{timezone.localtime(moment):%d/%m/%Y %H:%M}"
