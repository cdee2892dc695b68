from django.apps import AppConfig


class SignOnConfig(AppConfig):
    name = "accounts.signon"
    label = "signon"
    default_auto_field = "django.db.models.BigAutoField"
