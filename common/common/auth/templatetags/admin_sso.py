"""``{% admin_links %}``: the four admins, side by side in every admin's header (one sign-in for all)."""

from __future__ import annotations

from django import template
from django.conf import settings
from django.utils.html import format_html, format_html_join

from common.auth import sso

register = template.Library()

# Written in Portuguese, like the dashboards: the people who read them work in pt-BR.
LABELS = {"catalog": "Catálogo", "orders": "Pedidos", "tasks": "Tarefas", "accounts": "Contas"}


@register.simple_tag(takes_context=True)
def admin_links(context) -> str:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return ""
    here = settings.SERVICE_NAME
    links = format_html_join(
        " ",
        '<a href="{}/admin/" class="{}">{}</a>',
        (
            (sso.admin_base_url(service), "admin-link current" if service == here else "admin-link", label)
            for service, label in LABELS.items()
        ),
    )
    return format_html('<nav id="admin-links" aria-label="Painéis" style="padding: 6px 40px">{}</nav>', links)
