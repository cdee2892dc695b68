"""Report periods in the shop's time zone (America/Sao_Paulo): days, weeks and their UTC bounds."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

WEEKLY_KINDS = {"low_stock"}  # ReportKind.LOW_STOCK (the models import this module: no import back)


def local_today() -> date:
    return timezone.localdate()


def local_day(moment: datetime) -> date:
    """The calendar day of ``moment`` in the shop's time zone: sales are reported by local day."""
    return timezone.localtime(moment).date()


def local_bounds(*, start: date, end: date) -> tuple[datetime, datetime]:
    """[start 00:00, end+1 00:00) in the shop's time zone, as aware datetimes."""
    zone = timezone.get_default_timezone()
    return (
        datetime.combine(start, time.min, tzinfo=zone),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=zone),
    )


def period_closes_at(*, start: date, end: date) -> datetime:
    """When the period is over (local midnight after ``end``): a report built before then is provisional."""
    return local_bounds(start=start, end=end)[1]


def report_period(*, kind: str, day: date | None = None) -> tuple[date, date]:
    """The period a report of ``kind`` covers for ``day`` (default: yesterday, local time).

    Daily kinds cover the day itself; the weekly low-stock report covers the Monday-to-Sunday week
    containing it, so a Monday-morning run reports the week that just ended.
    """
    day = day or local_today() - timedelta(days=1)
    if kind in WEEKLY_KINDS:
        monday = day - timedelta(days=day.weekday())
        return monday, monday + timedelta(days=6)
    return day, day
