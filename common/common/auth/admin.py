"""Read-only view of ``KnownUser`` in the consuming services' admins (accounts owns the real users)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin

from common.admin import ReadOnlyAdmin, SuperuserOnlyAdmin
from common.auth.models import KnownUser


class KnownUserAdmin(SuperuserOnlyAdmin, ReadOnlyAdmin):
    list_display = ("user_id", "email", "full_name", "is_active", "is_staff", "changed_at")
    list_filter = ("is_active", "is_staff")
    search_fields = ("email", "full_name")
    ordering = ("email",)


if getattr(settings, "SERVICE_NAME", "") != "accounts":
    admin.site.register(KnownUser, KnownUserAdmin)
