from django.contrib import admin

from orders.products.models import ProductVariant
from orders.readonly_admin import ReadOnlyAdmin


@admin.register(ProductVariant)
class ProductVariantAdmin(ReadOnlyAdmin):
    list_display = ("sku", "product_name", "variant_name", "price", "currency", "published", "source_occurred_at")
    list_filter = ("published",)
    search_fields = ("=sku", "product_name", "product_slug")
