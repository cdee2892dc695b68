"""Admin bases for rows that events, services or providers write, never a person by hand."""

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
