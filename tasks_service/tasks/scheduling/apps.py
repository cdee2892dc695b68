from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """The default periodic tasks of django-celery-beat's database scheduler, and housekeeping."""

    name = "tasks.scheduling"
    label = "scheduling"
    verbose_name = "Scheduling"
