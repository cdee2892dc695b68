from django.apps import AppConfig


class AddressesConfig(AppConfig):
    name = "accounts.addresses"
    label = "addresses"
    default_auto_field = "django.db.models.BigAutoField"
