from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EmailsConfig(AppConfig):
    """Transactional emails sent from events, logged in ``EmailLog`` and sent once by a Celery task."""

    name = "tasks.emails"
    label = "emails"
    verbose_name = _("Emails")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the Celery tasks in every process (web, consumers, worker): services enqueue by name.
        from tasks.emails import tasks  # noqa: F401
