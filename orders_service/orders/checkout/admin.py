from django.contrib import admin

from common.admin import ReadOnlyAdmin, SuperuserOnlyAdmin
from orders.checkout.models import IdempotencyKey


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(SuperuserOnlyAdmin, ReadOnlyAdmin):
    list_display = ("key", "state", "response_status", "order", "created_at", "completed_at")
    list_filter = ("state",)
    search_fields = ("=key", "order__number")
