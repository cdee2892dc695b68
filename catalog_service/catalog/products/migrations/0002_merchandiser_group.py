"""The local ``Merchandiser`` group gets every permission of the catalog apps (admin SSO users of
accounts' Merchandiser group are put in it)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from common.auth.groups import MERCHANDISER_GROUP

CATALOG_APPS = ("products", "inventory", "search", "imports")


def grant(apps, schema_editor):
    for label in CATALOG_APPS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=MERCHANDISER_GROUP)
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=CATALOG_APPS))


def revoke(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=MERCHANDISER_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("products", "0001_initial"),
        ("inventory", "0001_initial"),
        ("search", "0002_postgresql_search"),
        ("imports", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
