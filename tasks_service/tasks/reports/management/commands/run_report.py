"""``manage.py run_report KIND --date YYYY-MM-DD``: produce one report now, in this process (back-fills)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError

from tasks.reports.models import ReportKind
from tasks.reports.periods import report_period
from tasks.reports.services.production import report_produce


class Command(BaseCommand):
    help = "Produce a report (sales, low_stock, search_analytics) for the period containing --date (default yesterday)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ReportKind.values)
        parser.add_argument("--date", dest="day", help="A day of the period, YYYY-MM-DD (default: yesterday)")

    def handle(self, *args, kind: str, day: str | None, **options):
        try:
            parsed = date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not {day!r}")
        period_start, period_end = report_period(kind=kind, day=parsed)
        try:
            report = report_produce(kind=kind, period_start=period_start, period_end=period_end)
        except ImproperlyConfigured as exc:
            raise CommandError(f"{kind} report failed: {exc}")
        self.stdout.write(
            f"report {report.pk} {report.kind} {report.period_start}..{report.period_end}: {report.status}, "
            f"{report.row_count} rows, {report.file.path if report.file else 'no file'}"
        )
