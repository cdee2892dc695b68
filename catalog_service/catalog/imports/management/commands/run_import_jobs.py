"""``manage.py run_import_jobs [--loop SECONDS]``: process queued CSV imports (the background worker)."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from catalog.imports.services import import_job_run_next


class Command(BaseCommand):
    help = "Run pending CSV import jobs (once, or polling every --loop seconds until stopped)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="Poll for new jobs every SECONDS.")

    def handle(self, *args, loop: float, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        if loop:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        while not stopping:
            job = import_job_run_next()
            if job is not None:
                self.stdout.write(f"import job {job.pk} {job.file_name}: {job.status}")
                continue
            if not loop:
                return
            deadline = time.monotonic() + loop
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.5, loop))
