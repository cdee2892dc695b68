from django.apps import AppConfig


class PasswordsConfig(AppConfig):
    name = "accounts.passwords"
    label = "passwords"
    default_auto_field = "django.db.models.BigAutoField"
