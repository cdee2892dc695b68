from django.contrib import admin

from orders.checkout.models import IdempotencyKey
from orders.readonly_admin import ReadOnlyAdmin


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(ReadOnlyAdmin):
    list_display = ("key", "state", "response_status", "order", "created_at", "completed_at")
    list_filter = ("state",)
    search_fields = ("=key", "order__number")
