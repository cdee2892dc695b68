"""Data migration: the daily expiring-lots report's Beat schedule (``periodic_tasks_ensure`` creates
only the missing defaults, so an edited schedule is left alone)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from tasks.scheduling.services import periodic_tasks_ensure

    periodic_tasks_ensure(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0002_stock_reconciliation_schedule_and_group_rights")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
