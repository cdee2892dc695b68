from django.contrib import admin

from common.admin import MoneyColumnsAdmin, ReadOnlyAdmin
from orders.products.models import ProductVariant


@admin.register(ProductVariant)
class ProductVariantAdmin(MoneyColumnsAdmin, ReadOnlyAdmin):
    money_fields = ("price",)
    list_display = (
        "sku",
        "product_name",
        "variant_name",
        "price",
        "currency",
        "weight_grams",
        "published",
        "source_occurred_at",
    )
    list_filter = ("published",)
    search_fields = ("=sku", "product_name", "product_slug")
