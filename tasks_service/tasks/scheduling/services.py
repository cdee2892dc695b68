"""The default Beat schedules, created once and then owned by the admin (merchandisers edit them).

``periodic_tasks_ensure`` only creates missing schedules: running it again never overwrites an edit.
It takes an app registry so the data migration can call it with the historical models.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.apps import apps as global_apps
from django.db import transaction
from django.utils import timezone

from common.auth.groups import CUSTOMER_SUPPORT_GROUP, MERCHANDISER_GROUP

SHOP_TIME_ZONE = "America/Sao_Paulo"


@dataclass(frozen=True)
class DefaultSchedule:
    name: str
    task: str
    description: str
    crontab: dict[str, str] | None = None
    every_minutes: int | None = None
    kwargs: dict = field(default_factory=dict)


DEFAULT_SCHEDULES = (
    DefaultSchedule(
        name="Daily sales report",
        task="tasks.reports.produce",
        kwargs={"kind": "sales"},
        crontab={"minute": "0", "hour": "6", "day_of_week": "*"},
        description="Yesterday's sales (São Paulo time), mailed to the Merchandiser group at 06:00.",
    ),
    DefaultSchedule(
        name="Weekly low-stock report",
        task="tasks.reports.produce",
        kwargs={"kind": "low_stock"},
        crontab={"minute": "0", "hour": "7", "day_of_week": "1"},
        description="SKUs at or below their threshold, every Monday at 07:00, for the week that ended.",
    ),
    DefaultSchedule(
        name="Daily search analytics report",
        task="tasks.reports.produce",
        kwargs={"kind": "search_analytics"},
        crontab={"minute": "30", "hour": "6", "day_of_week": "*"},
        description="Yesterday's top and zero-result searches, at 06:30.",
    ),
    DefaultSchedule(
        name="Reconcile stock levels",
        task="tasks.reports.reconcile_stock",
        crontab={"minute": "40", "hour": "*", "day_of_week": "*"},
        description="Confere o estoque de todos os SKUs com o catálogo, de hora em hora (relatório de estoque baixo).",
    ),
    DefaultSchedule(
        name="Daily expiring-lots report",
        task="tasks.reports.produce",
        kwargs={"kind": "expiring_lots"},
        crontab={"minute": "15", "hour": "7", "day_of_week": "*"},
        description="Lots expiring within REPORT_EXPIRING_LOTS_DAYS days (and blocked ones), at 07:15.",
    ),
    DefaultSchedule(
        name="Housekeeping",
        task="tasks.scheduling.housekeeping",
        crontab={"minute": "15", "hour": "3", "day_of_week": "*"},
        description="Delete reports and sent email logs past their retention, at 03:15.",
    ),
    DefaultSchedule(
        name="Resend stalled emails",
        task="tasks.emails.requeue_stalled",
        every_minutes=10,
        description="Re-enqueue emails left pending (lost enqueue) or sending past their lease (crashed worker).",
    ),
)


def periodic_tasks_ensure(*, apps=global_apps) -> list[str]:
    """Create the default periodic tasks that do not exist yet; return the names created."""
    periodic_task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    changes_model = apps.get_model("django_celery_beat", "PeriodicTasks")
    created = []
    with transaction.atomic():
        for schedule in DEFAULT_SCHEDULES:
            if periodic_task_model.objects.filter(name=schedule.name).exists():
                continue
            fields = {
                "name": schedule.name,
                "task": schedule.task,
                "kwargs": json.dumps(schedule.kwargs),
                "description": schedule.description,
                "enabled": True,
            }
            if schedule.crontab is not None:
                fields["crontab"], _ = crontab_model.objects.get_or_create(
                    **schedule.crontab, day_of_month="*", month_of_year="*", timezone=SHOP_TIME_ZONE
                )
            else:
                fields["interval"], _ = interval_model.objects.get_or_create(
                    every=schedule.every_minutes, period="minutes"
                )
            periodic_task_model.objects.create(**fields)
            created.append(schedule.name)
        if created:
            # Running Beat processes reload their schedule when this timestamp moves.
            changes_model.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return created


MERCHANDISER_PERMISSIONS = (
    ("django_celery_beat", "periodictask", ("view", "add", "change", "delete")),
    ("django_celery_beat", "crontabschedule", ("view", "add", "change")),
    ("django_celery_beat", "intervalschedule", ("view", "add", "change")),
    ("django_celery_beat", "clockedschedule", ("view", "add", "change")),
    ("django_celery_beat", "solarschedule", ("view",)),
    ("reports", "report", ("view",)),
    ("reports", "saleorder", ("view",)),
    ("reports", "stocklevel", ("view",)),
)

# Customer support answers shoppers about their emails: it sees the email log and resends (change).
SUPPORT_PERMISSIONS = (("emails", "emaillog", ("view", "change")),)


def merchandiser_group_ensure(*, apps=global_apps) -> int:
    """Give the local ``Merchandiser`` group (synced from accounts on admin login) its rights; idempotent."""
    return _group_permissions_ensure(apps=apps, name=MERCHANDISER_GROUP, table=MERCHANDISER_PERMISSIONS)


def support_group_ensure(*, apps=global_apps) -> int:
    """Give the local ``Customer support`` group its rights in tasks (the email log); idempotent."""
    return _group_permissions_ensure(apps=apps, name=CUSTOMER_SUPPORT_GROUP, table=SUPPORT_PERMISSIONS)


def _group_permissions_ensure(*, apps, name: str, table) -> int:
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    group, _ = group_model.objects.get_or_create(name=name)
    codenames = []
    for app_label, model, actions in table:
        codenames += [(app_label, f"{action}_{model}") for action in actions]
    permissions = [
        permission_model.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in codenames
    ]
    group.permissions.add(*permissions)
    return len(permissions)
