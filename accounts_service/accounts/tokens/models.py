"""``RevokedTokenFamily``: refresh-token families ended by reuse (theft) or logout."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RevokedTokenFamily(models.Model):
    """Every refresh token descends from one login; they share its ``family`` claim.

    A rotated (blacklisted) refresh token presented again means two parties hold the chain: the whole
    family is revoked, so the thief's descendant stops working along with the victim's.
    """

    class Reason(models.TextChoices):
        REUSE = "reuse", _("Refresh token reused")
        LOGOUT = "logout", _("Signed out")

    family = models.CharField(verbose_name=_("family"), max_length=64, primary_key=True)
    user_id = models.BigIntegerField(verbose_name=_("user id"), null=True, db_index=True)
    reason = models.CharField(verbose_name=_("reason"), max_length=16, choices=Reason.choices)
    revoked_at = models.DateTimeField(verbose_name=_("revoked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("revoked token family")
        verbose_name_plural = _("revoked token families")

    def __str__(self) -> str:
        return f"{self.family} ({self.reason})"
