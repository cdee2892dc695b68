"""Shipping addresses of a user (the storefront offers them at checkout; orders reads one by id).

The rules (CEP, UF of the CEP, número, bairro, phone) are ``common.addresses``'s, checked by the services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Address(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="addresses"
    )
    full_name = models.CharField(verbose_name=_("full name"), max_length=150)
    line1 = models.CharField(verbose_name=_("address line 1"), max_length=200, help_text=_("Street (logradouro)."))
    number = models.CharField(
        verbose_name=_("number"), max_length=20, blank=True, help_text=_('Number; "S/N" when there is none.')
    )
    line2 = models.CharField(
        verbose_name=_("address line 2"), max_length=200, blank=True, help_text=_("Complement (complemento).")
    )
    neighborhood = models.CharField(
        verbose_name=_("neighborhood"), max_length=100, blank=True, help_text=_("Neighborhood (bairro).")
    )
    city = models.CharField(verbose_name=_("city"), max_length=100)
    state = models.CharField(verbose_name=_("state (UF)"), max_length=100)
    postal_code = models.CharField(
        verbose_name=_("postal code"), max_length=20, help_text=_("A CEP is kept as 00000-000.")
    )
    country = models.CharField(
        verbose_name=_("country"), max_length=2, default="BR", help_text=_("ISO 3166-1 alpha-2.")
    )
    phone = models.CharField(
        verbose_name=_("phone"), max_length=30, blank=True, help_text=_("A Brazilian phone is kept in E.164.")
    )
    created_at = models.DateTimeField(verbose_name=_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="address_user_created_idx")]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.line1}, {self.number}, {self.city}"
