from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("eventstest", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="appliednote", name="applied_at", field=models.DateTimeField(auto_now_add=True, null=True)
        ),
    ]
