"""The visible effect of the test handlers: one row per applied event."""

from django.db import models


class AppliedNote(models.Model):
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    text = models.CharField(max_length=200)
    sequence = models.IntegerField(default=0)
    correlation_id = models.CharField(max_length=100, blank=True, default="")
    applied_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.text}"
