"""The tasks service's Celery app: Redis broker (or kombu's filesystem transport in the local run), Beat's
database scheduler, late acks, and the correlation id carried from the publisher into the worker's logs.

Run: ``celery -A config worker --pool=solo`` and ``celery -A config beat`` from ``tasks_service/``.
"""

from __future__ import annotations

import os

from celery import Celery, signals

from common.observability.context import correlation_id_var, current_correlation_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

CORRELATION_HEADER = "shop_correlation_id"

app = Celery("tasks")


def celery_config() -> dict:
    """Celery settings derived from Django's (read when the app is first configured, not at import)."""
    from django.conf import settings

    broker_url = settings.CELERY_BROKER_URL
    transport_options: dict = {}
    if broker_url.startswith("filesystem://"):
        folder = settings.CELERY_BROKER_FOLDER
        for sub in ("queue", "processed", "control"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        transport_options = {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "processed_folder": str(folder / "processed"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        }
    elif broker_url.startswith(("redis://", "rediss://")):
        # Late acks: a message not acked within this window goes back to the queue (crashed worker).
        transport_options = {"visibility_timeout": 3600, "socket_timeout": 5, "socket_connect_timeout": 5}
    return {
        "broker_url": broker_url,
        "broker_transport_options": transport_options,
        "broker_connection_retry_on_startup": True,
        "task_default_queue": settings.CELERY_TASK_DEFAULT_QUEUE,
        "task_always_eager": settings.CELERY_TASK_ALWAYS_EAGER,
        "task_eager_propagates": True,
        # Ack after the task ran; a worker killed mid-task leaves the message for another worker.
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_ignore_result": True,
        "result_backend": None,
        "result_expires": None,
        "task_time_limit": 600,
        "task_soft_time_limit": 540,
        "task_serializer": "json",
        "accept_content": ["json"],
        "timezone": "America/Sao_Paulo",
        "enable_utc": True,
        "beat_scheduler": "django_celery_beat.schedulers:DatabaseScheduler",
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
    }


# A promise: Django settings are read when Celery first needs its configuration.
app.add_defaults(celery_config)
app.autodiscover_tasks(["tasks.emails", "tasks.reports", "tasks.scheduling"])


@signals.beat_init.connect
def _reconcile_stock_when_beat_starts(sender=None, **_kwargs) -> None:
    """Backfill the low-stock read model from catalog at start (one Beat runs; the task is idempotent)."""
    app.send_task("tasks.reports.reconcile_stock")


@signals.before_task_publish.connect
def _add_correlation_header(headers: dict | None = None, **_kwargs) -> None:
    """Carry the publisher's correlation id to the worker in a message header."""
    if headers is not None and not headers.get(CORRELATION_HEADER):
        correlation_id = current_correlation_id()
        if correlation_id:
            headers[CORRELATION_HEADER] = correlation_id


@signals.task_prerun.connect
def _bind_correlation_id(task=None, **_kwargs) -> None:
    """Bind the message's correlation id for the task's duration, so its log lines carry it.

    A task nobody correlated (fired by Beat) is correlated by its own task id.
    """
    if task is None:
        return
    correlation_id = (
        getattr(task.request, CORRELATION_HEADER, None)
        or (task.request.headers or {}).get(CORRELATION_HEADER)
        or f"task-{task.request.id}"
    )
    task.request._correlation_token = correlation_id_var.set(correlation_id)


@signals.task_postrun.connect
def _unbind_correlation_id(task=None, **_kwargs) -> None:
    token = getattr(task.request, "_correlation_token", None) if task is not None else None
    if token is not None:
        correlation_id_var.reset(token)
        task.request._correlation_token = None
