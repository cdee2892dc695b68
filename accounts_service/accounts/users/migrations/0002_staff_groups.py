"""The staff roles: ``Merchandiser`` (catalog and reports) and ``Customer support`` (orders view, cancel, refund).

The same group names exist in every service's admin (``common.auth.backends.AccountsBackend`` creates
them on SSO login); each service grants its own permissions to them.
"""

from django.db import migrations

from common.auth.groups import STAFF_GROUPS as GROUPS


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
