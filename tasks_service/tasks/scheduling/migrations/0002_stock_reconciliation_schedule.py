"""Data migration: databases migrated before the stock reconciliation existed get its Beat schedule."""

from django.db import migrations


def forwards(apps, schema_editor):
    from tasks.scheduling.services import periodic_tasks_ensure

    periodic_tasks_ensure(apps=apps)  # creates only what is missing: admin edits stay


class Migration(migrations.Migration):
    dependencies = [("scheduling", "0001_default_schedules_and_merchandiser_group")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
