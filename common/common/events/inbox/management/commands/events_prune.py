"""``manage.py events_prune``: apply the events tables' retention once, or every ``--loop`` seconds."""

from __future__ import annotations

from common.events.retention import events_prune
from common.management.periodic import PeriodicCommand


class Command(PeriodicCommand):
    help = "Delete sent outbox rows, old inbox rows, replayed dead letters and old embedded-bus messages."
    default_interval = 3600.0

    def run_round(self, **options) -> int:
        self.pruned = events_prune()
        return sum(self.pruned.values())

    def describe(self, handled: int) -> str:
        detail = ", ".join(f"{table} {count}" for table, count in self.pruned.items())
        return f"events_prune: {handled} deleted ({detail})"
