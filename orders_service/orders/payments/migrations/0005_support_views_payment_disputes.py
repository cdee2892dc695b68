"""Customer support may read the chargebacks (disputes) of orders, as it reads charges and refunds."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Customer support"


def grant(apps, schema_editor):
    app_config = apps.get_app_config("payments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label="payments", codename="view_paymentdispute"))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="payments", codename="view_paymentdispute"))


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0004_partial_refunds_sandbox_refund_ledger_disputes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
