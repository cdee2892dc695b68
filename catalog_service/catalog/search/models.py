"""Search support: the lexicon of indexed words (for typo correction)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchTerm(models.Model):
    """A normalized (lower-case, accent-free) word of some product's name, brand, SKU or attributes.

    On PostgreSQL a query word that matches no indexed word is replaced by its nearest neighbour here
    by trigram similarity (``pg_trgm``): "hidratamte" becomes "hidratante".
    """

    word = models.CharField(verbose_name=_("word"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("search term")
        verbose_name_plural = _("search terms")
        ordering = ["word"]

    def __str__(self) -> str:
        return self.word
