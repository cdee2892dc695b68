"""A base for management commands that do one round of work, once or every ``--loop SECONDS``.

Background workers (reservation expiry, payment-window expiry, webhook delivery, CSV imports) share
the same needs: stop cleanly on SIGTERM/SIGINT between rounds, survive a database restart (close the
connections and try again next round), and come straight back when a round found work.
"""

from __future__ import annotations

import logging
import signal
import threading

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)


class PeriodicCommand(BaseCommand):
    """Subclasses implement :meth:`run_round`; it returns how many items it handled."""

    default_interval: float = 30.0
    report_idle_rounds = False  # in a loop, idle rounds stay quiet unless this is set

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop",
            type=float,
            nargs="?",
            const=self.default_interval,
            metavar="SECONDS",
            help=f"keep running until stopped, every SECONDS when idle (default {self.default_interval:g})",
        )

    def run_round(self, **options) -> int:
        raise NotImplementedError

    def describe(self, handled: int) -> str:
        return f"{self.__module__.rsplit('.', 1)[-1]}: {handled} handled"

    def handle(self, *args, loop: float | None = None, **options):
        if loop is None:
            self.stdout.write(self.describe(self.run_round(**options)))
            return
        stopping = threading.Event()
        for signal_number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signal_number, lambda *_: stopping.set())
        while not stopping.is_set():
            try:
                handled = self.run_round(**options)
            except DatabaseError:
                logger.exception("round failed; reconnecting for the next one")
                connections.close_all()
                handled = 0
            if handled or self.report_idle_rounds:
                self.stdout.write(self.describe(handled))
            if not handled:
                stopping.wait(loop)
