"""``{% orders_dashboard %}``: the home panels of the orders admin index (see ``orders.dashboard.panels``)."""

from __future__ import annotations

from django import template

from orders.dashboard.panels import orders_panels

register = template.Library()


@register.inclusion_tag("admin/dashboard_panels.html", takes_context=True)
def orders_dashboard(context):
    return {"panels": orders_panels(user=context["request"].user)}
