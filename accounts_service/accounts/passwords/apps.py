from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PasswordsConfig(AppConfig):
    name = "accounts.passwords"
    label = "passwords"
    verbose_name = _("Passwords")
    default_auto_field = "django.db.models.BigAutoField"
