from django.db import migrations


class Migration(migrations.Migration):
    """The zero-result admin page (no table) now belongs to ``shopper_activity``."""

    dependencies = [("search", "0002_postgresql_search")]

    operations = [migrations.DeleteModel(name="ZeroResultQuery")]
