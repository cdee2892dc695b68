"""``KnownUser``: what this service knows of accounts' users, fed by ``accounts.user_access_changed``."""

from __future__ import annotations

from django.db import models


class KnownUser(models.Model):
    """One accounts user as last announced: lets ``JWTAuth`` refuse a deactivated user's tokens at once."""

    user_id = models.BigIntegerField(primary_key=True)
    email = models.EmailField(max_length=254, db_index=True)
    full_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    groups = models.JSONField(default=list, blank=True)
    changed_at = models.DateTimeField(help_text="When accounts made the change last applied here.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user_id"]

    def __str__(self) -> str:
        return f"{self.email} ({self.user_id})"
