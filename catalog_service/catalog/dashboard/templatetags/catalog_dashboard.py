"""``{% catalog_dashboard %}``: the home panels of the catalog admin index (see ``catalog.dashboard.panels``)."""

from __future__ import annotations

from django import template

from catalog.dashboard.panels import catalog_panels

register = template.Library()


@register.inclusion_tag("admin/dashboard_panels.html", takes_context=True)
def catalog_dashboard(context):
    return {"panels": catalog_panels(user=context["request"].user)}
