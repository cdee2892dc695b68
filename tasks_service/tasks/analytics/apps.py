from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    """Daily views per product and the view -> cart -> order funnel, kept in MongoDB (mongoengine)."""

    name = "tasks.analytics"
    label = "analytics"
    verbose_name = _("Analytics")
