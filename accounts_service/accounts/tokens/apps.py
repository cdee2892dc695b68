from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TokensConfig(AppConfig):
    name = "accounts.tokens"
    label = "tokens"
    verbose_name = _("Tokens")
    default_auto_field = "django.db.models.BigAutoField"
