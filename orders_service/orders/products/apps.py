from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProductsConfig(AppConfig):
    name = "orders.products"
    label = "products"
    verbose_name = _("Product copy (read model)")
    default_auto_field = "django.db.models.BigAutoField"
