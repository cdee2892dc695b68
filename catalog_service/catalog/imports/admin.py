from django.contrib import admin

from catalog.imports.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "file_name",
        "status",
        "row_count",
        "created_count",
        "updated_count",
        "created_at",
        "finished_at",
    ]
    list_filter = ["status"]
    readonly_fields = [
        "file_name",
        "status",
        "row_count",
        "created_count",
        "updated_count",
        "errors",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
    ]
    exclude = ["content"]

    def has_add_permission(self, request):
        return False
