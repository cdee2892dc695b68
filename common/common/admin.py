"""Admin bases shared by the services' admins.

- ``NoManualEditsAdmin`` / ``ReadOnlyAdmin``: rows that events, services or providers write, never a
  person by hand.
- ``SuperuserOnlyAdmin``: the roles rule. Merchandisers and customer support see only the tables their
  group's permissions open; the plumbing (event outbox, inbox, dead letters, known users) is for
  superusers only, whatever permissions a group was given. Mix it in first:
  ``class OutboxMessageAdmin(SuperuserOnlyAdmin, NoManualEditsAdmin)``.
"""

from django.contrib import admin


class NoManualEditsAdmin(admin.ModelAdmin):
    """Listed and viewable (and deletable where the model allows it), but never added or edited by hand."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(NoManualEditsAdmin):
    """Only shown: not added, edited or deleted from the admin."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def is_superuser(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_superuser)


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Developer plumbing: hidden from the admin index and refused (403) to anyone but a superuser."""

    def has_module_permission(self, request) -> bool:
        return is_superuser(request) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_superuser(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request) -> bool:
        return is_superuser(request) and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return is_superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return is_superuser(request) and super().has_delete_permission(request, obj)
