"""The zero-result searches page for merchandisers (read from MongoDB's ``catalog_search_logs``)."""

from __future__ import annotations

from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from catalog.shopper_activity.models import ZeroResultQuery
from catalog.shopper_activity.selectors import zero_result_searches
from common.admin import ReadOnlyAdmin


@admin.register(ZeroResultQuery)
class ZeroResultQueryAdmin(ReadOnlyAdmin):
    def changelist_view(self, request, extra_context=None):
        context = {
            **self.admin_site.each_context(request),
            "title": _("Searches that found nothing"),
            "rows": zero_result_searches(limit=200),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/shopper_activity/zero_results.html", context)
