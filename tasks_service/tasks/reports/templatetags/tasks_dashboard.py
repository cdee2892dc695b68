"""``{% tasks_dashboard %}``: the home panel of the tasks admin index (see ``tasks.reports.dashboard``)."""

from __future__ import annotations

from django import template

from tasks.reports.dashboard import dashboard_context

register = template.Library()


@register.inclusion_tag("admin/reports/dashboard.html", takes_context=True)
def tasks_dashboard(context):
    user = context["request"].user
    can_reports = user.has_perm("reports.view_report")
    can_emails = user.has_perm("emails.view_emaillog")
    if not (can_reports or can_emails):
        return {"visible": False}
    return {"visible": True, "can_reports": can_reports, "can_emails": can_emails, **dashboard_context()}
