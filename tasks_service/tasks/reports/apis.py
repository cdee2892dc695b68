"""Staff-only reports API: the list of produced reports and their CSV downloads."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from ninja import Router

from common.api import ErrorOut, NotFound
from common.auth import StaffJWTAuth
from tasks.reports.schemas import ReportOut
from tasks.reports.selectors import report_get_done, report_list

router = Router(tags=["reports"], auth=StaffJWTAuth())

ERRORS = {401: ErrorOut, 403: ErrorOut}


@router.get("/reports", response={200: list[ReportOut], **ERRORS}, url_name="report_list")
def list_reports(request: HttpRequest):
    """Every produced report, the most recently produced first (staff only)."""
    rows = report_list().values("id", "kind", "period_start", "period_end", "created_at")
    return [
        {**row, "download_url": request.build_absolute_uri(reverse("tasks-api:report_download", args=[row["id"]]))}
        for row in rows
    ]


@router.get(
    "/reports/{report_id}/download",
    response={200: None, 404: ErrorOut, **ERRORS},
    url_name="report_download",
    openapi_extra={"responses": {200: {"description": "The CSV", "content": {"text/csv": {}}}}},
)
def download_report(request: HttpRequest, report_id: int):
    """The report's CSV file (staff only); 404 for an unknown or unfinished report."""
    report = report_get_done(report_id=report_id)
    if report is None or not report.file:
        raise NotFound(_("No such report."), code="report_not_found")
    return report_file_response(report)


def report_file_response(report) -> FileResponse:
    """The CSV as an attachment named after its kind and period (shared with the admin download)."""
    response = FileResponse(report.file.open("rb"), as_attachment=True, filename=report.file_name)
    response["Content-Type"] = "text/csv; charset=utf-8"
    return response
