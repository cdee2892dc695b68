"""``manage.py setup_periodic_tasks``: create the default Beat schedules that are missing (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tasks.scheduling.services import (
    DEFAULT_SCHEDULES,
    merchandiser_group_ensure,
    periodic_tasks_ensure,
    support_group_ensure,
)


class Command(BaseCommand):
    help = "Create the default periodic tasks and the Merchandiser and Customer support groups' rights."

    def handle(self, *args, **options):
        created = periodic_tasks_ensure()
        merchandiser_group_ensure()
        support_group_ensure()
        for schedule in DEFAULT_SCHEDULES:
            state = "created" if schedule.name in created else "exists (left as edited)"
            self.stdout.write(f"{schedule.name}: {state}")
