"""The local "Merchandiser" group runs vouchers and automatic promotions in the orders admin (accounts'
SSO maps group names); support and merchandisers see the voucher uses."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from common.auth.groups import CUSTOMER_SUPPORT_GROUP, MERCHANDISER_GROUP

PERMISSIONS = {
    MERCHANDISER_GROUP: [
        "add_voucher",
        "change_voucher",
        "delete_voucher",
        "view_voucher",
        "add_promotion",
        "change_promotion",
        "delete_promotion",
        "view_promotion",
        "view_voucheruse",
    ],
    CUSTOMER_SUPPORT_GROUP: ["view_voucher", "view_promotion", "view_voucheruse"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("promotions")
    app_config.models_module = True  # permissions are normally created after all migrations
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="promotions", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="promotions", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("promotions", "0001_vouchers_promotions_uses"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
