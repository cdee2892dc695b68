from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "orders.products"
    label = "products"
    verbose_name = "Product copy (read model)"
    default_auto_field = "django.db.models.BigAutoField"
