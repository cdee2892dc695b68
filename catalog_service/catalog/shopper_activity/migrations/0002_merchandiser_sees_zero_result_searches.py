"""The local ``Merchandiser`` group keeps the zero-result searches page after it moved here from ``search``."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from common.auth.groups import MERCHANDISER_GROUP


def grant(apps, schema_editor):
    app_config = apps.get_app_config("shopper_activity")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MERCHANDISER_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="shopper_activity"))


class Migration(migrations.Migration):
    dependencies = [
        ("shopper_activity", "0001_initial"),
        ("products", "0002_merchandiser_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
