from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    """The default periodic tasks of django-celery-beat's database scheduler, and housekeeping."""

    name = "tasks.scheduling"
    label = "scheduling"
    verbose_name = _("Scheduling")
