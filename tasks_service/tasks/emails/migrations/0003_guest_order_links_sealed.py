"""Guest order links (they carry the order's access token) logged before sealing are sealed in place."""

from django.db import migrations

from common.sealing import seal


def seal_guest_order_links(apps, schema_editor):
    EmailLog = apps.get_model("emails", "EmailLog")
    for log in EmailLog.objects.filter(context__has_key="order_url").iterator():
        context = dict(log.context)
        if "token=" not in (context.get("order_url") or ""):
            continue  # a signed-in shopper's link: no secret in it
        context["order_url_sealed"] = seal(context.pop("order_url"))
        EmailLog.objects.filter(pk=log.pk).update(context=context)


class Migration(migrations.Migration):
    dependencies = [
        ("emails", "0003_email_kind_order_return"),
    ]

    operations = [
        migrations.RunPython(seal_guest_order_links, migrations.RunPython.noop, elidable=True),
    ]
