from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The catalog admin's home: reads the other apps' tables, and nothing imports it back."""

    name = "catalog.dashboard"
    label = "catalog_dashboard"
