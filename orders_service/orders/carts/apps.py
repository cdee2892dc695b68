from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CartsConfig(AppConfig):
    name = "orders.carts"
    label = "carts"
    verbose_name = _("Carts")
    default_auto_field = "django.db.models.BigAutoField"
