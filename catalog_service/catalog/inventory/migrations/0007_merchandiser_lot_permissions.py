"""The ``Merchandiser`` group may see lots, block them and notify their customers (new models since
``products/0002`` granted the catalog apps' permissions)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from common.auth.groups import MERCHANDISER_GROUP


def grant(apps, schema_editor):
    app_config = apps.get_app_config("inventory")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MERCHANDISER_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="inventory", content_type__model__in=["stocklot", "reservationlot"]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0006_lot_recall_customers"),
        ("products", "0002_merchandiser_group"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
