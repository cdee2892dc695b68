"""Shipping addresses of a user (the storefront offers them at checkout; orders reads one by id).

The rules (CEP, UF of the CEP, número, bairro, phone) are ``common.addresses``'s, checked by the services."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Address(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
    full_name = models.CharField(max_length=150)
    line1 = models.CharField(max_length=200, help_text="Logradouro (street).")
    number = models.CharField(max_length=20, blank=True, help_text='Número; "S/N" when there is none.')
    line2 = models.CharField(max_length=200, blank=True, help_text="Complemento.")
    neighborhood = models.CharField(max_length=100, blank=True, help_text="Bairro.")
    city = models.CharField(max_length=100)
    state = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20, help_text="A CEP is kept as 00000-000.")
    country = models.CharField(max_length=2, default="BR", help_text="ISO 3166-1 alpha-2.")
    phone = models.CharField(max_length=30, blank=True, help_text="A Brazilian phone is kept in E.164.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="address_user_created_idx")]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.line1}, {self.number}, {self.city}"
