from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """CSV reports produced once per (kind, period), and the sales and stock read models fed by events."""

    name = "tasks.reports"
    label = "reports"
    verbose_name = "Reports"
    default_auto_field = "django.db.models.BigAutoField"
