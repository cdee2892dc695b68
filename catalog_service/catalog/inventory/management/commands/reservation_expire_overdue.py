"""``manage.py reservation_expire_overdue [--loop SECONDS]``: release reservations past their expiry."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand

from catalog.inventory.services import reservation_expire_overdue


class Command(BaseCommand):
    help = "Release the stock of reservations whose payment window has passed (once, or every --loop seconds)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, help="Run again every SECONDS until stopped.")

    def handle(self, *args, loop: float, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        if loop:
            signal.signal(signal.SIGTERM, stop)
            signal.signal(signal.SIGINT, stop)
        while True:
            released = reservation_expire_overdue()
            self.stdout.write(f"reservation_expire_overdue: released {released} order(s)")
            if not loop:
                return
            deadline = time.monotonic() + loop
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(0.5, loop))
            if stopping:
                return
