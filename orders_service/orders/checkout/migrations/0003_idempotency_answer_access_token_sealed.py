"""Completed checkout answers keep a guest's access token sealed (``access_token_sealed``), never in clear."""

from django.db import migrations

from common.sealing import seal


def seal_stored_access_tokens(apps, schema_editor):
    IdempotencyKey = apps.get_model("checkout", "IdempotencyKey")
    for key in IdempotencyKey.objects.filter(response_body__has_key="access_token").iterator():
        body = dict(key.response_body)
        token = body.pop("access_token")
        if token:
            body["access_token_sealed"] = seal(token)
        else:
            body["access_token"] = None
        IdempotencyKey.objects.filter(pk=key.pk).update(response_body=body)


class Migration(migrations.Migration):
    dependencies = [
        ("checkout", "0002_idempotency_key_claim_version"),
    ]

    operations = [
        migrations.RunPython(seal_stored_access_tokens, migrations.RunPython.noop, elidable=True),
    ]
