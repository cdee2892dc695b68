from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("outbox", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="outboxmessage",
            name="failures",
            field=models.PositiveIntegerField(
                default=0, help_text="Failed sends of this row alone (a broker outage does not count)"
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="next_attempt_at",
            field=models.DateTimeField(
                blank=True, null=True, help_text="A row that failed on its own waits until then (per-row backoff)"
            ),
        ),
        migrations.AddField(
            model_name="outboxmessage",
            name="failed_at",
            field=models.DateTimeField(blank=True, null=True, help_text="When the row was parked"),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="status",
            field=models.CharField(
                choices=[("pending", "Pendente"), ("sent", "Enviada"), ("failed", "Falhou (parada)")],
                default="pending",
                max_length=10,
            ),
        ),
    ]
