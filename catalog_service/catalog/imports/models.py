"""CSV imports large enough to run in the background (``manage.py run_import_jobs``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file_name = models.CharField(verbose_name=_("file name"), max_length=200)
    content = models.TextField(verbose_name=_("content"), help_text=_("The uploaded CSV text."))
    status = models.CharField(
        verbose_name=_("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    row_count = models.PositiveIntegerField(verbose_name=_("row count"), default=0)
    created_count = models.PositiveIntegerField(verbose_name=_("created count"), default=0)
    updated_count = models.PositiveIntegerField(verbose_name=_("updated count"), default=0)
    errors = models.JSONField(
        verbose_name=_("errors"), default=list, blank=True, help_text=_("[{row, sku, errors: [...]}]")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(verbose_name=_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.status})"
