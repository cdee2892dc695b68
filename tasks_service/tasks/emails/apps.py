from django.apps import AppConfig


class EmailsConfig(AppConfig):
    """Transactional emails sent from events, logged in ``EmailLog`` and sent once by a Celery task."""

    name = "tasks.emails"
    label = "emails"
    verbose_name = "Emails"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Register the Celery tasks in every process (web, consumers, worker): services enqueue by name.
        from tasks.emails import tasks  # noqa: F401
