from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The orders admin's home: reads the other apps' tables, and nothing imports it back."""

    name = "orders.dashboard"
    label = "orders_dashboard"
