"""The local "Customer support" group gets what support needs on orders (accounts' SSO maps group names)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from common.auth.groups import CUSTOMER_SUPPORT_GROUP as GROUP
PERMISSIONS = {
    "orders": ["view_order", "change_order", "view_orderline", "view_orderstatuschange"],
    "payments": ["view_paymentsession", "view_paymenttransaction", "view_webhookreceipt"],
    "carts": ["view_cart", "view_cartline"],
    "products": ["view_productvariant"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make sure they exist now.
    for app_config in apps.get_app_configs():
        if app_config.label in PERMISSIONS:
            app_config.models_module = True
            create_permissions(app_config, apps=apps, verbosity=0)
            app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for app_label, codenames in PERMISSIONS.items():
        group.permissions.add(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        for app_label, codenames in PERMISSIONS.items():
            group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0001_initial"),
        ("payments", "0001_initial"),
        ("carts", "0001_initial"),
        ("products", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
