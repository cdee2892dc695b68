"""Users in the admin: search by email, filter by staff/active/group, deactivate and log out everywhere.

Saving a user announces a change of access (active, staff, groups) to the other services.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts.users.models import User
from accounts.users.selectors import user_access_snapshot
from accounts.users.services import user_access_publish_if_changed, user_logout_everywhere, user_set_active


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_staff", "is_active", "date_joined", "last_login")
    list_filter = ("is_staff", "is_active", "is_superuser", "groups")
    search_fields = ("email", "full_name")
    readonly_fields = ("date_joined", "last_login")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("full_name",)}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),)
    actions = ("deactivate_users", "log_out_everywhere")

    def save_model(self, request, obj, form, change):
        original = User.objects.filter(pk=obj.pk).first() if change else None
        request._access_before = user_access_snapshot(user=original) if original else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user_access_publish_if_changed(user=form.instance, before=getattr(request, "_access_before", None))

    @admin.action(description=_("Deactivate the selected users (and log them out everywhere)"))
    def deactivate_users(self, request, queryset):
        changed = sum(user_set_active(user=user, is_active=False) for user in queryset.order_by("pk"))
        self.message_user(
            request,
            ngettext("%(count)d user deactivated.", "%(count)d users deactivated.", changed) % {"count": changed},
            messages.SUCCESS,
        )

    @admin.action(description=_("Log the selected users out everywhere"))
    def log_out_everywhere(self, request, queryset):
        revoked = sum(user_logout_everywhere(user=user) for user in queryset.order_by("pk"))
        self.message_user(
            request,
            ngettext("%(count)d refresh token revoked.", "%(count)d refresh tokens revoked.", revoked)
            % {"count": revoked},
            messages.SUCCESS,
        )
