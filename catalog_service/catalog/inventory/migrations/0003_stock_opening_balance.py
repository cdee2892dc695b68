"""The ledger starts from today's levels: one "Saldo de abertura" movement per SKU with units on hand, so
each SKU's movements add up to its on hand. The local Merchandiser group may view the ledger."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

BATCH = 2000


def open_ledger(apps, schema_editor):
    Stock = apps.get_model("inventory", "Stock")
    StockMovement = apps.get_model("inventory", "StockMovement")
    rows = Stock.objects.exclude(on_hand=0).order_by("variant__sku")
    rows = rows.values_list("variant_id", "variant__sku", "on_hand")
    batch = []
    for variant_id, sku, on_hand in rows.iterator(chunk_size=BATCH):
        batch.append(
            StockMovement(stock_id=variant_id, sku=sku, delta=on_hand, on_hand_after=on_hand, reason="opening_balance")
        )
        if len(batch) == BATCH:
            StockMovement.objects.bulk_create(batch)
            batch = []
    StockMovement.objects.bulk_create(batch)


def merchandisers_view_the_ledger(apps, schema_editor):
    app_config = apps.get_app_config("inventory")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    view = Permission.objects.get(content_type__app_label="inventory", codename="view_stockmovement")
    for group in Group.objects.filter(name="Merchandiser"):
        group.permissions.add(view)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("products", "0002_merchandiser_group"),
        ("inventory", "0002_stock_movement_ledger"),
    ]

    operations = [
        migrations.RunPython(open_ledger, migrations.RunPython.noop),
        migrations.RunPython(merchandisers_view_the_ledger, migrations.RunPython.noop),
    ]
