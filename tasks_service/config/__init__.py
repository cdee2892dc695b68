"""The tasks service's Django project; the Celery app loads with it so ``@shared_task`` binds to it."""

from config.celery import app as celery_app

__all__ = ["celery_app"]
