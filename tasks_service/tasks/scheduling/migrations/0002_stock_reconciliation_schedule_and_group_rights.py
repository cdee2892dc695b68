"""Data migration: the stock reconciliation's Beat schedule, the Merchandiser group's view of the sales
and stock read models, and the Customer support group's email log rights (databases migrated earlier)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forwards(apps, schema_editor):
    from tasks.scheduling.services import merchandiser_group_ensure, periodic_tasks_ensure, support_group_ensure

    # Permissions are normally created after migrate (post_migrate); the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    periodic_tasks_ensure(apps=apps)  # creates only what is missing: admin edits stay
    merchandiser_group_ensure(apps=apps)
    support_group_ensure(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("scheduling", "0001_default_schedules_and_merchandiser_group"),
        ("emails", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
