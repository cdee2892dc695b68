"""Read-only view of ``KnownUser`` in the consuming services' admins (accounts owns the real users)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin

from common.auth.models import KnownUser


class KnownUserAdmin(admin.ModelAdmin):
    list_display = ("user_id", "email", "full_name", "is_active", "is_staff", "changed_at")
    list_filter = ("is_active", "is_staff")
    search_fields = ("email", "full_name")
    ordering = ("email",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


if getattr(settings, "SERVICE_NAME", "") != "accounts":
    admin.site.register(KnownUser, KnownUserAdmin)
