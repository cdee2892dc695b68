"""Admin of reports (with their CSV download) and read-only views of the reporting read models."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html

from common.admin import NoManualEditsAdmin
from tasks.reports.apis import report_file_response
from tasks.reports.models import Report, ReportStatus, SaleOrder, StockLevel


@admin.register(Report)
class ReportAdmin(NoManualEditsAdmin):
    list_display = ["__str__", "kind", "period_start", "period_end", "status", "row_count", "created_at", "download"]
    list_filter = ["kind", "status"]
    date_hierarchy = "period_start"
    readonly_fields = [
        "uuid",
        "kind",
        "period_start",
        "period_end",
        "status",
        "file",
        "row_count",
        "attempts",
        "generation_requests",
        "claimed_at",
        "last_error",
        "created_at",
        "completed_at",
        "download",
    ]
    exclude = ["claim_token"]

    def get_urls(self):
        urls = [
            path(
                "<int:report_id>/download/",
                self.admin_site.admin_view(self.download_view),
                name="reports_report_download",
            )
        ]
        return urls + super().get_urls()

    def download_view(self, request, report_id: int):
        """Serve the CSV to staff who may view reports (MEDIA is not served publicly)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(Report, pk=report_id, status=ReportStatus.DONE)
        return report_file_response(report)

    @admin.display(description="CSV")
    def download(self, obj: Report) -> str:
        if obj.status != ReportStatus.DONE or not obj.file:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:reports_report_download", args=[obj.pk]), obj.file_name
        )


@admin.register(SaleOrder)
class SaleOrderAdmin(NoManualEditsAdmin):
    list_display = ["order_number", "total", "currency", "paid_on", "refunded", "refunded_on"]
    list_filter = ["refunded", "currency"]
    search_fields = ["order_number", "email"]
    date_hierarchy = "paid_at"


@admin.register(StockLevel)
class StockLevelAdmin(NoManualEditsAdmin):
    list_display = ["sku", "product_name", "on_hand", "available", "low_stock_threshold", "changed_at"]
    search_fields = ["sku", "product_name"]
