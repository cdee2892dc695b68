"""``KnownUser``: what this service knows of accounts' users, fed by ``accounts.user_access_changed``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class KnownUser(models.Model):
    """One accounts user as last announced: lets ``JWTAuth`` refuse a deactivated user's tokens at once."""

    user_id = models.BigIntegerField(verbose_name=_("user id"), primary_key=True)
    email = models.EmailField(verbose_name=_("email"), max_length=254, db_index=True)
    full_name = models.CharField(verbose_name=_("full name"), max_length=150, blank=True)
    is_active = models.BooleanField(verbose_name=_("is active"), default=True)
    is_staff = models.BooleanField(verbose_name=_("is staff"), default=False)
    groups = models.JSONField(verbose_name=_("groups"), default=list, blank=True)
    changed_at = models.DateTimeField(
        verbose_name=_("changed at"), help_text=_("When accounts made the change last applied here.")
    )
    updated_at = models.DateTimeField(verbose_name=_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("known user")
        verbose_name_plural = _("known users")
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.email} ({self.user_id})"
