"""``RevokedTokenFamily``: refresh-token families ended by reuse (theft) or logout."""

from __future__ import annotations

from django.db import models


class RevokedTokenFamily(models.Model):
    """Every refresh token descends from one login; they share its ``family`` claim.

    A rotated (blacklisted) refresh token presented again means two parties hold the chain: the whole
    family is revoked, so the thief's descendant stops working along with the victim's.
    """

    class Reason(models.TextChoices):
        REUSE = "reuse", "Token de renovação reutilizado"
        LOGOUT = "logout", "Sessão encerrada"

    family = models.CharField(max_length=64, primary_key=True)
    user_id = models.BigIntegerField(null=True, db_index=True)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    revoked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "família de tokens revogada"
        verbose_name_plural = "famílias de tokens revogadas"

    def __str__(self) -> str:
        return f"{self.family} ({self.reason})"
