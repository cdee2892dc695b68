"""The inbox: ids of events this service already applied, written in the handler's transaction."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcessedEvent(models.Model):
    event_id = models.UUIDField(verbose_name=_("event id"), unique=True)
    event_type = models.CharField(verbose_name=_("event type"), max_length=100)
    processed_at = models.DateTimeField(verbose_name=_("processed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("processed event")
        verbose_name_plural = _("processed events")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class DeadLetter(models.Model):
    """A message that failed more times than the delivery limit, parked for inspection and replay."""

    event_id = models.UUIDField(verbose_name=_("event id"), null=True, blank=True, db_index=True)
    event_type = models.CharField(verbose_name=_("event type"), max_length=100, blank=True)
    source = models.CharField(
        verbose_name=_("source"), max_length=200, help_text=_("Queue or topic the message came from")
    )
    body = models.TextField(verbose_name=_("body"))
    error = models.TextField(verbose_name=_("error"), blank=True)
    attempts = models.PositiveIntegerField(verbose_name=_("attempts"), default=0)
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    replayed_at = models.DateTimeField(verbose_name=_("replayed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dead letter")
        verbose_name_plural = _("dead letters")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.event_type or 'unknown'} from {self.source}"
