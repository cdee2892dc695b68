"""A guest order's access token is no longer stored in clear: its SHA-256 and a sealed copy replace it."""

import hashlib

from django.db import migrations, models

from common.sealing import seal


def hash_and_seal_existing_tokens(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    for order in Order.objects.exclude(access_token="").only("pk", "access_token").iterator():
        Order.objects.filter(pk=order.pk).update(
            access_token_hash=hashlib.sha256(order.access_token.encode()).hexdigest(),
            access_token_sealed=seal(order.access_token),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0007_order_line_lots"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="access_token_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="order",
            name="access_token_sealed",
            field=models.TextField(blank=True),
        ),
        # One way: the clear tokens are gone once hashed (a reverse would have nothing to restore from).
        migrations.RunPython(hash_and_seal_existing_tokens, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="order", name="access_token"),
    ]
