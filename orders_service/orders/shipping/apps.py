from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "orders.shipping"
    label = "shipping"
    verbose_name = "Shipping by CEP"
    default_auto_field = "django.db.models.BigAutoField"
