"""Admin of reports (with their CSV download) and read-only views of the reporting read models."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.admin import MoneyColumnsAdmin, NoManualEditsAdmin, ReadOnlyAdmin
from tasks.reports.admin_forms import ReportRunForm
from tasks.reports.apis import report_file_response
from tasks.reports.models import Report, ReportStatus, SaleOrder, StockLevel
from tasks.reports.services.production import report_produce

# The tasks admin's home page carries the dashboard (tasks.reports.dashboard).
admin.site.index_template = "admin/tasks_index.html"


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
            ),
            path("run/", self.admin_site.admin_view(self.run_view), name="reports_report_run"),
        ]
        return urls + super().get_urls()

    def download_view(self, request, report_id: int):
        """Serve the CSV to staff who may view reports (MEDIA is not served publicly)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        report = get_object_or_404(Report, pk=report_id, status=ReportStatus.DONE)
        return report_file_response(report)

    def run_view(self, request):
        """Produce a report for the period asked now, in this request (the CSV of a day or a year is small)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ReportRunForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            kind, start, end = form.cleaned_data["kind"], form.cleaned_data["start"], form.cleaned_data["end"]
            try:
                report = report_produce(kind=kind, period_start=start, period_end=end)
            except (ImproperlyConfigured, ValueError) as exc:
                self.message_user(
                    request, _("The report could not be produced: %(error)s") % {"error": exc}, messages.ERROR
                )
            else:
                state = _("final") if report.is_final else _("provisional (the period has not ended yet)")
                self.message_user(
                    request,
                    _("Report produced: %(count)d rows, %(state)s.") % {"count": report.row_count, "state": state},
                    messages.SUCCESS,
                )
                return redirect("admin:reports_report_change", report.pk)
        context = {**self.admin_site.each_context(request), "form": form, "opts": self.model._meta}
        return TemplateResponse(request, "admin/reports/report_run.html", context)

    @admin.display(description=_("CSV"))
    def download(self, obj: Report) -> str:
        if obj.status != ReportStatus.DONE or not obj.file:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:reports_report_download", args=[obj.pk]), obj.file_name
        )


@admin.register(SaleOrder)
class SaleOrderAdmin(MoneyColumnsAdmin, NoManualEditsAdmin):
    money_fields = ("total",)
    list_display = ["order_number", "total", "currency", "paid_on", "refunded", "refunded_on"]
    list_filter = ["refunded", "currency"]
    search_fields = ["order_number", "email"]
    date_hierarchy = "paid_at"


@admin.register(StockLevel)
class StockLevelAdmin(ReadOnlyAdmin):
    """Catalog's levels as tasks knows them (reconciled hourly): the emptiest first, nothing to delete."""

    list_display = ["sku", "product_name", "on_hand", "available", "low_stock_threshold", "changed_at"]
    search_fields = ["sku", "product_name"]
    ordering = ["available", "sku"]
