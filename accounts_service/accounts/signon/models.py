"""One sign-in for the four admins: an ``AdminSignOn`` per accounts admin login, and the one-time
``AdminSignOnTicket`` that carries it to another service's admin (CAS-style, server-to-server redeem)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AdminSignOn(models.Model):
    """A signed-in person across the admins. ``sid`` travels in each admin's session; ending it (sign-out
    at any admin) signs that person out of every admin on their next request."""

    sid = models.CharField(_("session id"), max_length=64, primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="admin_sign_ons", verbose_name=_("user")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("admin sign-on")
        verbose_name_plural = _("admin sign-ons")
        indexes = [models.Index(fields=["user", "ended_at"], name="signon_user_open_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"


class AdminSignOnTicket(models.Model):
    """A short-lived, single-use proof that ``sign_on`` asked to enter ``service``'s admin (only its hash
    is stored)."""

    ticket_hash = models.CharField(max_length=64, primary_key=True)
    sign_on = models.ForeignKey(AdminSignOn, on_delete=models.CASCADE, related_name="tickets")
    service = models.CharField(max_length=32)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-on ticket")
        verbose_name_plural = _("sign-on tickets")

    def __str__(self) -> str:
        return f"{self.service} {self.expires_at:%Y-%m-%d %H:%M}"
