"""``manage.py run_import_jobs [--loop SECONDS]``: process queued CSV imports (the background worker)."""

from __future__ import annotations

from catalog.imports.services import import_job_run_next
from common.management.periodic import PeriodicCommand


class Command(PeriodicCommand):
    help = "Run pending CSV import jobs (all that are queued, or polling every --loop seconds until stopped)."
    default_interval = 5.0

    def run_round(self, **options) -> int:
        handled = 0
        while (job := import_job_run_next()) is not None:
            self.stdout.write(f"import job {job.pk} {job.file_name}: {job.status}")
            handled += 1
        return handled

    def describe(self, handled: int) -> str:
        return f"run_import_jobs: {handled} job(s) processed"
