"""Customer support handles returns and writes internal notes; the webhook receipts are plumbing (superusers)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from common.auth.groups import CUSTOMER_SUPPORT_GROUP as GROUP

GRANTED = {
    "returns": ["view_orderreturn", "change_orderreturn", "view_returnline"],
    "orders": ["view_ordernote", "add_ordernote"],
}
REVOKED = {"payments": ["view_webhookreceipt"]}


def _permissions(apps, table):
    Permission = apps.get_model("auth", "Permission")
    for app_label, codenames in table.items():
        yield from Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():  # permissions are normally created after all migrations
        if app_config.label in GRANTED:
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=GROUP)
    group.permissions.add(*_permissions(apps, GRANTED))
    group.permissions.remove(*_permissions(apps, REVOKED))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps, GRANTED))
        group.permissions.add(*_permissions(apps, REVOKED))


class Migration(migrations.Migration):
    dependencies = [
        ("returns", "0001_order_returns"),
        ("orders", "0008_order_notes_and_shipment_carrier"),
        ("orders", "0002_customer_support_group"),
        ("payments", "0005_support_views_payment_disputes"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
