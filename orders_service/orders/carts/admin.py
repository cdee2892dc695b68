from django.contrib import admin

from common.admin import ReadOnlyAdmin
from orders.carts.models import Cart, CartLine


class CartLineInline(admin.TabularInline):
    model = CartLine
    extra = 0
    fields = ("sku", "name", "quantity", "unit_price", "added_at")
    readonly_fields = fields


@admin.register(Cart)
class CartAdmin(ReadOnlyAdmin):
    list_display = ("token", "user_id", "created_at", "updated_at")
    search_fields = ("=token", "=user_id")
    inlines = (CartLineInline,)
