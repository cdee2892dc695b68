"""A guest order's access token is no longer stored in clear: its SHA-256 and a sealed copy replace it."""

import hashlib

from django.db import migrations, models

from common.sealing import seal


SEALED_VERSIONS = {"orders.order_paid": 2, "orders.order_confirmation_resend_requested": 2}


def seal_tokens_in_the_outbox(apps, schema_editor):
    """Outbox rows of order_paid / resend v1 (token in clear) become the v2 event (token sealed), pending
    or sent, so the relay sends, and the table keeps, only the sealed form."""
    OutboxMessage = apps.get_model("outbox", "OutboxMessage")
    for row in OutboxMessage.objects.filter(event_type__in=list(SEALED_VERSIONS), version=1).iterator():
        payload = dict(row.envelope.get("payload") or {})
        token = payload.pop("access_token", None)
        payload["access_token_sealed"] = seal(token) if token else None
        version = SEALED_VERSIONS[row.event_type]
        envelope = {**row.envelope, "version": version, "payload": payload}
        OutboxMessage.objects.filter(pk=row.pk).update(envelope=envelope, version=version)


def hash_and_seal_existing_tokens(apps, schema_editor):
    Order = apps.get_model("orders", "Order")
    for order in Order.objects.exclude(access_token="").only("pk", "access_token").iterator():
        Order.objects.filter(pk=order.pk).update(
            access_token_hash=hashlib.sha256(order.access_token.encode()).hexdigest(),
            access_token_sealed=seal(order.access_token),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0008_order_discounts_and_gift_lines"),
        ("outbox", "0002_outboxmessage_parking"),
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
        migrations.RunPython(seal_tokens_in_the_outbox, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="order", name="access_token"),
    ]
