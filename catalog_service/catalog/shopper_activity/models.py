"""No tables: the admin shows MongoDB's zero-result searches under this name."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ZeroResultQuery(models.Model):
    """No table: the admin page of the zero-result searches read from ``catalog_search_logs``."""

    class Meta:
        managed = False
        verbose_name = _("zero-result search")
        verbose_name_plural = _("zero-result searches")

    def __str__(self) -> str:
        return "zero-result search"
